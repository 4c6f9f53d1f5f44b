/**
 * A replay in real Chromium: a recorded launch (traffic shortfall) re-played at 60× on the big
 * screen with its 回放/训练 ribbon; the T+15 alert fires on the replay screen, a trainee acknowledges
 * it, the replay is paused and sought; then the post-launch review page.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LaunchSnapshot, ReplayInfo } from '@warroom/shared';
import { recordedLaunch } from '../replay/record';
import { canRunBrowser, launchBrowser, screenshotPath, startServer, type RunningServer } from './harness';

const PASSWORD = 'browser-replay-admin-password';
const recorded = recordedLaunch({
  scenario: 'traffic-shortfall',
  seed: 21,
  durationMinutes: 180,
  team: { by: '王芳', delaySeconds: () => 75, action: () => '直通车加价/放开限额' },
  overrides: { name: '雪凡妮 聚划算 · 10:00 场', targets: { uv: 30000, units: 2000, gmv: 198000 } },
});

describe.skipIf(!canRunBrowser)('a replay in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let cookie = '';
  let replayId = '';

  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(server.url + path, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'warroom-replay-browser-'));
    mkdirSync(join(dataDir, 'launches'), { recursive: true });
    writeFileSync(
      join(dataDir, 'launches', `${recorded.launch.id}.jsonl`),
      recorded.events.map((e) => JSON.stringify(e) + '\n').join(''),
    );
    process.env.WARROOM_ADMIN_PASSWORD = PASSWORD;
    server = await startServer({ dataDir });
    const login = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    cookie = login.ok ? (login.headers.get('set-cookie') ?? '').split(';')[0]! : '';
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    if (cookie) {
      const [name, value] = cookie.split('=') as [string, string];
      await context.addCookies([{ name, value, url: server.url }]);
    }
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('starts a drill at 60× and the T+15 alert fires on the replay screen', async () => {
    ({ replayId } = await call<{ replayId: string }>('POST', '/api/replays', {
      launchId: recorded.launch.id,
      speed: 60,
      paused: true,
      drill: { trainee: '小李' },
    }));
    await page.goto(`${server.url}/replay/${replayId}`);
    await expect.poll(() => page.getByTestId('replay-ribbon').innerText()).toContain('回放/训练');
    await expect.poll(() => page.getByTestId('replay-ribbon').innerText()).toContain('小李');
    await call('POST', `/api/replays/${replayId}/seek`, { minute: 14 });
    await expect.poll(() => page.getByTestId('replay-clock').innerText()).toContain('T+00:14');
    await page.getByTestId('replay-play').click();
    await expect
      .poll(() => page.getByTestId('alert-headline').innerText(), { timeout: 15_000 })
      .toMatch(/访客数/);
    expect(await page.getByTestId('replay-state').innerText()).toContain('60×');
  });

  it('a trainee acknowledges it; pause and seek rebuild the screen', async () => {
    await page.getByTestId('trainee-ack').click();
    // One acknowledgement handles the traffic incident: every alert it holds is the trainee's.
    await expect
      .poll(async () => {
        const { snapshot } = await call<{ snapshot: LaunchSnapshot }>('GET', `/api/replays/${replayId}`);
        const mine = snapshot.alerts.filter((a) => a.ackedBy === '小李');
        const incident = mine[0]?.incidentId;
        return mine.length > 0 && mine.every((a) => a.incidentId === incident) ? incident : null;
      })
      .toMatch(/-i-traffic-under$/);
    // Anything else still open (another story) the trainee works through too.
    for (let i = 0; i < 6 && (await page.getByTestId('trainee-ack').count()) > 0; i++) {
      await page.getByTestId('trainee-ack').click();
      await page.waitForTimeout(300);
    }
    await expect
      .poll(() => page.getByTestId('alert-ack-state').first().getAttribute('data-status'))
      .toBe('acknowledged');
    expect(await page.getByTestId('alert-panel').innerText()).toContain('小李');
    await page.getByTestId('replay-pause').click();
    await expect.poll(() => page.getByTestId('replay-state').innerText()).toContain('已暂停');
    await call('POST', `/api/replays/${replayId}/seek`, { minute: 47 });
    await expect.poll(() => page.getByTestId('replay-clock').innerText()).toContain('T+00:47');
    await expect.poll(() => page.getByTestId('checkpoint-45').getAttribute('data-state')).not.toBe('pending');
    const { info } = await call<{ info: ReplayInfo }>('GET', `/api/replays/${replayId}`);
    expect(info).toMatchObject({ paused: true, minute: 47 });
    // The live launch's own state is untouched by the drill.
    const live = await call<LaunchSnapshot>('GET', `/api/launches/${recorded.launch.id}`);
    expect(live.alerts.some((a) => a.ackedBy === '小李')).toBe(false);
    await page.waitForTimeout(600);
    await page.screenshot({ path: screenshotPath('replay.png') });
  });

  it('the post-launch review shows targets vs actuals, alerts and the curves', async () => {
    const review = await browser.newPage({ viewport: { width: 1600, height: 1300 } });
    if (cookie) {
      const [name, value] = cookie.split('=') as [string, string];
      await review.context().addCookies([{ name, value, url: server.url }]);
    }
    await review.goto(`${server.url}/review/${recorded.launch.id}`);
    await expect.poll(() => review.getByTestId('review-kpis').innerText()).toContain('售罄率');
    expect(await review.getByTestId('review-alerts').innerText()).toContain('王芳');
    expect(await review.getByTestId('export-xlsx').getAttribute('href')).toContain('format=xlsx');
    // Launch day (issue 12): the traffic story with every checkpoint that looked at it and who took
    // it on, the funnel over the launch, orders placed against paid, new buyers, 收藏/加购.
    const story = review.locator(`[data-testid="review-incidents"] tr[data-incident-id$="-i-traffic-under"]`);
    expect(await story.innerText()).toMatch(/流量 ▼.*T\+15 T\+25 T\+45 T\+60.*推广主管.*王芳/s);
    expect(await review.getByTestId('review-funnel').innerText()).toMatch(/销售额 ▼\d+\.\d%：主因 访客 ▼/);
    expect(await review.getByTestId('review-orders').innerText()).toContain('超时关闭订单');
    expect(await review.getByTestId('review-new-buyers').innerText()).toMatch(/新买家\s+[\d,]+ · \d+\.\d%/);
    expect(await review.getByTestId('review-engagement').innerText()).toContain('开团后');
    expect(
      await review
        .locator(`[data-testid="review-checkpoints"] tr[data-incident-id$="-i-traffic-under"]`)
        .count(),
    ).toBeGreaterThan(3);
    await review.waitForTimeout(800);
    await review.screenshot({ path: screenshotPath('review.png'), fullPage: true });
  });
});
