/**
 * The phone console at 375×812 (issue 13): the link in a robot's message opens that alert's
 * acknowledgement after login; one thumb picks the action, adds a note, confirms; the wall shows
 * it and the channel is told 已确认 · who · action. And the admin's channels tab: a channel added,
 * its 测试 button answered with the platform's reply, its delivery log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Launch } from '@warroom/shared';
import {
  adminSession,
  api,
  canRunBrowser,
  createLaunch,
  createUser,
  freePort,
  launchBrowser,
  postReadings,
  screenshotPath,
  signIn,
  startServer,
  type RunningServer,
} from './harness';
import { Receiver } from '../notify/receivers';

describe.skipIf(!canRunBrowser)('the phone console and the channels tab', () => {
  let server: RunningServer;
  let browser: Browser;
  let robot: Receiver;
  let launch: Launch;

  beforeAll(async () => {
    robot = new Receiver('dingtalk', { secret: 'SECphone', token: 'phone0123456789abcdef' });
    await robot.up();
    const port = await freePort();
    server = await startServer({
      port,
      env: { WARROOM_PUBLIC_URL: `http://127.0.0.1:${port}`, WARROOM_NOTIFY_BACKOFF_MS: '100' },
    });
    browser = await launchBrowser();
    await createUser(server.url, {
      username: 'wangfang',
      displayName: '王芳',
      role: 'supervisor',
      ownerRole: '推广主管',
    });
    await api(server.url, 'POST', '/api/channels', {
      name: '推广群（钉钉）',
      kind: 'dingtalk',
      url: robot.url,
      secret: 'SECphone',
      route: { roles: ['推广主管'] },
    });
    launch = await createLaunch(server.url, '雪凡妮 聚划算 · 10:00 场', 40);
    await postReadings(server.url, launch, 0, 15, { uv: 0.7, units: 0.7, gmv: 0.7 });
    await robot.waitFor((got) => got.some((r) => r.accepted && r.text.includes('/ack/')));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await robot?.down();
  });

  it('opens the link, logs in, acknowledges with one thumb; the wall and the channel show it', async () => {
    const message = robot.accepted.find((r) => r.text.includes('/ack/'))!;
    expect(message.text).toContain('雪凡妮 聚划算');
    const link = /\((http[^)]+\/ack\/[^)]+)\)/.exec(message.text)![1]!;
    expect(link.startsWith(server.url)).toBe(true);

    // The wall, open in the room.
    const wallContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await signIn(wallContext, server.url, await adminSession(server.url));
    const wall = await wallContext.newPage();
    wall.setDefaultTimeout(10_000);
    await wall.goto(`${server.url}/screen/${launch.id}`);
    await wall.getByTestId('screen').waitFor();

    const phone = await browser.newContext({
      viewport: { width: 375, height: 812 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await phone.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(link);
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('login-username').fill('wangfang');
    await page.getByTestId('login-password').fill('a-long-password');
    await page.getByTestId('login-submit').tap();
    await page.getByTestId('ack-phone-form').waitFor();
    expect(new URL(page.url()).pathname).toBe(new URL(link).pathname);
    expect(await page.getByTestId('ack-what').innerText()).toMatch(/低于计划 ▼/);
    const actions = page.getByTestId('ack-action');
    expect(await actions.count()).toBeGreaterThan(1);
    // Every target is big enough for a thumb and inside the 375 px width.
    for (const box of await Promise.all((await actions.all()).map((a) => a.boundingBox()))) {
      expect(box!.height).toBeGreaterThanOrEqual(48);
      expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    }
    const second = actions.nth(1);
    const action = (await second.locator('span').innerText()).trim();
    await second.tap();
    expect(await second.getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('ack-phone-note').fill('已加投直通车');
    const confirm = page.getByTestId('ack-confirm');
    const box = await confirm.boundingBox();
    // The confirm button sits in the bottom of the screen, where a thumb reaches.
    expect(box!.y + box!.height).toBeGreaterThan(812 - 120);
    await page.screenshot({ path: screenshotPath('phone-ack.png') });
    await confirm.tap();
    await page.getByTestId('ack-done').waitFor();
    expect(await page.getByTestId('ack-done').innerText()).toContain(`已确认 · 王芳 · ${action}`);
    await page.screenshot({ path: screenshotPath('phone-ack-done.png') });

    // The wall shows who took it on; the robot gets 已确认 · who · action.
    await wall.getByText('王芳', { exact: false }).first().waitFor();
    await robot.waitFor((got) => got.some((r) => r.accepted && r.text.includes(`已确认 · 王芳 · ${action}`)));
    await wall.screenshot({ path: screenshotPath('phone-ack-wall.png') });
    await phone.close();
    await wallContext.close();
  });

  it('the channels tab adds a channel, tests it and shows its delivery log', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await signIn(context, server.url, await adminSession(server.url));
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/admin#channels`);
    await page.getByTestId('channels-panel').waitFor();
    const wecom = new Receiver('wecom', { token: 'wecom-admin-key-0123' });
    await wecom.up();
    try {
      await page.getByTestId('channel-name').fill('客服群（企业微信）');
      await page.getByTestId('channel-kind').selectOption('wecom');
      await page.getByTestId('channel-url').fill(wecom.url);
      await page.getByTestId('channel-role-客服主管').check();
      await page.getByTestId('channel-save').click();
      await page.getByTestId('channel-row').nth(1).waitFor();
      const row = page.getByTestId('channel-row').filter({ hasText: '客服群' });
      // The key is masked in the list.
      expect(await row.innerText()).not.toContain('wecom-admin-key-0123');
      await row.getByTestId('channel-test').click();
      await row.getByTestId('channel-test-result').waitFor();
      expect(await row.getByTestId('channel-test-result').innerText()).toContain('"errcode":0');
      expect(wecom.accepted).toHaveLength(1);
      const ding = page.getByTestId('channel-row').filter({ hasText: '推广群' });
      await ding.getByTestId('channel-log').click();
      await page.getByTestId('delivery-row').first().waitFor();
      expect(await page.getByTestId('delivery-row').count()).toBeGreaterThanOrEqual(2);
      await page.screenshot({ path: screenshotPath('admin-channels.png'), fullPage: true });
    } finally {
      await wecom.down();
      await context.close();
    }
  });
});
