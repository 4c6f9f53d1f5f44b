/**
 * The review page's what-if (hypothetical re-evaluation of a stored launch) and the admin's
 * run-sheet editor, in real Chromium: at tolerance 50% the T+15 alert of a traffic shortfall would
 * not have fired; a task added in the editor shows on the big screen's run-sheet strip.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { formatIsoInZone, type Launch } from '@warroom/shared';
import { recordedLaunch } from '../replay/record';
import {
  adminSession,
  api,
  canRunBrowser,
  launchBrowser,
  screenshotPath,
  signIn,
  startServer,
  type RunningServer,
} from './harness';

const recorded = recordedLaunch({
  scenario: 'traffic-shortfall',
  seed: 21,
  durationMinutes: 180,
  team: { by: '王芳', delaySeconds: () => 75, action: () => '直通车加价/放开限额' },
  overrides: { name: '雪凡妮 聚划算 · 10:00 场', targets: { uv: 30000, units: 2000, gmv: 198000 } },
});

describe.skipIf(!canRunBrowser)('what-if and the run-sheet editor in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'warroom-whatif-browser-'));
    mkdirSync(join(dataDir, 'launches'), { recursive: true });
    writeFileSync(
      join(dataDir, 'launches', `${recorded.launch.id}.jsonl`),
      recorded.events.map((e) => JSON.stringify(e) + '\n').join(''),
    );
    server = await startServer({ dataDir });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await signIn(context, server.url, await adminSession(server.url));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the what-if at tolerance 50% shows the T+15 alert as removed, and stores nothing', async () => {
    const before = await api<{ alerts: unknown[] }>(server.url, 'GET', `/api/launches/${recorded.launch.id}`);
    const page = await context.newPage();
    await page.goto(`${server.url}/review/${recorded.launch.id}`);
    const tolerance = page.getByTestId('whatif-tolerance');
    await expect.poll(() => tolerance.inputValue()).toBe('20');
    expect(await page.getByTestId('what-if').innerText()).toContain('假设');
    await tolerance.fill('50');
    await page.getByTestId('whatif-run').click();
    const t15 = page.locator('[data-testid="whatif-row"][data-key^="T+15 "]');
    await expect.poll(() => t15.count()).toBeGreaterThan(0);
    const changes = await t15.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-change')));
    expect(changes.every((c) => c === 'removed')).toBe(true);
    expect(await t15.first().innerText()).toContain('不再触发');
    expect(await page.getByTestId('whatif-summary').innerText()).toContain('±50%');
    // Hypothetical: the stored launch keeps its tolerance and its alerts.
    const after = await api<{ launch: Launch; alerts: unknown[] }>(
      server.url,
      'GET',
      `/api/launches/${recorded.launch.id}`,
    );
    expect(after.launch.tolerance).toBe(recorded.launch.tolerance);
    expect(after.alerts.length).toBe(before.alerts.length);
    const panel = page.getByTestId('what-if');
    await panel.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await panel.screenshot({ path: screenshotPath('review-what-if.png') });
    await page.close();
  });

  it('a task added in the run-sheet editor appears on the big screen', async () => {
    // A launch two hours away: nothing is overdue yet, so the strip shows the first tasks due.
    const launch = await api<Launch>(server.url, 'POST', '/api/launches', {
      name: '雪凡妮 聚划算 · 20:00 场',
      startAt: formatIsoInZone(Date.now() + 120 * 60_000, 'Asia/Shanghai'),
      durationMinutes: 180,
      stock: 3000,
      price: 99,
      targets: { uv: 30000, units: 2000, gmv: 198000 },
      forecast: { template: { uv: 30000, units: 2000, gmv: 198000 } },
    });
    const admin = await context.newPage();
    await admin.goto(`${server.url}/admin?launch=${encodeURIComponent(launch.id)}#runsheet`);
    const rows = admin.getByTestId('rs-row');
    await expect.poll(() => rows.count()).toBe(10);

    // Validation sits next to the fields: an empty title and a non-number offset.
    await admin.getByTestId('rs-add').click();
    await admin.getByTestId('rs-offset').last().fill('abc');
    await admin.getByTestId('rs-save').click();
    const newRow = rows.last();
    await expect.poll(() => newRow.innerText()).toContain('不能为空');
    expect(await newRow.innerText()).toContain('请输入整数分钟');

    await newRow.getByTestId('rs-title').fill('直播间口播开团预告');
    await newRow.getByTestId('rs-owner').selectOption('客服主管');
    await newRow.getByTestId('rs-offset').fill('-90');
    // An edit of an existing task: the logistics task moves to 14:30.
    const logistics = admin.locator('[data-testid="rs-row"][data-task-id="logistics"]');
    await logistics.getByTestId('rs-clock').fill('14:30');
    await expect.poll(() => newRow.innerText()).not.toContain('不能为空');
    await admin.getByTestId('rs-save').click();
    await expect.poll(() => admin.getByTestId('rs-message').innerText()).toContain('已保存 11 项任务');
    const stored = await api<{ launch: Launch }>(server.url, 'GET', `/api/launches/${launch.id}`);
    expect(stored.launch.runSheet?.find((t) => t.title === '直播间口播开团预告')).toMatchObject({
      owner: '客服主管',
      offsetMinutes: -90,
      clockTime: null,
    });
    expect(stored.launch.runSheet?.find((t) => t.id === 'logistics')?.clockTime).toBe('14:30');
    await newRow.scrollIntoViewIfNeeded();
    await admin.screenshot({ path: screenshotPath('admin-run-sheet.png'), fullPage: true });

    const screen = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await signIn(screen.context(), server.url, await adminSession(server.url));
    await screen.goto(`${server.url}/screen/${launch.id}`);
    await expect
      .poll(() => screen.getByTestId('run-sheet').innerText(), { timeout: 15_000 })
      .toContain('直播间口播开团预告');
    expect(await screen.getByTestId('run-sheet').innerText()).toContain('T−90');

    // Removing it again (a live edit) takes it off the open screen.
    const id = stored.launch.runSheet?.find((t) => t.title === '直播间口播开团预告')?.id ?? '';
    const added = admin.locator(`[data-testid="rs-row"][data-task-id="${id}"]`);
    await added.getByTestId('rs-remove').click();
    await admin.getByTestId('rs-save').click();
    await expect.poll(() => admin.getByTestId('rs-message').innerText()).toContain('已保存 10 项任务');
    await expect
      .poll(() => screen.getByTestId('run-sheet').innerText(), { timeout: 15_000 })
      .not.toContain('直播间口播开团预告');
  });
});
