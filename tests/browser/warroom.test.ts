/**
 * The control room in a real browser: the built client served by the real server, driven in
 * headless Chromium. One launch goes through a launch day: on-plan readings, a traffic shortfall
 * at the 15-minute checkpoint, an acknowledgement from the console, a server crash and recovery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { formatIsoInZone, type Launch } from '@warroom/shared';
import {
  adminPassword,
  adminSession,
  api,
  canRunBrowser,
  createUser,
  launchBrowser,
  screenshotPath,
  signIn,
  startServer,
  type RunningServer,
} from './harness';

describe.skipIf(!canRunBrowser)('the control room in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let screen: Page;
  let launch: Launch;
  let unitsPosted = 0;

  const reading = (minute: number, uvShare = 1) => {
    const f = launch.forecast[minute]!;
    const units = Math.round(f.units);
    unitsPosted += units;
    return {
      minute,
      uv: Math.round(f.uv * uvShare),
      pv: Math.round(f.pv),
      orders: Math.round(f.orders),
      units,
      gmv: Math.round(f.gmv * 100) / 100,
    };
  };
  const post = (minutes: number[], uvShare = 1) =>
    api(
      server.url,
      'POST',
      `/api/launches/${launch.id}/readings`,
      minutes.map((m) => reading(m, uvShare)),
    );
  const text = (page: Page, testId: string) => page.getByTestId(testId).first().innerText();

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    launch = await api<Launch>(server.url, 'POST', '/api/launches', {
      name: '雪凡妮 聚划算 · 10:00 场',
      startAt: formatIsoInZone(Date.now() - 40 * 60_000, 'Asia/Shanghai'),
      durationMinutes: 180,
      stock: 3000,
      price: 99,
      targets: { uv: 30000, units: 2000, gmv: 198000 },
      forecast: { template: { uv: 30000, units: 2000, gmv: 198000 } },
    });
    screen = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the big screen sends a person without a session to the login page and back', async () => {
    await screen.goto(`${server.url}/screen/${launch.id}`);
    await screen.waitForURL(/\/login\?next=/);
    await screen.getByTestId('login-page').waitFor();
    await screen.screenshot({ path: screenshotPath('login.png') });
    await screen.getByTestId('login-username').fill('admin');
    await screen.getByTestId('login-password').fill('not-the-password');
    await screen.getByTestId('login-submit').click();
    await expect.poll(() => text(screen, 'login-error')).toContain('用户名或密码错误');
    await screen.getByTestId('login-password').fill(adminPassword());
    await screen.getByTestId('login-submit').click();
    await screen.waitForURL(`${server.url}/screen/${launch.id}`);
    await expect.poll(() => text(screen, 'launch-name')).toContain('雪凡妮');
    expect(await text(screen, 'kpi-gmv')).toContain('支付金额');
    expect(await screen.getByTestId('checkpoint-15').getAttribute('data-state')).toBe('pending');
    expect(await text(screen, 'launch-clock')).toMatch(/T\+00:4\d:\d\d/);
  });

  it('readings posted over HTTP move the KPIs and the chart', async () => {
    expect(await text(screen, 'kpi-units-value')).toBe('0');
    await post([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expect.poll(() => text(screen, 'kpi-units-value')).toBe(unitsPosted.toLocaleString('en-US'));
    await expect.poll(() => screen.getByTestId('chart-container').getAttribute('data-points')).toBe('10');
    expect(await text(screen, 'freshness')).toMatch(/实时/);
    await screen.waitForTimeout(600);
    await screen.screenshot({ path: screenshotPath('big-screen-normal.png') });
  });

  it('a traffic shortfall at the 15-minute checkpoint shows the alert with its plan', async () => {
    // Minutes 10–14 bring no new visitors: cumulative visitors end well below −20% of forecast.
    await post([10, 11, 12, 13, 14], 0);
    const panel = screen.getByTestId('alert-panel');
    await expect.poll(() => panel.getAttribute('data-status')).toBe('open');
    const body = await panel.innerText();
    expect(body).toContain('访客数');
    expect(body).toContain('低于预估');
    expect(body).toContain('流量不足');
    expect(body).toContain('推广主管');
    expect(body).toContain('直通车加价/放开限额');
    expect(await screen.getByTestId('checkpoint-15').getAttribute('data-state')).toBe('breached');
    await screen.waitForTimeout(600);
    await screen.screenshot({ path: screenshotPath('big-screen-alert.png') });
  });

  it('acknowledging it in the console as 王芳 shows her acknowledgement on the big screen without a reload', async () => {
    const session = await createUser(server.url, {
      username: 'wangfang',
      displayName: '王芳',
      role: 'supervisor',
      ownerRole: '推广主管',
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await signIn(context, server.url, session);
    const console = await context.newPage();
    await console.goto(`${server.url}/console`);
    const row = console.getByTestId('inbox-row').first();
    await expect.poll(() => row.getAttribute('data-status')).toBe('open');
    expect(await row.innerText()).toContain('雪凡妮');
    // Her own role's alert (推广主管 owns a traffic shortfall) is marked as hers.
    expect(await row.getAttribute('data-mine')).toBe('true');
    expect(await text(console, 'user-badge')).toContain('王芳');
    expect(await text(console, 'user-badge')).toContain('主管');
    await console.screenshot({ path: screenshotPath('console.png') });

    await console.keyboard.press('j');
    await console.keyboard.press('k');
    await console.keyboard.press('Enter');
    await console.getByTestId('ack-note').fill('已加价, 钻展加投 2 万');
    await console.getByTestId('ack-submit').click();

    const ack = screen.getByTestId('alert-ack-state');
    await expect.poll(() => ack.getAttribute('data-status')).toBe('acknowledged');
    const acked = await ack.innerText();
    expect(acked).toContain('王芳');
    expect(acked).toContain('直通车加价/放开限额');
    // The acknowledged alert leaves the "unacknowledged" view; its history names who acted.
    await console.getByTestId('filter-status').selectOption('all');
    await expect.poll(() => console.getByTestId('alert-history').innerText()).toContain('王芳');
    await console.screenshot({ path: screenshotPath('console-history.png') });
    await screen.screenshot({ path: screenshotPath('big-screen-acknowledged.png') });
    await context.close();
  });

  it('the English switch changes the labels', async () => {
    await screen.getByTestId('lang-switch').click();
    expect(await text(screen, 'kpi-gmv')).toContain('GMV');
    expect(await text(screen, 'kpi-uv')).toContain('Visitors');
    expect(await text(screen, 'checkpoint-timeline')).toContain('Checkpoints');
    expect(await text(screen, 'run-sheet')).toContain('Run sheet');
    await screen.screenshot({ path: screenshotPath('big-screen-english.png') });
    await screen.getByTestId('lang-switch').click();
    expect(await text(screen, 'kpi-gmv')).toContain('支付金额');
  });

  it('a server crash shows the banner; after the restart the screen catches up with nothing missed', async () => {
    await server.kill();
    const banner = screen.getByTestId('connection-banner');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await banner.innerText()).toContain('连接中断');
    // The chart keeps its data while the connection is down.
    expect(await screen.getByTestId('chart-container').getAttribute('data-points')).toBe('15');
    await screen.screenshot({ path: screenshotPath('big-screen-disconnected.png') });

    server = await startServer({ port: server.port, dataDir: server.dataDir });
    await post([15, 16, 17, 18, 19]);
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => text(screen, 'kpi-units-value')).toBe(unitsPosted.toLocaleString('en-US'));
    await expect.poll(() => screen.getByTestId('chart-container').getAttribute('data-points')).toBe('20');
    await post([20, 21]);
    await expect.poll(() => text(screen, 'kpi-units-value')).toBe(unitsPosted.toLocaleString('en-US'));
    expect(await screen.getByTestId('alert-ack-state').getAttribute('data-status')).toBe('acknowledged');
  });

  it('the launch setup shows validation messages next to the fields', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await signIn(context, server.url, await adminSession(server.url));
    const page = await context.newPage();
    await page.goto(`${server.url}/admin`);
    await page.getByTestId('field-gmv').fill('-5');
    await page.getByTestId('create-launch').click();
    const errors = page.getByTestId('field-error');
    await expect.poll(() => errors.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.field.invalid').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.field.invalid').first().innerText()).toMatch(/名称|金额/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(800);
    await page.screenshot({ path: screenshotPath('admin-validation.png') });
    await page.getByTestId('field-name').fill('双11 预售 · 20:00 场');
    await page.getByTestId('field-gmv').fill('500000');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(800);
    await page.screenshot({ path: screenshotPath('admin.png') });
    await context.close();
  });
});
