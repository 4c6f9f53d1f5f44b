/**
 * Two server processes on one Redis: screens connected to each, readings posted to either (at the
 * same time, so the instances race for the same offsets), every screen gets every alert exactly
 * once with one alert id per breach; killing the instance that holds a launch's tick lease just
 * before a checkpoint's grace deadline still gets that checkpoint evaluated, once; a simulation
 * whose instance dies is taken over; an import into one instance while the other posts readings to
 * the same launch survives the offset conflicts; a replay whose instance dies is rebuilt on the
 * other where it stood, with the trainee's acknowledgement; every instance lists every replay, and
 * a playing replay whose owner died is taken over as soon as its lease lapses, unasked.
 */
import { randomBytes } from 'node:crypto';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Alert, Launch, LaunchEvent, LaunchSnapshot, ReplayInfo, SubscribeData } from '@warroom/shared';
import { leaseKey } from '../../server/src/cluster/redis-backend';
import { tickLease } from '../../server/src/launches/registry';
import { connectRedis } from '../../server/src/store/redis-store';
import {
  ServerProcess,
  TEST_REDIS_TARGET,
  deleteRedisKeys,
  freePort,
  pastLaunchInput,
  redisEnv,
  readings,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';

const TIMEOUT = 120_000;
const servers: ServerProcess[] = [];
const sockets: ClientSocket[] = [];
const prefixes: string[] = [];

async function cluster(
  n = 2,
  env: Record<string, string> = {},
): Promise<{ prefix: string; nodes: ServerProcess[] }> {
  const prefix = `wrtest:cluster-${randomBytes(4).toString('hex')}:`;
  prefixes.push(prefix);
  const nodes: ServerProcess[] = [];
  for (let i = 0; i < n; i++) {
    const s = new ServerProcess(await tempDir('warroom-cluster-'), await freePort(), {
      ...redisEnv(prefix),
      ...env,
    });
    servers.push(s);
    nodes.push(s);
  }
  await Promise.all(nodes.map((s) => s.start()));
  return { prefix, nodes };
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(servers.splice(0).map((s) => s.kill9()));
  await Promise.all(prefixes.splice(0).map((p) => deleteRedisKeys(p)));
});
afterAll(removeTempDirs);

interface Screen {
  socket: ClientSocket;
  alerts: { id: string; change: string; offset: number }[];
}

async function screen(server: ServerProcess, launchId: string, cookie: string): Promise<Screen> {
  const socket = io(server.url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(socket);
  const s: Screen = { socket, alerts: [] };
  // Launch room and inbox both carry alerts: count the launch room's (each fact once per room).
  socket.on('alert', (p: { alert: Alert; change: string; offset: number }) =>
    s.alerts.push({ id: p.alert.id, change: p.change, offset: p.offset }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = (await socket.timeout(10_000).emitWithAck('subscribe', { launchId })) as { ok: boolean };
  expect(ack.ok).toBe(true);
  return s;
}

/** The whole log, page by page (the events route answers at most a page at a time). */
async function log(server: ServerProcess, id: string): Promise<LaunchEvent[]> {
  const all: LaunchEvent[] = [];
  for (;;) {
    const res = await server.request('GET', `/api/launches/${id}/events?after=${all.at(-1)?.offset ?? 0}`);
    expect(res.status).toBe(200);
    const page = res.body as { events: LaunchEvent[]; more: boolean };
    all.push(...page.events);
    if (!page.more) return all;
  }
}

function expectCleanLog(events: LaunchEvent[]): void {
  expect(events.map((e) => e.offset)).toEqual(events.map((_, i) => i + 1));
  const raised = events.flatMap((e) => (e.type === 'alert.raised' ? [e.alert.id] : []));
  expect(raised.length).toBe(new Set(raised).size);
}

describe('two instances on one Redis', () => {
  it(
    'every screen on either instance gets every alert exactly once, one alert id per breach',
    async () => {
      const { nodes } = await cluster(2);
      const [a, b] = nodes as [ServerProcess, ServerProcess];
      // A session made on A works on B (the accounts log is shared).
      const cookie = await a.adminCookie();
      const created = await a.request('POST', '/api/launches', pastLaunchInput({}, 30));
      expect(created.status).toBe(201);
      const launch = created.body as Launch;
      // B learns of the launch from the log.
      await waitFor(async () => (await b.request('GET', `/api/launches/${launch.id}`)).status === 200, {
        what: 'B to load the launch A created',
      });
      const screens = [
        await screen(a, launch.id, cookie),
        await screen(a, launch.id, cookie),
        await screen(b, launch.id, cookie),
        await screen(b, launch.id, cookie),
      ];
      // Minutes 0–29 at 60% of plan (every checkpoint 15 and 25 under on uv, units and gmv), one
      // request per minute, alternating instances, all at once: they race for the same offsets.
      const all = readings(0, 30, 0.6);
      const results = await Promise.all(
        all.map((r, i) => (i % 2 === 0 ? a : b).request('POST', `/api/launches/${launch.id}/readings`, r)),
      );
      for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(results.reduce((n, r) => n + (r.body as { accepted: number }).accepted, 0)).toBe(30);

      // Each instance learns of the other's appends from Redis a moment after they are answered:
      // wait until both hold the same log (the last reading's checkpoint facts may be on either).
      let events: LaunchEvent[] = [];
      await waitFor(
        async () => {
          const [onA, onB] = await Promise.all([log(a, launch.id), log(b, launch.id)]);
          events = onA;
          return onA.length === onB.length && JSON.stringify(onA) === JSON.stringify(onB);
        },
        { what: 'both instances to hold the same log' },
      );
      expectCleanLog(events);
      const raisedIds = events.flatMap((e) => (e.type === 'alert.raised' ? [e.alert.id] : [])).sort();
      expect(raisedIds).toEqual(
        ['t15-gmv', 't15-units', 't15-uv', 't25-gmv', 't25-units', 't25-uv'].map((s) => `${launch.id}-${s}`),
      );
      const alertOffsets = events.flatMap((e) =>
        e.type === 'alert.raised' || e.type === 'alert.updated' ? [e.offset] : [],
      );
      for (const s of screens) {
        await waitFor(() => s.alerts.length >= alertOffsets.length, {
          what: 'every alert fact to reach every screen',
        });
        // Exactly once: each alert fact (by its offset) once, no more, no fewer.
        expect(s.alerts.map((x) => x.offset).sort((x, y) => x - y)).toEqual(alertOffsets);
        const raised = s.alerts.filter((x) => x.change === 'raised').map((x) => x.id);
        expect(raised.sort()).toEqual(raisedIds);
      }
      // Nothing more arrives later (a duplicate from the other instance would).
      await new Promise((r) => setTimeout(r, 500));
      for (const s of screens) expect(s.alerts.length).toBe(alertOffsets.length);

      // An acknowledgement on B shows on A; a second one on A returns the first unchanged.
      const id = raisedIds[0]!;
      const ack = await b.request('POST', `/api/alerts/${id}/ack`, { action: '加投直通车' });
      expect(ack.status).toBe(200);
      const again = await a.request('POST', `/api/alerts/${id}/ack`, { action: 'something else' });
      expect(again.status).toBe(200);
      expect((again.body as Alert).action).toBe('加投直通车');
      const snap = (await a.request('GET', `/api/launches/${launch.id}`)).body as LaunchSnapshot;
      expect(snap.alerts.find((x) => x.id === id)?.status).toBe('acknowledged');
      expectCleanLog(await log(b, launch.id));
    },
    TIMEOUT,
  );

  it(
    'killing the instance that holds the tick lease just before a grace deadline: the checkpoint is still evaluated, once',
    async () => {
      const { prefix, nodes } = await cluster(2);
      const [a, b] = nodes as [ServerProcess, ServerProcess];
      const cookie = await a.adminCookie();
      // Checkpoint 15's grace deadline (startAt + 15 min + 5 s) is ~8 s away; minute 14 never comes.
      const created = await a.request(
        'POST',
        '/api/launches',
        pastLaunchInput({
          startAt: new Date(Date.now() - 15 * 60_000 + 3_000).toISOString(),
          graceSeconds: 5,
        }),
      );
      expect(created.status).toBe(201);
      const launch = created.body as Launch;
      const post = await b.request('POST', `/api/launches/${launch.id}/readings`, readings(0, 14));
      expect(post.status).toBe(200);
      await waitFor(async () => (await a.request('GET', `/api/launches/${launch.id}`)).status === 200);

      const redis = connectRedis(TEST_REDIS_TARGET, { enableOfflineQueue: true });
      let holder: string | null = null;
      try {
        holder = await waitFor(() => redis.get(leaseKey(prefix, tickLease(launch.id))), {
          what: 'an instance to take the tick lease',
        });
      } finally {
        redis.disconnect();
      }
      const pid = Number(holder.split('-')[0]);
      const victim = nodes.find((n) => n.pid === pid);
      expect(victim, `lease holder ${holder}`).toBeDefined();
      const survivor = victim === a ? b : a;
      const watcher = await screen(survivor, launch.id, cookie);
      await victim!.kill9();

      const events = await waitFor(
        async () => {
          const ev = await log(survivor, launch.id);
          return ev.some((e) => e.type === 'alert.raised' && e.alert.kind === 'data-gap') ? ev : null;
        },
        { timeoutMs: 30_000, what: 'the survivor to evaluate checkpoint 15 after the grace deadline' },
      );
      expectCleanLog(events);
      const evaluated = events.filter((e) => e.type === 'checkpoint.evaluated' && e.result.checkpoint === 15);
      expect(evaluated).toHaveLength(1);
      const gaps = events.filter((e) => e.type === 'alert.raised' && e.alert.kind === 'data-gap');
      expect(gaps).toHaveLength(1);
      await waitFor(() => watcher.alerts.some((x) => x.offset === gaps[0]!.offset), {
        what: 'the data-gap alert on the survivor screen',
      });
      expect(watcher.alerts.filter((x) => x.offset === gaps[0]!.offset)).toHaveLength(1);
      // Still once a few ticks later.
      await new Promise((r) => setTimeout(r, 1_500));
      const later = await log(survivor, launch.id);
      expect(
        later.filter((e) => e.type === 'checkpoint.evaluated' && e.result.checkpoint === 15),
      ).toHaveLength(1);
      void post;
    },
    TIMEOUT,
  );

  it(
    'a simulation whose instance dies is taken over by the other and carries on from its log',
    async () => {
      const { nodes } = await cluster(2);
      const [a, b] = nodes as [ServerProcess, ServerProcess];
      const started = await a.request('POST', '/api/simulations', {
        scenario: 'traffic-shortfall',
        speed: 120,
        seed: 7,
      });
      expect(started.status).toBe(201);
      const { launchId } = started.body as { launchId: string };
      const readingCount = async (s: ServerProcess) =>
        (await log(s, launchId)).filter((e) => e.type === 'reading.ingested').length;
      await waitFor(async () => (await b.request('GET', `/api/launches/${launchId}`)).status === 200);
      await waitFor(async () => (await readingCount(b)) >= 3, { what: 'the simulation to feed readings' });
      await a.kill9();
      const before = await readingCount(b);
      await waitFor(async () => (await readingCount(b)) >= before + 5, {
        timeoutMs: 30_000,
        what: 'B to take the simulation over',
      });
      expectCleanLog(await log(b, launchId));
    },
    TIMEOUT,
  );
  it(
    'an import into A while B posts readings to the same launch: every row accepted once, no minute twice',
    async () => {
      // Small batches: many appends of the import race with B's.
      const { nodes } = await cluster(2, { WARROOM_IMPORT_BATCH_ROWS: '100' });
      const [a, b] = nodes as [ServerProcess, ServerProcess];
      const created = await a.request('POST', '/api/launches', pastLaunchInput({}, 30));
      expect(created.status).toBe(201);
      const launch = created.body as Launch;
      await waitFor(async () => (await b.request('GET', `/api/launches/${launch.id}`)).status === 200, {
        what: 'B to load the launch A created',
      });
      // The preheat day (minutes −1440 … −1) from the file; minutes 0 … 29 from B, one by one (the
      // launch began 30 minutes ago: later minutes would be rejected as readings from the future).
      const rows = 24 * 60;
      const csv =
        'minute,uv,units,gmv\n' +
        Array.from({ length: rows }, (_, i) => `${i - rows},${3 + (i % 7)},1,${50 + i}\n`).join('');
      let importing = true;
      let posted = 0;
      const poster = (async () => {
        for (let minute = 0; importing && minute < 30; minute++) {
          const r = await b.request(
            'POST',
            `/api/launches/${launch.id}/readings`,
            readings(minute, minute + 1),
          );
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          expect(r.body).toMatchObject({ accepted: 1, rejected: [] });
          posted++;
        }
      })();
      const res = await fetch(`${a.url}/api/launches/${launch.id}/imports`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', cookie: await a.adminCookie() },
        body: csv,
      });
      importing = false;
      await poster;
      const report = (await res.json()) as { accepted: number; duplicates: number; rejectedRows: number };
      expect(res.status, JSON.stringify(report)).toBe(200);
      expect(report).toMatchObject({ accepted: rows, duplicates: 0, rejectedRows: 0 });
      expect(posted).toBeGreaterThan(0);

      // Each instance has folded what the other wrote (it catches up on notifications).
      const events = await waitFor(
        async () => {
          const [ea, eb] = [await log(a, launch.id), await log(b, launch.id)];
          return ea.length === eb.length &&
            ea.some((e) => e.type === 'reading.ingested' && e.reading.minute === posted - 1)
            ? ea
            : null;
        },
        { what: 'both instances to hold the whole log' },
      );
      expectCleanLog(events);
      const minutes = events.flatMap((e) => (e.type === 'reading.ingested' ? [e.reading.minute] : []));
      expect(minutes.length).toBe(new Set(minutes).size);
      expect(minutes.filter((m) => m < 0)).toHaveLength(rows);
      expect(minutes.filter((m) => m >= 0)).toHaveLength(posted);
      expectCleanLog(await log(b, launch.id));
    },
    TIMEOUT,
  );
  it(
    'a replay whose instance dies is rebuilt on the other where it stood, with the trainee ack, and its controls work',
    async () => {
      const { nodes } = await cluster(2);
      const [a, b] = nodes as [ServerProcess, ServerProcess];
      const cookie = await b.adminCookie();
      const created = await a.request('POST', '/api/launches', pastLaunchInput({}, 30));
      expect(created.status).toBe(201);
      const launch = created.body as Launch;
      expect(
        (await a.request('POST', `/api/launches/${launch.id}/readings`, readings(0, 30, 0.6))).status,
      ).toBe(200);
      const length = (await log(a, launch.id)).length;
      await waitFor(
        async () =>
          (await b.request('GET', `/api/launches/${launch.id}/events`)).status === 200 &&
          (await log(b, launch.id)).length === length,
        { what: 'B to catch the launch up' },
      );

      type View = { info: ReplayInfo; snapshot: LaunchSnapshot };
      const started = await a.request('POST', '/api/replays', {
        launchId: launch.id,
        speed: 10,
        paused: true,
        drill: { trainee: '小李' },
      });
      expect(started.status).toBe(201);
      const { replayId } = started.body as { replayId: string };
      expect((await a.request('POST', `/api/replays/${replayId}/seek`, { minute: 20 })).status).toBe(200);
      // A replay a live instance owns works through the other one too (it is handed over).
      const handed = await b.request('GET', `/api/replays/${replayId}`);
      expect(handed.status, JSON.stringify(handed.body)).toBe(200);
      expect((handed.body as View).info).toMatchObject({ minute: 20, paused: true });
      const atA = (await a.request('GET', `/api/replays/${replayId}`)).body as View;
      expect(atA.info).toMatchObject({ minute: 20, paused: true });
      const open = atA.snapshot.alerts.find((x) => x.status === 'open');
      expect(open, 'an alert open at minute 20').toBeDefined();
      const ack = await a.request('POST', `/api/replays/${replayId}/alerts/${open!.id}/ack`, {
        action: '加投',
      });
      expect(ack.status).toBe(200);
      expect((ack.body as Alert).ackedBy).toBe('小李');
      expect((await a.request('POST', `/api/replays/${replayId}/resume`)).status).toBe(200);
      const before = ((await a.request('GET', `/api/replays/${replayId}`)).body as View).info;
      const killedAt = Date.now();
      await a.kill9();

      // B takes the replay over (once A's lease lapses) and rebuilds it where the clock has it.
      const res = await b.request('GET', `/api/replays/${replayId}`);
      const elapsed = Date.now() - killedAt;
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const atB = res.body as View;
      expect(atB.info).toMatchObject({
        replayId,
        launchId: launch.id,
        paused: false,
        speed: 10,
        drill: { trainee: '小李' },
      });
      const moved = Date.parse(atB.info.now) - Date.parse(before.now);
      expect(moved).toBeGreaterThanOrEqual(0);
      expect(moved).toBeLessThanOrEqual((elapsed + 1_000) * 10);
      const acked = atB.snapshot.alerts.find((x) => x.id === open!.id);
      expect(acked).toMatchObject({ status: 'acknowledged', ackedBy: '小李', action: '加投' });

      // A screen on B subscribes to it and sees the same.
      const socket = io(b.url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const pushes: { info: ReplayInfo }[] = [];
      socket.on('replay', (p: { info: ReplayInfo }) => pushes.push(p));
      const sub = (await socket.timeout(10_000).emitWithAck('subscribe', { replayId })) as {
        ok: boolean;
        data: SubscribeData;
      };
      expect(sub.ok).toBe(true);
      expect(sub.data.kind).toBe('snapshot');
      if (sub.data.kind === 'snapshot')
        expect(sub.data.snapshot.alerts.find((x) => x.id === open!.id)?.ackedBy).toBe('小李');

      // Its controls work on B, and B's screen hears them.
      const paused = await b.request('POST', `/api/replays/${replayId}/pause`);
      expect(paused.status).toBe(200);
      const minute = (paused.body as { info: ReplayInfo }).info.minute;
      const stepped = await b.request('POST', `/api/replays/${replayId}/step`);
      expect((stepped.body as { info: ReplayInfo }).info).toMatchObject({ paused: true, minute: minute + 1 });
      await waitFor(() => pushes.some((p) => p.info.paused && p.info.minute === minute + 1), {
        what: "the step's replay push on B's screen",
      });
      const score = await b.request('GET', `/api/replays/${replayId}/score`);
      expect(score.status).toBe(200);
    },
    TIMEOUT,
  );
  it(
    'every instance lists every replay, and a playing replay whose owner died is taken over unasked',
    async () => {
      const { prefix, nodes } = await cluster(2);
      const [a, b] = nodes as [ServerProcess, ServerProcess];
      const created = await a.request('POST', '/api/launches', pastLaunchInput({}, 30));
      expect(created.status).toBe(201);
      const launch = created.body as Launch;
      expect(
        (await a.request('POST', `/api/launches/${launch.id}/readings`, readings(0, 30, 0.6))).status,
      ).toBe(200);
      const length = (await log(a, launch.id)).length;
      await waitFor(async () => (await log(b, launch.id)).length === length, { what: 'B to catch up' });

      const start = async (body: object) => {
        const r = await a.request('POST', '/api/replays', { launchId: launch.id, ...body });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return (r.body as { replayId: string }).replayId;
      };
      const playing = await start({ speed: 1 });
      const paused = await start({ speed: 10, paused: true });
      expect((await a.request('POST', `/api/replays/${paused}/seek`, { minute: 12 })).status).toBe(200);

      // B lists A's replays without taking them: A still owns both.
      const listed = await b.request('GET', '/api/replays');
      expect(listed.status).toBe(200);
      const infos = listed.body as ReplayInfo[];
      expect(infos.map((i) => i.replayId)).toEqual([playing, paused]);
      expect(infos[0]).toMatchObject({
        launchId: launch.id,
        launchName: launch.name,
        paused: false,
        speed: 1,
      });
      expect(infos[1]).toMatchObject({ paused: true, minute: 12, speed: 10, ended: false });
      const fromA = (await a.request('GET', '/api/replays')).body as ReplayInfo[];
      expect(fromA.map((i) => i.replayId)).toEqual([playing, paused]);
      expect(fromA[1]).toEqual(infos[1]);
      const redis = connectRedis(TEST_REDIS_TARGET, { enableOfflineQueue: true });
      try {
        const holder = async (id: string) => {
          const v = await redis.get(leaseKey(prefix, `replay:${id}`));
          return v ? Number(v.split('-')[0]) : null;
        };
        expect(await holder(playing)).toBe(a.pid);

        await a.kill9();
        // Nobody asks B for anything: it takes the playing replay once A's lease lapses.
        await waitFor(async () => (await holder(playing)) === b.pid, {
          timeoutMs: 30_000,
          intervalMs: 100,
          what: 'B to take the playing replay over by itself',
        });
        // The paused one waits for someone to ask for it.
        expect(await holder(paused)).toBeNull();
        const after = (await b.request('GET', '/api/replays')).body as ReplayInfo[];
        expect(after.map((i) => i.replayId)).toEqual([playing, paused]);
        expect(after[0]).toMatchObject({ paused: false, speed: 1 });
        expect(after[1]).toMatchObject({ paused: true, minute: 12 });
      } finally {
        redis.disconnect();
      }
    },
    TIMEOUT,
  );
});
