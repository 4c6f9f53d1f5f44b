/**
 * The supervisor console at laptop size (1366×768) as a director checks it (issue 17): the inbox
 * gets the height, rows do not wrap, a launch filter with live launches first and an ended one's
 * alerts folded, an acknowledgement confirmed with the selection kept in sight, and the note shown
 * in the row's history and on the wall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Launch } from '@warroom/shared';
import {
  adminSession,
  api,
  canRunBrowser,
  createLaunch,
  createUser,
  launchBrowser,
  postReadings,
  screenshotPath,
  signIn,
  startServer,
  type RunningServer,
} from './harness';

const text = (page: Page, testId: string) => page.getByTestId(testId).first().innerText();

describe.skipIf(!canRunBrowser)('the console, as a director checks it', () => {
  let server: RunningServer;
  let browser: Browser;
  let live: Launch;
  let ended: Launch;
  let console: Page;

  const newLaunch = (name: string, minutesAgo: number) => createLaunch(server.url, name, minutesAgo);
  /** Visitors, units and GMV at `share` of the forecast. */
  const post = (launch: Launch, from: number, to: number, share: number) =>
    postReadings(server.url, launch, from, to, { uv: share, units: share, gmv: share });

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // Yesterday's launch from a previous run, ended, with its alerts still open; created last so
    // its alerts are the newest (they came first in the inbox before live launches did).
    live = await newLaunch('雪凡妮 聚划算 · 10:00 场', 40);
    await post(live, 0, 15, 0.7); // T+5 units, T+15 visitors, units and GMV −30%: four open alerts
    ended = await newLaunch('上一轮演示 · 昨晚', 300);
    await post(ended, 0, 45, 0.7);
    const session = await createUser(server.url, {
      username: 'wangfang',
      displayName: '王芳',
      role: 'supervisor',
      ownerRole: '推广主管',
    });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await signIn(context, server.url, session);
    console = await context.newPage();
    await console.goto(`${server.url}/console`);
    await console.getByTestId('inbox').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('puts the live launch first and folds the ended one, and filters by launch', async () => {
    const rows = console.getByTestId('inbox-row');
    await expect.poll(() => rows.count()).toBe(4);
    for (let i = 0; i < 4; i++) expect(await rows.nth(i).innerText()).toContain('雪凡妮');
    const folded = console.getByTestId('inbox-ended');
    await expect.poll(() => folded.count()).toBe(1);
    expect(await folded.innerText()).toContain('上一轮演示 · 昨晚 · 已结束 · 10 条告警');
    // The filter groups launches: live ones first.
    const groups = await console
      .getByTestId('filter-launch')
      .locator('optgroup')
      .evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
    expect(groups).toEqual(['进行中', '已结束']);
    // T+5 units, then visitors, units and GMV at T+15, T+25 and T+45.
    await console.getByTestId('filter-launch').selectOption(ended.id);
    await expect.poll(() => rows.count()).toBe(10);
    expect(await console.getByTestId('inbox-ended').count()).toBe(0);
    await console.getByTestId('filter-launch').selectOption('all');
    await expect.poll(() => rows.count()).toBe(4);
    // Unfolded on request, folded again.
    await folded.click();
    await expect.poll(() => rows.count()).toBe(14);
    await folded.click();
    await expect.poll(() => rows.count()).toBe(4);
  });

  it('gives the inbox the height at 1366×768 (the run sheet folds away) and rows do not wrap', async () => {
    const inbox = (await console.getByTestId('inbox').boundingBox())!;
    expect(inbox.height).toBeGreaterThan(768 * 0.55);
    expect(await console.getByTestId('runsheet-panel').getAttribute('open')).toBeNull();
    const rows = console.getByTestId('inbox-row');
    const first = (await rows.first().boundingBox())!;
    for (let i = 0; i < 4; i++) {
      const box = (await rows.nth(i).boundingBox())!;
      expect(box.height).toBeLessThan(first.height + 1);
      expect(box.height).toBeLessThan(46);
    }
    await console.screenshot({ path: screenshotPath('console-laptop.png') });
  });

  it('confirms an acknowledgement, keeps the selection in sight, and shows the note in the history and on the wall', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await signIn(context, server.url, await adminSession(server.url));
    const screen = await context.newPage();
    await screen.goto(`${server.url}/screen/${live.id}`);
    await screen.getByTestId('alert-ack-state').waitFor();

    // The wall's featured alert: the most severe, then the most recent. The live launch's four
    // alerts tell one story (traffic short: visitors, units and GMV follow), so acknowledging the
    // featured one in the console, with a note, takes the whole incident on; the ended launch's
    // alerts are unfolded below it.
    const featured = (await screen.getByTestId('alert-panel').getAttribute('data-alert-id'))!;
    const { alerts } = await api<{ alerts: { id: string; incidentId?: string | null }[] }>(
      server.url,
      'GET',
      `/api/launches/${live.id}`,
    );
    expect(new Set(alerts.map((a) => a.incidentId)).size).toBe(1);
    const rows = console.getByTestId('inbox-row');
    await expect.poll(() => rows.count()).toBe(4);
    await console.getByTestId('inbox-ended').click();
    await expect.poll(() => rows.count()).toBe(14);
    await console.locator(`[data-testid="inbox-row"][data-alert-id="${featured}"]`).click();
    await console.keyboard.press('Enter');
    await console.getByTestId('ack-note').fill('已加价, 钻展加投 2 万');
    await console.getByTestId('ack-submit').click();

    const confirmation = console.getByTestId('ack-confirmation');
    await confirmation.waitFor({ state: 'visible' });
    expect(await confirmation.innerText()).toMatch(/已确认 .+ · 雪凡妮 聚划算 · 10:00 场 · 已通知大屏/);
    // The incident's rows left the unacknowledged view; the one that took their place is selected
    // and in sight.
    await expect.poll(() => rows.count()).toBe(10);
    const selected = console.locator('[data-testid="inbox-row"][aria-selected="true"]');
    await expect.poll(() => selected.count()).toBe(1);
    expect(await selected.getAttribute('data-alert-id')).not.toBe(featured);
    expect(await selected.isVisible()).toBe(true);
    const box = (await selected.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    await console.screenshot({ path: screenshotPath('console-acknowledged.png') });

    // The row and its history say who, with what action, and the note.
    await console.getByTestId('filter-status').selectOption('all');
    const row = console.locator(`[data-testid="inbox-row"][data-alert-id="${featured}"]`);
    await row.click();
    const rowText = await row.getByTestId('inbox-row-ack').innerText();
    expect(rowText).toContain('王芳');
    expect(rowText).toContain('已加价, 钻展加投 2 万');
    const history = console.getByTestId('alert-history');
    await expect.poll(() => history.innerText()).toContain('王芳 确认');
    expect(await text(console, 'history-note')).toBe('已加价, 钻展加投 2 万');
    expect(await history.innerText()).toMatch(/王芳 确认 「.+」/);
    await console.screenshot({ path: screenshotPath('console-note-history.png') });

    // The wall names who, the action and the note, without a reload.
    const ack = screen.getByTestId('alert-ack-state');
    await expect.poll(() => ack.getAttribute('data-status')).toBe('acknowledged');
    expect(await ack.innerText()).toContain('王芳');
    expect(await text(screen, 'alert-ack-note')).toBe('已加价, 钻展加投 2 万');
    await screen.screenshot({ path: screenshotPath('big-screen-acknowledged-note.png') });
    await context.close();
  });
});
