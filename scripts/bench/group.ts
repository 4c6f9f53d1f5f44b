/**
 * bench:group (issue 14). Two figures, each beside its floor from the same run:
 *
 * 1. The group wall of 50 simulated launches (a batch opening a minute apart, at 60×) in headless
 *    system Chromium for two minutes: long tasks over 50 ms on the page's main thread (target: none),
 *    counted by a `longtask` PerformanceObserver installed before the page loads, after the wall
 *    first showed all 50 tiles. Floor: the single wall of one of those launches, same browser,
 *    same speed, one minute.
 * 2. Push fan-out to 1,000 screens of a group room (12 launches; 2 client processes, websocket):
 *    from the POST of the reading that completes a breaching checkpoint to the alert's `events`
 *    push at each client, p99 — beside the same for 1,000 screens of the single launch (the
 *    alert-latency bench's batch subscription), from the same run.
 *
 * The load average is printed before each part (the machine is shared).
 */
import { loadavg } from 'node:os';
import type { Browser } from 'playwright-core';
import { socketIoRounds } from './alert-latency';
import { fmt, latencySummary } from './lib';
import { api, launchBrowser, startServer } from '../../tests/browser/harness';

const LAUNCHES = 50;
/**
 * Launches in the fan-out's group (one page of the wall). Each subscription is answered with every
 * launch's snapshot; 1,000 screens subscribing to 50 at once is a start-up cost, not the push.
 */
const FANOUT_GROUP = 12;
const SPEED = 60;
const WALL_MS = 120_000;
const FLOOR_MS = 60_000;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

type Long = { __long: number[] };

/** Opens `path` with a long-task observer; returns the long tasks (ms) from `ready` for `ms`. */
async function longTasks(browser: Browser, url: string, ready: string, ms: number): Promise<number[]> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = globalThis as unknown as Long;
      w.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__long.push(e.duration);
      }).observe({ type: 'longtask' as never, buffered: true });
    });
    await page.goto(url);
    await page.waitForSelector(ready, { timeout: 60_000 });
    // Loading the page is not what is measured: from the first full render on.
    await page.evaluate(() => ((globalThis as unknown as Long).__long = []));
    await page.waitForTimeout(ms);
    return await page.evaluate(() => (globalThis as unknown as Long).__long);
  } finally {
    await context.close();
  }
}

const describe = (xs: number[]) =>
  `${xs.filter((d) => d > 50).length} long tasks > 50 ms (max ${fmt(Math.max(0, ...xs), 0)} ms)`;

async function wallPart(): Promise<{ wall: number[]; floor: number[] }> {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const started = await api<{ groupId: string; simulations: { simulationId: string; launchId: string }[] }>(
      server.url,
      'POST',
      '/api/simulations',
      {
        scenario: 'traffic-shortfall',
        speed: SPEED,
        seed: 5,
        group: { count: LAUNCHES, intervalMinutes: 1 },
      },
    );
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/tokens', {
      name: 'bench group wall',
      scope: 'screen',
    });
    console.log(`group wall: ${LAUNCHES} launches at ${SPEED}×, ${WALL_MS / 1000} s (load ${load()})`);
    const wall = await longTasks(
      browser,
      `${server.url}/wall/${started.groupId}?token=${token}`,
      `[data-testid="group-wall"][data-tiles="${LAUNCHES}"]`,
      WALL_MS,
    );
    console.log(`  group wall: ${describe(wall)}`);
    console.log(`floor: the single wall of one launch of the batch, ${FLOOR_MS / 1000} s (load ${load()})`);
    const floor = await longTasks(
      browser,
      `${server.url}/screen/${started.simulations[0]!.launchId}?token=${token}`,
      '[data-testid="launch-name"]',
      FLOOR_MS,
    );
    console.log(`  single wall: ${describe(floor)}`);
    for (const s of started.simulations)
      await api(server.url, 'DELETE', `/api/simulations/${s.simulationId}`);
    return { wall, floor };
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function fanoutPart(): Promise<void> {
  console.log(`\nfan-out: 1,000 screens of one launch (batch subscription) (load ${load()})`);
  const single = await socketIoRounds(true);
  const s = latencySummary(single.deltas);
  console.log(`single launch: p50 ${fmt(s.p50, 2)} p99 ${fmt(s.p99, 2)} ms`);
  console.log(`\nfan-out: 1,000 screens of a ${FANOUT_GROUP}-launch group room (load ${load()})`);
  const group = await socketIoRounds(true, FANOUT_GROUP);
  const g = latencySummary(group.deltas);
  console.log(
    `\nsingle launch: ${s.n} arrivals (${single.missing} missing) p50 ${fmt(s.p50, 2)} p99 ${fmt(s.p99, 2)} max ${fmt(s.max, 2)} ms`,
  );
  console.log(
    `group room:    ${g.n} arrivals (${group.missing} missing) p50 ${fmt(g.p50, 2)} p99 ${fmt(g.p99, 2)} max ${fmt(g.max, 2)} ms`,
  );
}

const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
if (!only || only === 'wall') await wallPart();
if (!only || only === 'fanout') await fanoutPart();
console.log(`\nload average at the end: ${load()}`);
process.exit(0);
