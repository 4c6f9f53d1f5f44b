/**
 * Admin as a director checks it (issue 17): the audit trail in Chinese with the launch's name and
 * the alert's words (not `rowsRead:` and raw ids), 开团 shown in the launch's zone in the UI's
 * language under a browser of another locale, and a playbook box that shows all its lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Launch } from '@warroom/shared';
import {
  adminSession,
  api,
  canRunBrowser,
  createLaunch,
  launchBrowser,
  screenshotPath,
  signIn,
  startServer,
  type RunningServer,
} from './harness';

describe.skipIf(!canRunBrowser)('admin, as a director checks it', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: Page;
  let launch: Launch;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    launch = await createLaunch(server.url, '雪凡妮 聚划算 · 10:00 场', 40);
    // Fifteen minutes of a third of the visitors: a traffic-shortfall alert, then acknowledged.
    const csv = [
      '分钟,访客数,浏览量,支付买家数,支付件数,支付金额',
      ...launch.forecast
        .slice(0, 15)
        .map(
          (f) =>
            `${f.minute},${Math.round(f.uv / 3)},${Math.round(f.pv)},${Math.round(f.orders)},${Math.round(f.units)},${Math.round(f.gmv)}`,
        ),
    ].join('\n');
    const res = await fetch(`${server.url}/api/launches/${launch.id}/imports`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', cookie: `wr_session=${await adminSession(server.url)}` },
      body: csv,
    });
    expect(res.status).toBe(200);
    await api(server.url, 'POST', `/api/alerts/${launch.id}-t15-uv/ack`, { action: '直通车加价/放开限额' });
    // An English-language browser: its own locale must not show through in the form's dates.
    const context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      locale: 'en-US',
      timezoneId: 'America/Los_Angeles',
    });
    await signIn(context, server.url, await adminSession(server.url));
    admin = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('writes the audit trail in Chinese, with the launch by name and the alert in words', async () => {
    await admin.goto(`${server.url}/admin#audit`);
    const table = admin.getByTestId('audit-table');
    await expect.poll(() => table.innerText()).toContain('导入数据');
    const body = await table.innerText();
    for (const english of ['rowsRead', 'accepted:', 'name:', 'action:', 'ip:', 'via:'])
      expect(body).not.toContain(english);
    expect(body).not.toContain(`${launch.id}-t15-uv`);
    const row = (action: string) => admin.locator(`[data-testid="audit-row"][data-action="${action}"]`);
    expect(await row('import').innerText()).toMatch(
      /雪凡妮 聚划算 · 10:00 场.*读取行数 15 · 接受 15 · 重复 0 · 拒绝 0/s,
    );
    expect(await row('alert.ack').innerText()).toMatch(
      /确认告警\s+雪凡妮 聚划算 · 10:00 场 · T\+15 访客数\s+措施 直通车加价\/放开限额 · 途径 网页\/接口/,
    );
    expect(await row('launch.create').innerText()).toContain('名称 雪凡妮 聚划算 · 10:00 场');
    expect(await row('login').first().innerText()).toMatch(/登录.*地址 /s);
    await admin.screenshot({ path: screenshotPath('admin-audit-names.png') });
  });

  it('shows 开团 in the launch’s zone and the UI’s language, whatever the browser’s locale', async () => {
    await admin.goto(`${server.url}/admin`);
    const field = admin.getByTestId('field-startAt');
    await field.fill('2026-03-12 10:00');
    // Plain text: no browser control turns it into 03/12/2026, 10:00 AM.
    expect(await field.getAttribute('type')).toBeNull();
    const reads = admin.getByTestId('start-at-reads');
    expect(await reads.innerText()).toBe('开团: 2026年3月12日周四 10:00 (北京)');
    await admin.getByTestId('field-timezone').fill('America/New_York');
    expect(await reads.innerText()).toBe('开团: 2026年3月12日周四 10:00 (New York)');
    await admin.getByTestId('lang-switch').click();
    expect(await reads.innerText()).toBe('Launch: Thu, 12 March 2026 at 10:00 (New York)');
    await admin.getByTestId('lang-switch').click();
    await admin.getByTestId('field-timezone').fill('Asia/Shanghai');
    // The launch it creates starts at that instant in its zone.
    await admin.getByTestId('field-name').fill('双11 预售 · 20:00 场');
    await field.fill('2026-11-11 20:00');
    await admin.getByTestId('create-launch').click();
    await expect
      .poll(async () =>
        (await api<{ name: string; startAt: string }[]>(server.url, 'GET', '/api/launches')).map((l) => [
          l.name,
          l.startAt,
        ]),
      )
      .toContainEqual(['双11 预售 · 20:00 场', '2026-11-11T20:00:00+08:00']);
  });

  it('shows every line of a playbook’s actions, the 数据中断 plan included', async () => {
    await admin.goto(`${server.url}/admin`);
    const boxes = admin.getByTestId('plan-actions');
    await expect.poll(() => boxes.count()).toBeGreaterThan(3);
    const clipped = await boxes.evaluateAll((els) =>
      els
        .map((el) => el as HTMLTextAreaElement)
        .filter((el) => el.scrollHeight > el.clientHeight + 1)
        .map((el) => el.value),
    );
    expect(clipped).toEqual([]);
    const dataGap = admin.locator('[data-plan="data-gap"]').getByTestId('plan-actions');
    expect(await dataGap.inputValue()).toBe('启动应急方案: 切换备用网络\n人工录入数据\n通知电商经理');
    await dataGap.scrollIntoViewIfNeeded();
    await admin.screenshot({ path: screenshotPath('admin-playbook.png') });
  });
});
