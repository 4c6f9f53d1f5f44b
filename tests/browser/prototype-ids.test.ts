/**
 * An address naming a launch or replay like a built-in property (/screen/constructor,
 * /replay/toString, …) is a launch that does not exist: the screen says so, and the page never
 * mistakes Object's own properties for a launch's state and crashes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import {
  adminSession,
  canRunBrowser,
  launchBrowser,
  signIn,
  startServer,
  type RunningServer,
} from './harness';

const IDS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'];

describe.skipIf(!canRunBrowser)('ids named like built-in properties in the address bar', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await signIn(context, server.url, await adminSession(server.url));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it.each(IDS.flatMap((id) => [`/screen/${id}`, `/replay/${id}`]))(
    '%s: "no such launch", no page error',
    async (path) => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}${path}`);
      await expect
        .poll(() => page.getByTestId('screen').innerText(), { timeout: 15_000 })
        .toContain('没有这个场次');
      expect(errors).toEqual([]);
      await page.close();
    },
  );
});
