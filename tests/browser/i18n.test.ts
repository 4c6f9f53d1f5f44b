/**
 * The launch form validates in the UI's language: in Chinese the message next to a field is
 * Chinese, after the language switch the same problem reads in English, and every request the
 * page makes tells the server which language to answer in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  adminSession,
  canRunBrowser,
  launchBrowser,
  signIn,
  startServer,
  type RunningServer,
} from './harness';

describe.skipIf(!canRunBrowser)('validation messages in the UI language', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await signIn(context, server.url, await adminSession(server.url));
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The message shown next to the input with this test id. */
  const errorNextTo = (testId: string) =>
    page
      .locator('label.field', { has: page.getByTestId(testId) })
      .getByTestId('field-error')
      .innerText();
  const labelOf = (testId: string) =>
    page
      .locator('label.field', { has: page.getByTestId(testId) })
      .locator('span')
      .first()
      .innerText();
  const acceptLanguageOf = async (path: string, act: () => Promise<unknown>) => {
    const [request] = await Promise.all([
      page.waitForRequest((r) => new URL(r.url()).pathname === path),
      act(),
    ]);
    return request.headers()['accept-language'];
  };

  it('shows the launch form’s problems in Chinese, then in English after switching', async () => {
    expect(await acceptLanguageOf('/api/launches', () => page.goto(`${server.url}/admin`))).toBe('zh-CN');

    await page.getByTestId('field-name').fill('');
    await page.getByTestId('create-launch').click();
    await expect.poll(() => errorNextTo('field-name')).toBe('不能为空');

    await page.getByTestId('field-name').fill('双11 预售 · 20:00 场');
    await page.getByTestId('field-checkpoints').fill('15, 200');
    await expect
      .poll(() => errorNextTo('field-checkpoints'))
      .toBe('检查点 200 在活动结束之后（时长 180 分钟）');

    await page.getByTestId('lang-switch').click();
    await expect.poll(() => labelOf('field-checkpoints')).toBe('Checkpoints (minutes, comma-separated)');
    await expect
      .poll(() => errorNextTo('field-checkpoints'))
      .toBe('checkpoint 200 is after the launch ends (durationMinutes 180)');
    // Nothing was created: the form refused it before asking the server.
    expect(await page.getByTestId('created').count()).toBe(0);
  });

  it('asks the server for English once the UI is English', async () => {
    expect(await acceptLanguageOf('/api/users', () => page.getByTestId('tab-accounts').click())).toBe('en');
    await page.getByTestId('user-username').fill('w');
    await page.getByTestId('user-password').fill('short');
    await page.getByTestId('user-create').click();
    await expect.poll(() => errorNextTo('user-username')).toBe('must be at least 2 characters');
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('user-create').click();
    await expect.poll(() => errorNextTo('user-password')).toBe('至少 8 个字符');
  });
});
