/**
 * Accounts in the browser: an admin makes people and a kiosk token in /admin, the wall screen runs
 * on that token without a login, a viewer watches the console without acknowledging, a CSV import
 * is previewed (a rejected row by its spreadsheet line) and then moves the screen, a revoked token
 * turns the screen's banner on, and logging out ends the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formatIsoInZone, type Launch } from '@warroom/shared';
import {
  adminSession,
  api,
  canRunBrowser,
  launchBrowser,
  login,
  screenshotPath,
  signIn,
  startServer,
  type RunningServer,
} from './harness';

const PASSWORD = 'a-long-password';

describe.skipIf(!canRunBrowser)('accounts, kiosk tokens and imports in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let adminContext: BrowserContext;
  let admin: Page;
  let kiosk: Page;
  let launch: Launch;
  let screenUrl = '';
  let unitsPosted = 0;

  const text = (page: Page, testId: string) => page.getByTestId(testId).first().innerText();
  const units = (minute: number) => Math.round(launch.forecast[minute]!.units);
  const reading = (minute: number, uvShare = 1) => {
    const f = launch.forecast[minute]!;
    unitsPosted += units(minute);
    return { minute, uv: Math.round(f.uv * uvShare), units: units(minute), gmv: Math.round(f.gmv) };
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    launch = await api<Launch>(server.url, 'POST', '/api/launches', {
      name: '保温杯 聚划算 · 20:00 场',
      startAt: formatIsoInZone(Date.now() - 40 * 60_000, 'Asia/Shanghai'),
      durationMinutes: 180,
      stock: 3000,
      price: 99,
      targets: { uv: 30000, units: 2000, gmv: 198000 },
      forecast: { template: { uv: 30000, units: 2000, gmv: 198000 } },
    });
    adminContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await signIn(adminContext, server.url, await adminSession(server.url));
    admin = await adminContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an admin creates a supervisor, a viewer and a screen token with its kiosk link', async () => {
    await admin.goto(`${server.url}/admin#accounts`);
    await admin.getByTestId('users-section').waitFor();
    const createUser = async (username: string, displayName: string, role: string, owner: string) => {
      await admin.getByTestId('user-username').fill(username);
      await admin.getByTestId('user-displayName').fill(displayName);
      await admin.getByTestId('user-password').fill(PASSWORD);
      await admin.getByTestId('user-role').selectOption(role);
      await admin.getByTestId('user-ownerRole').selectOption(owner);
      await admin.getByTestId('user-create').click();
      await expect.poll(() => text(admin, 'users-table')).toContain(displayName);
    };
    // A short password is refused next to its field, in Chinese.
    await admin.getByTestId('user-username').fill('zhaolei');
    await admin.getByTestId('user-password').fill('short');
    await admin.getByTestId('user-create').click();
    await expect.poll(() => text(admin, 'field-error')).toContain('至少 8 个字符');

    await createUser('wangfang', '王芳', 'supervisor', '推广主管');
    await createUser('lijing', '李静', 'viewer', '');
    expect(await admin.getByTestId('user-row').count()).toBe(3);

    await admin.getByTestId('token-name').fill('3 楼大屏');
    await admin.getByTestId('token-scope').selectOption('screen');
    await admin.getByTestId('token-create').click();
    const secret = await text(admin, 'token-secret');
    expect(secret.length).toBeGreaterThan(20);
    await admin.getByTestId('token-launch').selectOption(launch.id);
    screenUrl = await text(admin, 'token-screen-url');
    expect(screenUrl).toBe(`${server.url}/screen/${launch.id}?token=${encodeURIComponent(secret)}`);
    expect(await text(admin, 'tokens-table')).toContain('3 楼大屏');
    await admin.screenshot({ path: screenshotPath('admin-users.png') });
  });

  it('the big screen opened with the screen token runs without a login, also after a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    kiosk = await context.newPage();
    await kiosk.goto(screenUrl);
    await expect.poll(() => text(kiosk, 'launch-name')).toContain('保温杯');
    // The token left the address bar (but not the tab).
    expect(kiosk.url()).toBe(`${server.url}/screen/${launch.id}`);
    await kiosk.reload();
    await expect.poll(() => text(kiosk, 'launch-name')).toContain('保温杯');
    await api(
      server.url,
      'POST',
      `/api/launches/${launch.id}/readings`,
      Array.from({ length: 15 }, (_, m) => reading(m, m >= 10 ? 0 : 1)),
    );
    await expect.poll(() => text(kiosk, 'kpi-units-value')).toBe(unitsPosted.toLocaleString('en-US'));
    await expect.poll(() => kiosk.getByTestId('alert-panel').getAttribute('data-status')).toBe('open');
  });

  it('a viewer sees the console read-only and is told why; the server refuses their acknowledgement', async () => {
    const session = await login(server.url, 'lijing', PASSWORD);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await signIn(context, server.url, session);
    const page = await context.newPage();
    await page.goto(`${server.url}/console`);
    const row = page.getByTestId('inbox-row').first();
    await expect.poll(() => row.getAttribute('data-status')).toBe('open');
    expect(await text(page, 'read-only-note')).toContain('只读账号');
    expect(await page.getByTestId('ack-open').count()).toBe(0);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('ack-form').count()).toBe(0);
    expect(await text(page, 'ack-read-only')).toContain('不能确认');
    expect(await text(page, 'user-badge')).toContain('李静');
    const alertId = (await row.getAttribute('data-alert-id'))!;
    await expect(
      api(server.url, 'POST', `/api/alerts/${alertId}/ack`, { note: 'x' }, session),
    ).rejects.toThrow(/403/);
    await page.screenshot({ path: screenshotPath('console-viewer.png') });
    await context.close();
  });

  it('the import preview shows a rejected row by its line; the import then moves the big screen', async () => {
    const before = unitsPosted;
    // Minutes 15–24; line 5 (minute 18) has a broken 支付件数. Line 1 is the header.
    const rows = ['minute,访客数,支付件数,支付金额,备注'];
    let good = 0;
    for (let m = 15; m < 25; m++) {
      const f = launch.forecast[m]!;
      if (m === 18) rows.push(`${m},${Math.round(f.uv)},1x2,${Math.round(f.gmv)},`);
      else {
        rows.push(`${m},${Math.round(f.uv)},${units(m)},${Math.round(f.gmv)},ok`);
        good += units(m);
      }
    }
    await admin.getByTestId('tab-import').click();
    await admin.getByTestId('import-launch').selectOption(launch.id);
    await admin.getByTestId('import-file').setInputFiles({
      name: '生意参谋-分钟数据.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(rows.join('\r\n') + '\r\n', 'utf8'),
    });
    expect(await text(admin, 'import-file-name')).toContain('生意参谋');
    await admin.getByTestId('import-preview').click();
    const report = admin.getByTestId('import-report');
    await expect.poll(() => report.getAttribute('data-dry-run')).toBe('true');
    expect(await text(admin, 'report-rows')).toContain('10');
    expect(await text(admin, 'report-accepted')).toContain('9');
    expect(await text(admin, 'report-rejected')).toContain('1');
    const rejected = admin.getByTestId('rejected-row');
    expect(await rejected.count()).toBe(1);
    expect(await rejected.getAttribute('data-line')).toBe('5');
    expect(await rejected.innerText()).toContain('支付件数');
    expect(await text(admin, 'report-ignored')).toContain('备注');
    // A preview writes nothing.
    expect(await text(kiosk, 'kpi-units-value')).toBe(before.toLocaleString('en-US'));
    await admin.screenshot({ path: screenshotPath('admin-import.png'), fullPage: true });

    await admin.getByTestId('import-run').click();
    await expect.poll(() => report.getAttribute('data-dry-run')).toBe('false');
    expect(await text(admin, 'report-accepted')).toContain('9');
    unitsPosted += good;
    await expect.poll(() => text(kiosk, 'kpi-units-value')).toBe(unitsPosted.toLocaleString('en-US'));
    await expect.poll(() => kiosk.getByTestId('chart-container').getAttribute('data-points')).toBe('25');
  });

  it('revoking the screen token puts a full-width banner on that screen instead of spinning', async () => {
    await admin.getByTestId('tab-accounts').click();
    await admin.getByTestId('token-revoke').first().click();
    await expect.poll(() => text(admin, 'tokens-table')).toContain('已吊销');
    const banner = kiosk.getByTestId('token-banner');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await banner.innerText()).toContain('大屏令牌已失效');
    expect(await kiosk.getByTestId('connection-banner').count()).toBe(0);
    // The last data stays on the wall.
    expect(await text(kiosk, 'kpi-units-value')).toBe(unitsPosted.toLocaleString('en-US'));
    const box = await banner.boundingBox();
    expect(box?.width).toBe(1920);
    await kiosk.screenshot({ path: screenshotPath('big-screen-token-revoked.png') });
  });

  it('the audit trail shows who did what, filtered by action', async () => {
    await admin.getByTestId('tab-audit').click();
    await expect.poll(() => admin.getByTestId('audit-row').count()).toBeGreaterThan(3);
    await admin.getByTestId('audit-filter').selectOption('user.create');
    await expect.poll(() => admin.getByTestId('audit-row').count()).toBe(2);
    expect(await text(admin, 'audit-table')).toContain('wangfang');
    await admin.getByTestId('audit-filter').selectOption('');
    await expect.poll(() => text(admin, 'audit-table')).toContain('吊销令牌');
    await admin.screenshot({ path: screenshotPath('admin-audit.png') });
  });

  it('a new launch takes its forecast from a CSV, shown before it is saved, or from a past launch', async () => {
    await admin.getByTestId('tab-launch').click();
    await admin.getByTestId('fc-past').check();
    await admin.getByTestId('fc-past-launch').selectOption(launch.id);
    await admin.getByTestId('fc-past-load').click();
    await expect.poll(() => text(admin, 'fc-status')).toContain('已载入 180 分钟');

    await admin.getByTestId('fc-csv').check();
    const lines = ['分钟,访客数,支付件数,支付金额'];
    for (let m = 0; m < 180; m++)
      lines.push(`${m},${m < 60 ? 300 : 100},${m < 60 ? 20 : 5},${m < 60 ? 1980 : 495}`);
    await admin.getByTestId('fc-file').setInputFiles({
      name: '预估.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n'), 'utf8'),
    });
    await expect.poll(() => text(admin, 'fc-status')).toContain('已载入 180 分钟');
    await admin.getByTestId('field-name').fill('双12 预售 · 20:00 场');
    await admin.waitForTimeout(600);
    await admin.screenshot({ path: screenshotPath('admin-forecast-csv.png') });
    await admin.getByTestId('create-launch').click();
    // A round trip to the server and back into the page: vitest's 1 s default is less than the whole
    // suite's load can take on two cores.
    await expect.poll(() => text(admin, 'admin-message'), { timeout: 15_000 }).toContain('已创建');
    const launches = await api<{ id: string; name: string }[]>(server.url, 'GET', '/api/launches');
    const created = launches.find((l) => l.name === '双12 预售 · 20:00 场')!;
    const { launch: saved } = await api<{ launch: Launch }>(
      server.url,
      'GET',
      `/api/launches/${created.id}?include=forecast`,
    );
    expect(saved.forecast[0]).toMatchObject({ uv: 300, units: 20, gmv: 1980 });
    expect(saved.forecast[120]).toMatchObject({ uv: 100, units: 5 });
  });

  it('an alert left unacknowledged is escalated to 电商经理, loudly on the screen and in the console', async () => {
    const fast = await api<Launch>(server.url, 'POST', '/api/launches', {
      name: '电饭煲 聚划算 · 12:00 场',
      startAt: formatIsoInZone(Date.now() - 30 * 60_000, 'Asia/Shanghai'),
      durationMinutes: 120,
      escalateAfterSeconds: 2,
      forecast: { template: { uv: 20000, units: 1000, gmv: 299000 } },
    });
    const screenContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await signIn(screenContext, server.url, await adminSession(server.url));
    const screen = await screenContext.newPage();
    await screen.goto(`${server.url}/screen/${fast.id}`);
    await expect.poll(() => text(screen, 'launch-name')).toContain('电饭煲');
    await api(
      server.url,
      'POST',
      `/api/launches/${fast.id}/readings`,
      Array.from({ length: 15 }, (_, minute) => {
        const f = fast.forecast[minute]!;
        return {
          minute,
          uv: minute >= 8 ? 0 : Math.round(f.uv),
          units: Math.round(f.units),
          gmv: Math.round(f.gmv),
        };
      }),
    );
    const panel = screen.getByTestId('alert-panel');
    await expect.poll(() => panel.getAttribute('data-escalated'), { timeout: 15_000 }).toBe('true');
    expect(await text(screen, 'alert-escalated')).toContain('已升级至电商经理');
    await screen.waitForTimeout(400);
    await screen.screenshot({ path: screenshotPath('big-screen-escalated.png') });

    const consoleContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await signIn(consoleContext, server.url, await login(server.url, 'wangfang', PASSWORD));
    const console = await consoleContext.newPage();
    await console.goto(`${server.url}/console`);
    const row = console.locator('[data-testid="inbox-row"][data-escalated="true"]').first();
    await row.waitFor();
    expect(await row.innerText()).toContain('已升级 → 电商经理');
    await row.click();
    expect(await text(console, 'ack-escalated')).toContain('已升级至电商经理');
    await console.screenshot({ path: screenshotPath('console-escalated.png') });
    await screenContext.close();
    await consoleContext.close();
  });

  it('logging out ends the session: the console then asks for a login', async () => {
    await admin.getByTestId('logout').click();
    await admin.waitForURL(`${server.url}/login`);
    await admin.goto(`${server.url}/console`);
    await admin.waitForURL(`${server.url}/login?next=%2Fconsole`);
    await admin.getByTestId('login-page').waitFor();
  });
});
