/**
 * The simulator through the real app at high speed: a 60-minute window passes in about a second of
 * wall time, and the scenarios raise (or do not raise) the alerts they are named for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Alert, LaunchEvent, LaunchSnapshot } from '@warroom/shared';
import { makeApp, removeTempDirs, waitFor } from '../helpers/server';

/** Launch-clock seconds per wall second: one launch minute every 12 ms. */
const SPEED = 5000;
/** Generous: on a busy 2-core machine a simulated hour should still pass well within this. */
const TIMEOUT = 45_000;

let app: FastifyInstance;

beforeAll(async () => {
  app = await makeApp();
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await removeTempDirs();
});

async function simulate(body: Record<string, unknown>): Promise<{ simulationId: string; launchId: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/simulations',
    payload: { speed: SPEED, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function snapshot(launchId: string): Promise<LaunchSnapshot> {
  const res = await app.inject({ method: 'GET', url: `/api/launches/${launchId}?include=forecast` });
  expect(res.statusCode).toBe(200);
  return res.json<LaunchSnapshot>();
}

/** Polls until the launch has evaluated every checkpoint in `ts`. */
function untilCheckpoints(launchId: string, ts: number[]): Promise<LaunchSnapshot> {
  return waitFor(
    async () => {
      const s = await snapshot(launchId);
      return ts.every((t) => s.checkpoints.some((c) => c.checkpoint === t)) ? s : null;
    },
    { timeoutMs: TIMEOUT, intervalMs: 50, what: `checkpoints ${ts.join(', ')} of ${launchId}` },
  );
}

function untilFinished(launchId: string): Promise<LaunchSnapshot> {
  return waitFor(
    async () => {
      const s = await snapshot(launchId);
      return s.simulation && !s.simulation.running ? s : null;
    },
    { timeoutMs: TIMEOUT, intervalMs: 50, what: `simulation of ${launchId} to finish` },
  );
}

async function stop(simulationId: string): Promise<void> {
  const res = await app.inject({ method: 'DELETE', url: `/api/simulations/${simulationId}` });
  expect(res.statusCode).toBe(204);
}

const key = (a: Alert) => `${a.kind}:${a.checkpoint}:${a.metric ?? '-'}:${a.direction ?? '-'}`;

describe('simulated launches at high speed', () => {
  it(
    'on-plan raises no breach alert at checkpoints 15, 25, 45 and 60',
    async () => {
      const sims = await Promise.all([1, 2, 3].map((seed) => simulate({ scenario: 'on-plan', seed })));
      for (const { simulationId, launchId } of sims) {
        const s = await untilCheckpoints(launchId, [15, 25, 45, 60]);
        await stop(simulationId);
        for (const t of [15, 25, 45, 60]) {
          const cp = s.checkpoints.find((c) => c.checkpoint === t)!;
          expect(cp.complete, `checkpoint ${t} complete`).toBe(true);
          for (const m of cp.metrics) expect(m.breach, `${m.metric} at ${t}: ${m.deviation}`).toBeNull();
        }
        const early = s.alerts.filter((a) => a.checkpoint <= 60);
        expect(early.map(key)).toEqual([]);
      }
    },
    TIMEOUT + 15_000,
  );

  it(
    'traffic-shortfall raises a uv under alert at checkpoint 15 for 推广主管',
    async () => {
      const { simulationId, launchId } = await simulate({ scenario: 'traffic-shortfall', seed: 42 });
      const s = await untilCheckpoints(launchId, [15]);
      await stop(simulationId);
      const alert = s.alerts.find((a) => a.checkpoint === 15 && a.metric === 'uv');
      expect(alert).toMatchObject({
        id: `${launchId}-t15-uv`,
        kind: 'breach',
        direction: 'under',
        owner: '推广主管',
        status: 'open',
      });
      expect(alert!.deviation!).toBeLessThan(-0.2);
      expect(s.checkpoints.find((c) => c.checkpoint === 15)).toMatchObject({ complete: true });
    },
    TIMEOUT + 15_000,
  );

  it(
    'feed-outage raises a data-gap alert for the minutes that never arrived',
    async () => {
      const { simulationId, launchId } = await simulate({ scenario: 'feed-outage', seed: 7 });
      const s = await waitFor(
        async () => {
          const snap = await snapshot(launchId);
          return snap.alerts.some((a) => a.kind === 'data-gap') ? snap : null;
        },
        { timeoutMs: TIMEOUT, intervalMs: 50, what: 'a data-gap alert' },
      );
      await stop(simulationId);
      const gap = s.alerts.find((a) => a.kind === 'data-gap')!;
      expect(gap).toMatchObject({
        id: `${launchId}-t${gap.checkpoint}-data-gap`,
        severity: 'critical',
        owner: '运营主管',
        metric: null,
        direction: null,
      });
      expect(gap.missingMinutes.length).toBeGreaterThan(0);
      const cp = s.checkpoints.find((c) => c.checkpoint === gap.checkpoint)!;
      expect(cp.complete).toBe(false);
      expect(cp.missingMinutes).toEqual(gap.missingMinutes);
      const present = new Set(s.readings.map((r) => r.minute));
      for (const m of gap.missingMinutes) expect(present.has(m)).toBe(false);
    },
    TIMEOUT + 15_000,
  );

  it(
    'a simulation of a past date runs like a live one: feed-outage still raises its data-gap alert',
    async () => {
      const { launchId } = await simulate({
        scenario: 'feed-outage',
        seed: 7,
        launch: { startAt: '2024-11-11T10:00:00+08:00', durationMinutes: 60 },
      });
      const s = await untilFinished(launchId);
      expect(s.launch.startAt).toBe('2024-11-11T10:00:00+08:00');
      expect(s.checkpoints.map((c) => c.checkpoint)).toEqual([5, 15, 25, 45, 60]);
      const gap = s.alerts.find((a) => a.kind === 'data-gap' && a.checkpoint === 25);
      expect(gap).toMatchObject({ status: 'open', owner: '运营主管' });
    },
    TIMEOUT + 15_000,
  );

  it(
    'the same seed gives identical readings and alerts; another seed gives other readings',
    async () => {
      // A fixed 开团 so both launches share one forecast (the template follows the time of day).
      const launch = { startAt: '2030-11-11T10:00:00+08:00', durationMinutes: 60 };
      const [a, b, c] = await Promise.all([
        simulate({ scenario: 'late-and-duplicate', seed: 2024, launch }),
        simulate({ scenario: 'late-and-duplicate', seed: 2024, launch }),
        simulate({ scenario: 'late-and-duplicate', seed: 2025, launch }),
      ]);
      const [sa, sb, sc] = await Promise.all([a, b, c].map((x) => untilFinished(x!.launchId)));
      expect(sa!.readings).toHaveLength(60);
      expect(sb!.readings).toEqual(sa!.readings);
      expect(sc!.readings).not.toEqual(sa!.readings);
      expect(sb!.launch.forecast).toEqual(sa!.launch.forecast);
      expect(sb!.alerts.map(key).sort()).toEqual(sa!.alerts.map(key).sort());
      expect(sb!.alerts.map((x) => x.status).sort()).toEqual(sa!.alerts.map((x) => x.status).sort());
    },
    TIMEOUT + 15_000,
  );

  it(
    'late-and-duplicate never duplicates an alert: a late window’s data gap is cleared in place',
    async () => {
      const { launchId } = await simulate({
        scenario: 'late-and-duplicate',
        seed: 9,
        launch: { durationMinutes: 60 },
      });
      const s = await untilFinished(launchId);
      const res = await app.inject({ method: 'GET', url: `/api/launches/${launchId}/events` });
      const log = res.json<{ events: LaunchEvent[] }>().events;
      const raised = log
        .filter((e) => e.type === 'alert.raised')
        .map((e) => ('alert' in e ? e.alert.id : ''));
      expect(new Set(raised).size).toBe(raised.length);
      expect(s.alerts.map((x) => x.id).sort()).toEqual([...raised].sort());
      // Every reading arrived twice, yet each minute is stored once.
      expect(s.readings.map((r) => r.minute)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      const gap15 = s.alerts.find((x) => x.id === `${launchId}-t15-data-gap`);
      expect(gap15).toMatchObject({ kind: 'data-gap', status: 'cleared' });
      expect(s.checkpoints.find((c) => c.checkpoint === 15)).toMatchObject({ complete: true });
    },
    TIMEOUT + 15_000,
  );
});
