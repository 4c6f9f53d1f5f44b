/**
 * The REES46 slice (170 real minutes, 2019-10-01 00:00–02:49 UTC) imported into launches, and their
 * checkpoints checked against sums computed here straight from the CSV text.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, createLaunch, makeApp, postCsv, snapshotOf } from './helpers';

afterAll(cleanUp);

const FIXTURE = fileURLToPath(
  new URL('../fixtures/real/rees46-2019-10-01-utc-per-minute.csv', import.meta.url),
);

/** Sums over rows whose `at` is in [from, to), gmv in fen to stay exact. */
function sums(text: string, fromIso: string, minutes: number) {
  const from = Date.parse(fromIso);
  const to = from + minutes * 60_000;
  let uv = 0;
  let units = 0;
  let fen = 0;
  for (const line of text.trim().split('\n').slice(1)) {
    const [at, u, , , , , n, g] = line.split(',');
    const t = Date.parse(at!);
    if (t < from || t >= to) continue;
    uv += Number(u);
    units += Number(n);
    fen += Math.round(Number(g) * 100);
  }
  return { uv, units, gmv: fen / 100 };
}

describe('the real data slice', () => {
  it('imports into a launch at 02:17 UTC (the step up), pre-launch minutes as 预热, and its checkpoints match the sums', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const app = await makeApp();
    const id = await createLaunch(app, {
      startAt: '2019-10-01T02:17:00Z',
      timezone: 'Asia/Shanghai',
      durationMinutes: 33,
      checkpoints: [15, 25, 33],
      forecast: { template: { uv: 2000, units: 60, gmv: 20000 } },
    });
    const res = await postCsv(app, id, Buffer.from(text));
    expect(res.body).toMatchObject({
      rowsRead: 170,
      accepted: 170,
      rejectedRows: 0,
      firstMinute: -137,
      lastMinute: 32,
    });
    const snap = await snapshotOf(app, id);
    expect(snap.readings).toHaveLength(170);
    for (const T of [15, 25, 33]) {
      const cp = snap.checkpoints.find((c) => c.checkpoint === T)!;
      expect(cp.complete).toBe(true);
      const expected = sums(text, '2019-10-01T02:17:00Z', T);
      const actual = Object.fromEntries(cp.metrics.map((m) => [m.metric, m.actual]));
      expect(actual).toEqual(expected);
    }
    await app.close();
  });

  it('imports into a launch at 00:00 UTC, where the tracking gap sits inside the checkpoints', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const app = await makeApp();
    const id = await createLaunch(app, {
      startAt: '2019-10-01T08:00:00+08:00', // 00:00 UTC
      durationMinutes: 170,
      forecast: { template: { uv: 5000, units: 150, gmv: 50000 } },
    });
    await postCsv(app, id, Buffer.from(text));
    const snap = await snapshotOf(app, id);
    expect(snap.checkpoints.map((c) => c.checkpoint)).toEqual([15, 25, 45, 60, 90, 120, 150]);
    for (const cp of snap.checkpoints) {
      const actual = Object.fromEntries(cp.metrics.map((m) => [m.metric, m.actual]));
      expect(actual).toEqual(sums(text, '2019-10-01T00:00:00Z', cp.checkpoint));
    }
    // Checked by hand (and with a spreadsheet) from the file: minutes 00:00–00:14 UTC.
    const first = Object.fromEntries(snap.checkpoints[0]!.metrics.map((m) => [m.metric, m.actual]));
    expect(first).toEqual({ uv: 309, units: 10, gmv: 2387.84 });
    await app.close();
  });
});
