/**
 * Durability of the real server process: `kill -9` in the middle of a launch with requests in
 * flight, then a restart on the same DATA_DIR. Everything that was answered 2xx is there exactly
 * once; a torn last line is reported and cut; an interrupted simulation carries on.
 */
import { appendFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Alert, Launch, LaunchEvent, LaunchSnapshot } from '@warroom/shared';
import {
  PLAN,
  ServerProcess,
  TEST_STORE,
  freePort,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';

const servers: ServerProcess[] = [];

async function startServer(dataDir?: string): Promise<ServerProcess> {
  const server = new ServerProcess(dataDir ?? (await tempDir('warroom-proc-')), await freePort());
  servers.push(server);
  await server.start();
  return server;
}

/** The same DATA_DIR on a fresh process (and a fresh port, in case the old one lingers). */
async function restart(old: ServerProcess): Promise<ServerProcess> {
  await old.kill9();
  return startServer(old.dataDir);
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill9()));
});
afterAll(removeTempDirs);

/** Each test starts the server two or three times; on a loaded 2-core machine a start can take seconds. */
const PROCESS_TEST_TIMEOUT = 120_000;

async function snapshot(server: ServerProcess, id: string): Promise<LaunchSnapshot> {
  const res = await server.request('GET', `/api/launches/${id}`);
  expect(res.status).toBe(200);
  return res.body as LaunchSnapshot;
}

async function log(server: ServerProcess, id: string): Promise<LaunchEvent[]> {
  const res = await server.request('GET', `/api/launches/${id}/events`);
  expect(res.status).toBe(200);
  return (res.body as { events: LaunchEvent[] }).events;
}

/** The log is offsets 1…n with no gap, and no alert id is raised twice. */
function expectCleanLog(events: LaunchEvent[]): void {
  expect(events.map((e) => e.offset)).toEqual(events.map((_, i) => i + 1));
  const raised = events.flatMap((e) => (e.type === 'alert.raised' ? [e.alert.id] : []));
  expect(raised.length).toBe(new Set(raised).size);
}

/** Traffic well under plan (50–56 visitors a minute against 100): every checkpoint breaches. */
const uvFor = (minute: number) => 50 + (minute % 7);

interface Outcome {
  kind: 'reading' | 'ack' | 'resend';
  key: string;
  status: number | 'failed';
  body?: unknown;
}

describe('kill -9 mid-launch', () => {
  it(
    'keeps every reading and acknowledgement that was answered 2xx, once, with no duplicate alerts',
    async () => {
      let server = await startServer();
      // Started 130 minutes ago, a checkpoint every 5 minutes: traffic under plan breaches each one.
      const checkpoints = Array.from({ length: 25 }, (_, i) => (i + 1) * 5);
      const created = await server.request(
        'POST',
        '/api/launches',
        pastLaunchInput(
          {
            durationMinutes: 180,
            checkpoints,
            forecast: Array.from({ length: 180 }, (_, minute) => ({ minute, ...PLAN })),
          },
          130,
        ),
      );
      expect(created.status).toBe(201);
      const launch = created.body as Launch;
      const reading = (minute: number) => ({ ...readings(minute, minute + 1)[0]!, uv: uvFor(minute) });

      // Before the crash: minutes 0–29 as concurrent single POSTs, then acknowledgements.
      const first = await Promise.all(
        Array.from({ length: 30 }, (_, m) =>
          server.request('POST', `/api/launches/${launch.id}/readings`, reading(m)),
        ),
      );
      for (const r of first) expect(r).toMatchObject({ status: 200, body: { accepted: 1 } });
      const before = await snapshot(server, launch.id);
      expect(before.alerts.map((a) => a.checkpoint).sort((a, b) => a - b)).toEqual([5, 10, 15, 20, 25, 30]);
      const acked: Record<string, string> = {};
      for (const t of [5, 10]) {
        const res = await server.request('POST', `/api/alerts/${launch.id}-t${t}-uv/ack`, { by: `值班${t}` });
        expect(res.status).toBe(200);
        acked[`${launch.id}-t${t}-uv`] = (res.body as Alert).ackedBy!;
      }

      // The storm: new minutes singly and in small batches, acknowledgements, identical re-sends,
      // sixteen at a time; the server is killed once twenty of them have been answered.
      const tasks: (() => Promise<Outcome>)[] = [];
      const send = async (
        kind: Outcome['kind'],
        key: string,
        path: string,
        body: unknown,
      ): Promise<Outcome> => {
        try {
          const res = await server.request('POST', path, body);
          return { kind, key, status: res.status, body: res.body };
        } catch {
          return { kind, key, status: 'failed' };
        }
      };
      const readingsPath = `/api/launches/${launch.id}/readings`;
      for (let m = 30; m < 120;) {
        const from = m;
        const to = m % 10 === 5 ? m + 2 : m; // every tenth minute starts a batch of three
        const body = to === from ? reading(from) : [from, from + 1, to].map(reading);
        tasks.push(() => send('reading', to === from ? `${from}` : `${from}-${to}`, readingsPath, body));
        if (from % 4 === 0)
          tasks.push(() => send('resend', `${from - 30}`, readingsPath, reading(from - 30)));
        m = to + 1;
      }
      for (const t of [15, 20, 25, 30]) {
        tasks.splice(t / 2, 0, () =>
          send('ack', `${launch.id}-t${t}-uv`, `/api/alerts/${launch.id}-t${t}-uv/ack`, { by: `值班${t}` }),
        );
      }
      const outcomes: Outcome[] = [];
      let answered = 0;
      let killed: Promise<void> | null = null;
      const queue = [...tasks];
      const worker = async () => {
        for (let task = queue.shift(); task; task = queue.shift()) {
          const o = await task();
          outcomes.push(o);
          if (typeof o.status === 'number' && ++answered === 20) killed = server.kill9();
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      expect(killed).not.toBeNull();
      await killed;
      const confirmed = outcomes.filter(
        (o) => typeof o.status === 'number' && o.status >= 200 && o.status < 300,
      );
      expect(confirmed.length).toBeGreaterThanOrEqual(20);
      // No request was refused for its content: only the crash cut some off.
      expect(outcomes.filter((o) => typeof o.status === 'number' && o.status >= 300)).toEqual([]);
      expect(outcomes.some((o) => o.status === 'failed')).toBe(true);

      server = await restart(server);
      const after = await snapshot(server, launch.id);
      const stored = new Map(after.readings.map((r) => [r.minute, r]));
      const events = await log(server, launch.id);
      expectCleanLog(events);
      const ingested = events.flatMap((e) => (e.type === 'reading.ingested' ? [e.reading.minute] : []));
      // Each minute was sent with one set of values, so it is in the log exactly once.
      expect(ingested.length).toBe(new Set(ingested).size);

      for (let m = 0; m < 30; m++)
        expect(stored.get(m)).toEqual({ ...reading(m), pv: 0, fav: 0, cart: 0, orders: 0 });
      for (const o of confirmed) {
        if (o.kind === 'reading') {
          const [from, to] = o.key.split('-').map(Number) as [number, number | undefined];
          for (let m = from; m <= (to ?? from); m++)
            expect(stored.get(m), `minute ${m}`).toMatchObject(reading(m));
        } else if (o.kind === 'ack') {
          acked[o.key] = (o.body as Alert).ackedBy!;
        }
      }
      // Nothing that was never sent is there, and minutes not confirmed are either whole or absent.
      for (const r of after.readings) expect(r).toMatchObject(reading(r.minute));

      // One alert per breached checkpoint; every complete checkpoint is evaluated.
      const complete = checkpoints.filter((t) =>
        Array.from({ length: t }, (_, m) => stored.has(m)).every(Boolean),
      );
      expect(after.checkpoints.map((c) => c.checkpoint)).toEqual(complete);
      expect(after.alerts.map((a) => a.id).sort()).toEqual(
        complete.map((t) => `${launch.id}-t${t}-uv`).sort(),
      );
      for (const [id, by] of Object.entries(acked)) {
        expect(after.alerts.find((a) => a.id === id)).toMatchObject({ status: 'acknowledged', ackedBy: by });
      }
      expect(events.filter((e) => e.type === 'alert.acknowledged').length).toBeGreaterThanOrEqual(
        Object.keys(acked).length,
      );

      // The restarted server carries on: a new reading is stored and survives another crash.
      const next = Math.max(...after.readings.map((r) => r.minute)) + 1;
      expect(
        await server.request('POST', `/api/launches/${launch.id}/readings`, reading(next)),
      ).toMatchObject({
        status: 200,
        body: { accepted: 1 },
      });
      server = await restart(server);
      expect((await snapshot(server, launch.id)).readings.map((r) => r.minute)).toContain(next);
      expectCleanLog(await log(server, launch.id));
    },
    PROCESS_TEST_TIMEOUT,
  );
});

// A torn line is the embedded store's failure mode; a Redis append is one atomic script (see
// tests/cluster/redis-durability.test.ts for a Redis restart mid-launch).
describe.skipIf(TEST_STORE === 'redis')('a torn last line', () => {
  it(
    'is reported in /healthz, the launch loads with everything before it, and appends carry on',
    async () => {
      let server = await startServer();
      const created = await server.request('POST', '/api/launches', pastLaunchInput());
      const launch = created.body as Launch;
      const low = (from: number, to: number) => readings(from, to).map((r) => ({ ...r, uv: 60 }));
      expect((await server.request('POST', `/api/launches/${launch.id}/readings`, low(0, 5))).status).toBe(
        200,
      );
      const before = await snapshot(server, launch.id);
      await server.kill9();

      // A write cut off by the crash: half a JSON line at the end of the log.
      const file = join(server.dataDir, 'launches', `${launch.id}.jsonl`);
      const good = await readFile(file, 'utf8');
      const torn = `{"type":"reading.ingested","reading":{"minute":5,"uv":6`;
      await appendFile(file, torn);

      server = await startServer(server.dataDir);
      const health = await server.request('GET', '/healthz');
      expect(health.status).toBe(200);
      const problems = (health.body as { problems: { launchId: string; kind: string; savedTo?: string }[] })
        .problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ launchId: launch.id, kind: 'torn-tail' });
      expect(await readFile(problems[0]!.savedTo!, 'utf8')).toBe(torn);
      expect(await readFile(file, 'utf8')).toBe(good);

      const loaded = await snapshot(server, launch.id);
      expect(loaded.readings).toEqual(before.readings);
      expect(loaded.offset).toBe(before.offset);

      // Appending after the cut: the log stays whole and the checkpoint completes with its alert.
      const res = await server.request('POST', `/api/launches/${launch.id}/readings`, low(5, 15));
      expect(res).toMatchObject({ status: 200, body: { accepted: 10 } });
      const lines = (await readFile(file, 'utf8')).split('\n');
      expect(lines.at(-1)).toBe('');
      const parsed = lines.slice(0, -1).map((l) => JSON.parse(l) as LaunchEvent);
      expectCleanLog(parsed);

      server = await restart(server);
      const again = await server.request('GET', '/healthz');
      expect((again.body as { problems: unknown[] }).problems).toEqual([]);
      const after = await snapshot(server, launch.id);
      expect(after.readings.map((r) => r.minute)).toEqual(Array.from({ length: 15 }, (_, i) => i));
      expect(after.alerts.map((a) => a.id)).toEqual([`${launch.id}-t15-uv`]);
      const kept = (await readdir(join(server.dataDir, 'launches'))).filter((n) => n.includes('.torn-'));
      expect(kept).toHaveLength(1);
    },
    PROCESS_TEST_TIMEOUT,
  );
});

describe('a simulation interrupted by kill -9', () => {
  it(
    'resumes after the restart: the launch keeps getting readings, with no duplicate alert',
    async () => {
      let server = await startServer();
      const started = await server.request('POST', '/api/simulations', {
        scenario: 'traffic-shortfall',
        speed: 600,
        seed: 11,
        launch: { durationMinutes: 60 },
      });
      expect(started.status).toBe(201);
      const { launchId } = started.body as { launchId: string };

      // Kill it once checkpoint 15 has raised its alert, well before the hour is over.
      await waitFor(async () => (await snapshot(server, launchId)).alerts.length > 0, {
        timeoutMs: 20_000,
        what: 'the first alert',
      });
      await server.kill9();
      server = await startServer(server.dataDir);
      const resumed = await snapshot(server, launchId);
      expect(resumed.simulation).toMatchObject({ running: true });
      const minutesAtRestart = resumed.readings.length;
      expect(minutesAtRestart).toBeLessThan(60);

      const done = await waitFor(
        async () => {
          const s = await snapshot(server, launchId);
          return s.simulation && !s.simulation.running ? s : null;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: 'the resumed simulation to finish' },
      );
      expect(done.readings.length).toBeGreaterThan(minutesAtRestart);
      expect(done.readings.map((r) => r.minute)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(done.checkpoints.map((c) => c.checkpoint)).toEqual([5, 15, 25, 45, 60]);
      expect(done.alerts.filter((a) => a.id === `${launchId}-t15-uv`)).toHaveLength(1);
      expectCleanLog(await log(server, launchId));
    },
    PROCESS_TEST_TIMEOUT,
  );
});
