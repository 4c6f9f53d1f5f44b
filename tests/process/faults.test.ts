/**
 * Faults on the real server process. Twenty rounds of `kill -9` at seeded random moments while a
 * fast simulated launch runs, an ingest token pushes readings into another live launch and two
 * supervisors acknowledge alerts (one over HTTP, one over the socket); after each restart on the
 * same DATA_DIR every 2xx-answered reading and acknowledgement is there exactly once, and the stored
 * alerts are exactly what the stored readings imply.
 *
 * "What the readings imply" is a clean re-evaluation with the pure engine (server/src/engine):
 * the launch as stored, `initialState`, every stored reading through `ingest` at once. For the
 * pushed launch (created after its checkpoints, so each waits for its data) that must give the
 * same checkpoints and alerts. For the simulated launch a restart can leave minutes missing past a
 * checkpoint's grace, so the server rightly evaluates it incomplete and raises a data-gap alert (a
 * fact about time, not readings); every checkpoint stored as complete, and its breach alerts, must
 * equal the clean evaluation.
 *
 * Then: two supervisors acknowledging the same alert at once (HTTP and socket in parallel) record
 * one acknowledgement and both get the same answer; a screen disconnected across an alert (and a
 * server crash) gets it when it subscribes again with the last offset it saw.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Socket, io } from 'socket.io-client';
import type {
  Alert,
  CheckpointResult,
  Launch,
  LaunchEvent,
  LaunchSnapshot,
  SubscribeData,
} from '@warroom/shared';
import { ingest } from '../../server/src/engine/index';
import { initialState } from '@warroom/shared';
import {
  PLAN,
  ServerProcess,
  connectedSocket,
  freePort,
  makeApp,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  userCookie,
  waitFor,
} from '../helpers/server';

const ROUNDS = 20;
const SEED = 0x5eed;
const servers: ServerProcess[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await Promise.all(servers.splice(0).map((s) => s.kill9()));
});
afterAll(removeTempDirs);

/** mulberry32: the kill moments and the choices of each round, the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServer(dataDir: string): Promise<ServerProcess> {
  const server = new ServerProcess(dataDir, await freePort());
  servers.push(server);
  await server.start();
  return server;
}

/** HTTP with fixed credentials (sessions survive restarts; logging in each round would hit the limit). */
async function call(
  server: ServerProcess,
  headers: Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function loginCookie(server: ServerProcess, username: string, password: string): Promise<string> {
  const res = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const m = /wr_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
  if (!res.ok || !m) throw new Error(`login as ${username}: ${res.status}`);
  return `wr_session=${m[1]}`;
}

function connectSocket(server: ServerProcess, cookie: string): Promise<Socket> {
  return connectedSocket(server.url, { extraHeaders: { cookie } }, sockets);
}

/** Offsets 1…n with no gap, no alert raised twice, no minute stored twice with the same values. */
function expectCleanLog(events: LaunchEvent[], what: string): void {
  expect(
    events.map((e) => e.offset),
    what,
  ).toEqual(events.map((_, i) => i + 1));
  const raised = events.flatMap((e) => (e.type === 'alert.raised' ? [e.alert.id] : []));
  expect(raised.length, `${what}: an alert raised twice`).toBe(new Set(raised).size);
  const acked = events.flatMap((e) => (e.type === 'alert.acknowledged' ? [e.alert.id] : []));
  expect(acked.length, `${what}: an alert acknowledged twice`).toBe(new Set(acked).size);
  const seen = new Map<number, string>();
  for (const e of events) {
    if (e.type !== 'reading.ingested') continue;
    const key = JSON.stringify(e.reading);
    expect(seen.get(e.reading.minute), `${what}: minute ${e.reading.minute} stored twice as it was`).not.toBe(
      key,
    );
    seen.set(e.reading.minute, key);
  }
}

/** The fields of an alert that the readings decide (not who acknowledged it or when it was raised). */
const judged = (a: Alert) => ({
  id: a.id,
  kind: a.kind,
  checkpoint: a.checkpoint,
  metric: a.metric,
  direction: a.direction,
  severity: a.severity,
  deviation: a.deviation,
  actual: a.actual,
  forecast: a.forecast,
  cleared: a.status === 'cleared',
});

/** What a checkpoint evaluation says (not when it was made, nor how often). */
const result = (c: CheckpointResult) => ({
  checkpoint: c.checkpoint,
  complete: c.complete,
  missingMinutes: c.missingMinutes,
  metrics: c.metrics,
});
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

/** The clean re-evaluation: every stored reading through the pure engine at once. */
function reevaluate(snap: LaunchSnapshot) {
  const state = initialState(snap.launch);
  const last = Math.max(0, ...snap.readings.map((r) => r.minute));
  const now = Date.parse(snap.launch.startAt) + (last + 1) * 60_000;
  ingest(
    state,
    snap.readings.map(({ minute, uv, pv, fav, cart, orders, units, gmv }, index) => ({
      index,
      reading: { minute, uv, pv, fav, cart, orders, units, gmv },
    })),
    now,
  );
  return { checkpoints: [...state.checkpoints.values()], alerts: [...state.alerts.values()] };
}

/** Traffic at half the plan and a bit: every checkpoint of the pushed launch breaches. */
const pushed = (minute: number) => ({ minute, uv: 50 + (minute % 7), units: PLAN.units, gmv: PLAN.gmv });

describe('kill -9 at random moments, twenty times', () => {
  it('keeps every answered reading and acknowledgement exactly once, and alerts equal a clean re-evaluation', async () => {
    const random = prng(SEED);
    const dataDir = await tempDir('warroom-faults-');
    let server = await startServer(dataDir);
    const admin = { cookie: await server.adminCookie() };
    const ingestToken = (
      (await call(server, admin, 'POST', '/api/tokens', { name: 'feed', scope: 'ingest' })).body as {
        token: string;
      }
    ).token;
    const feed = { authorization: `Bearer ${ingestToken}` };
    for (const [username, displayName] of [
      ['wangfang', '王芳'],
      ['lilei', '李雷'],
    ] as const)
      expect(
        (
          await call(server, admin, 'POST', '/api/users', {
            username,
            displayName,
            role: 'supervisor',
            password: `${username}-password`,
          })
        ).status,
      ).toBe(201);
    const httpSupervisor = { cookie: await loginCookie(server, 'wangfang', 'wangfang-password') };
    const socketSupervisor = await loginCookie(server, 'lilei', 'lilei-password');

    // The pushed launch: a day that started a day ago, a checkpoint every 10 minutes, each waiting
    // for its data.
    const created = await call(
      server,
      admin,
      'POST',
      '/api/launches',
      pastLaunchInput(
        {
          durationMinutes: 1440,
          checkpoints: Array.from({ length: 144 }, (_, i) => (i + 1) * 10),
          forecast: Array.from({ length: 1440 }, (_, minute) => ({ minute, ...PLAN })),
        },
        1441,
      ),
    );
    expect(created.status).toBe(201);
    const live = created.body as Launch;
    // The simulated launch: 12 hours at 240× (a launch minute every 250 ms).
    const sim = await call(server, admin, 'POST', '/api/simulations', {
      scenario: 'traffic-shortfall',
      speed: 240,
      seed: 7,
      launch: { durationMinutes: 720 },
    });
    expect(sim.status).toBe(201);
    const simLaunchId = (sim.body as { launchId: string }).launchId;

    const confirmedMinutes = new Set<number>();
    const confirmedAcks = new Map<string, Alert>();
    const unsent: number[] = [];
    let nextMinute = 0;
    let failures = 0;
    let readingsAnswered = 0;
    let acksAnswered = 0;

    for (let round = 1; round <= ROUNDS; round++) {
      const killAfter = 150 + Math.floor(random() * 1200);
      let stop = false;
      const socket = await connectSocket(server, socketSupervisor).catch(() => null);

      // The feed: one minute or a batch of three, two requests at a time; what was not answered
      // is sent again next round.
      const feeder = async () => {
        while (!stop && (unsent.length > 0 || nextMinute < 1440)) {
          const batch = random() < 0.3 ? 3 : 1;
          const minutes: number[] = [];
          while (minutes.length < batch && (unsent.length > 0 || nextMinute < 1440))
            minutes.push(unsent.length > 0 ? unsent.shift()! : nextMinute++);
          const body = minutes.length === 1 ? pushed(minutes[0]!) : minutes.map(pushed);
          try {
            const res = await call(server, feed, 'POST', `/api/launches/${live.id}/readings`, body);
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            expect((res.body as { rejected: unknown[] }).rejected).toEqual([]);
            for (const m of minutes) confirmedMinutes.add(m);
            readingsAnswered++;
          } catch (e) {
            if ((e as Error).name === 'AssertionError') throw e;
            unsent.push(...minutes);
            failures++;
            return;
          }
          await sleep(40); // paced, so the day of minutes lasts all twenty rounds
        }
      };
      // The supervisors: open alerts of both launches, acknowledged over HTTP or the socket. One
      // acknowledgement handles a whole incident, so when nothing is open they acknowledge an
      // alert again (the first acknowledgement must come back unchanged).
      const acker = async () => {
        while (!stop) {
          let open: Alert[];
          try {
            open = (await call(server, httpSupervisor, 'GET', '/api/alerts?status=open')).body as Alert[];
            if (open.length === 0)
              open = (await call(server, httpSupervisor, 'GET', '/api/alerts?status=acknowledged'))
                .body as Alert[];
          } catch {
            return;
          }
          const target = open[Math.floor(random() * open.length)];
          if (!target) {
            await sleep(50);
            continue;
          }
          const action = `round ${round}`;
          try {
            if (random() < 0.5 || !socket) {
              const res = await call(server, httpSupervisor, 'POST', `/api/alerts/${target.id}/ack`, {
                action,
                by: 'someone typed this',
              });
              expect(res.status).toBe(200);
              const alert = res.body as Alert;
              expect(alert.ackedBy).toBe(confirmedAcks.get(target.id)?.ackedBy ?? alert.ackedBy);
              confirmedAcks.set(target.id, alert);
              acksAnswered++;
            } else {
              const answer = (await socket.timeout(5000).emitWithAck('alert:ack', {
                alertId: target.id,
                action,
              })) as { ok: boolean; data: Alert };
              expect(answer.ok).toBe(true);
              acksAnswered++;
              expect(answer.data.ackedBy).toBe(confirmedAcks.get(target.id)?.ackedBy ?? answer.data.ackedBy);
              confirmedAcks.set(target.id, answer.data);
            }
          } catch (e) {
            if ((e as Error).name === 'AssertionError') throw e;
            failures++;
            return;
          }
        }
      };
      const load = Promise.all([feeder(), feeder(), acker()]);
      await sleep(killAfter);
      await server.kill9();
      stop = true;
      await load;
      socket?.disconnect();

      server = await startServer(dataDir);
      for (const launchId of [live.id, simLaunchId]) {
        // The log first: the launch's state can only be as far along or further.
        const page = await call(server, admin, 'GET', `/api/launches/${launchId}/events`);
        expect(
          page.status,
          `round ${round}: ${JSON.stringify(page.body)}\n${server.output.slice(-3000)}`,
        ).toBe(200);
        const { events } = page.body as { events: LaunchEvent[] };
        const snap = (await call(server, admin, 'GET', `/api/launches/${launchId}?include=forecast`))
          .body as LaunchSnapshot;
        const what = `round ${round}, ${launchId === live.id ? 'pushed' : 'simulated'} launch`;
        expectCleanLog(events, what);
        expect(snap.offset, what).toBeGreaterThanOrEqual(events.length);
        const clean = reevaluate(snap);
        if (launchId === live.id) {
          const stored = new Map(snap.readings.map((r) => [r.minute, r]));
          for (const m of confirmedMinutes)
            expect(stored.get(m), `${what}: minute ${m} was answered 200`).toMatchObject(pushed(m));
          // Nothing that was not sent.
          for (const r of snap.readings) expect(r).toMatchObject(pushed(r.minute));
          expect(snap.checkpoints.map(result), what).toEqual(clean.checkpoints.map(result));
          expect(snap.alerts.map(judged).sort(byId), what).toEqual(clean.alerts.map(judged).sort(byId));
        } else {
          const complete = new Set(snap.checkpoints.filter((c) => c.complete).map((c) => c.checkpoint));
          const cleanByT = new Map(clean.checkpoints.map((c) => [c.checkpoint, c]));
          for (const c of snap.checkpoints.filter((x) => x.complete))
            expect(result(c), `${what}: checkpoint ${c.checkpoint}`).toEqual(
              result(cleanByT.get(c.checkpoint)!),
            );
          const breaches = (alerts: Alert[]) =>
            alerts
              .filter((a) => a.kind === 'breach' && complete.has(a.checkpoint))
              .map(judged)
              .sort(byId);
          expect(breaches(snap.alerts), what).toEqual(breaches(clean.alerts));
        }
        for (const [id, ack] of confirmedAcks) {
          const alert = snap.alerts.find((a) => a.id === id);
          if (!alert) continue; // the other launch's
          expect(alert, `${what}: acknowledgement of ${id}`).toMatchObject({
            ackedBy: ack.ackedBy,
            ackedAt: ack.ackedAt,
            action: ack.action,
          });
          expect(['王芳', '李雷']).toContain(alert.ackedBy);
        }
      }
    }
    // Every acknowledgement answered was found in one of the two launches.
    const all = new Map<string, Alert>();
    for (const launchId of [live.id, simLaunchId])
      for (const a of ((await call(server, admin, 'GET', `/api/launches/${launchId}`)).body as LaunchSnapshot)
        .alerts)
        all.set(a.id, a);
    for (const id of confirmedAcks.keys()) expect(all.has(id), id).toBe(true);
    console.log(
      `faults: ${ROUNDS} kills; ${readingsAnswered} ingest requests answered (${confirmedMinutes.size} minutes), ` +
        `${acksAnswered} acknowledgements answered (${confirmedAcks.size} alerts), ${failures} requests cut off by a kill`,
    );
    // The rounds did real work and were really cut off.
    expect(readingsAnswered).toBeGreaterThan(ROUNDS);
    expect(acksAnswered).toBeGreaterThan(5);
    expect(confirmedAcks.size).toBeGreaterThan(0);
    expect(failures).toBeGreaterThan(0);
  }, 300_000);
});

describe('two supervisors acknowledging the same alert at once', () => {
  it('record one acknowledgement, and both (HTTP and socket) get the same answer', async () => {
    const app = (await makeApp()) as FastifyInstance & { adminCookie: string };
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const addr = app.server.address();
      if (!addr || typeof addr === 'string') throw new Error('not listening');
      const url = `http://127.0.0.1:${addr.port}`;
      const wang = await userCookie(app, { username: 'wang', displayName: '王芳', role: 'supervisor' });
      const li = await userCookie(app, { username: 'li', displayName: '李雷', role: 'supervisor' });
      const created = await app.inject({
        method: 'POST',
        url: '/api/launches',
        payload: pastLaunchInput({ checkpoints: [5, 10, 15, 20, 25, 30, 35, 40] }, 50),
      });
      const launch = created.json<Launch>();
      await app.inject({
        method: 'POST',
        url: `/api/launches/${launch.id}/readings`,
        payload: readings(0, 40, 0.5),
      });
      const ids = [5, 10, 15, 20, 25, 30, 35, 40].map((t) => `${launch.id}-t${t}-uv`);
      const socket = io(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        extraHeaders: { cookie: li },
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      for (const id of ids) {
        // The same moment: both requests leave before either is answered.
        const [viaHttp, viaSocket] = await Promise.all([
          fetch(`${url}/api/alerts/${id}/ack`, {
            method: 'POST',
            headers: { cookie: wang, 'content-type': 'application/json' },
            body: JSON.stringify({ action: '直通车加价' }),
          }).then(async (r) => ({ status: r.status, alert: (await r.json()) as Alert })),
          socket.timeout(5000).emitWithAck('alert:ack', { alertId: id, action: '钻展加投' }) as Promise<{
            ok: boolean;
            data: Alert;
          }>,
        ]);
        expect(viaHttp.status).toBe(200);
        expect(viaSocket.ok).toBe(true);
        expect(viaSocket.data).toEqual(viaHttp.alert);
        expect(['王芳', '李雷']).toContain(viaHttp.alert.ackedBy);
        // And a third, later, gets the same again.
        const again = await app.inject({
          method: 'POST',
          url: `/api/alerts/${id}/ack`,
          headers: { cookie: li },
          payload: {},
        });
        expect(again.json<Alert>()).toEqual(viaHttp.alert);
      }
      const events = (await app.inject({ method: 'GET', url: `/api/launches/${launch.id}/events` })).json<{
        events: LaunchEvent[];
      }>().events;
      const acks = events
        .filter((e) => e.type === 'alert.acknowledged')
        .map((e) => (e.type === 'alert.acknowledged' ? e.alert.id : ''));
      // One story (traffic short at every checkpoint): the first acknowledgement took the incident
      // and every alert it had on, each recorded exactly once.
      const raised = events
        .filter((e) => e.type === 'alert.raised')
        .map((e) => (e.type === 'alert.raised' ? e.alert.id : ''));
      expect(raised).toEqual(expect.arrayContaining(ids));
      expect(acks.sort()).toEqual([...new Set(raised)].sort());
      expect(events.filter((e) => e.type === 'incident.acknowledged')).toHaveLength(1);
      socket.disconnect();
    } finally {
      await app.close();
    }
  });
});

describe('a screen disconnected across an alert', () => {
  it('receives it when it subscribes again with the last offset it saw, even across a kill -9', async () => {
    const dataDir = await tempDir('warroom-faults-screen-');
    let server = await startServer(dataDir);
    const admin = { cookie: await server.adminCookie() };
    const created = await call(server, admin, 'POST', '/api/launches', pastLaunchInput());
    const launch = created.body as Launch;
    const screenToken = (
      (await call(server, admin, 'POST', '/api/tokens', { name: 'wall', scope: 'screen' })).body as {
        token: string;
      }
    ).token;

    // Watching: minutes 0–9 arrive live.
    let socket = io(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: screenToken },
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    let lastOffset = 0;
    const pushes: { event: string; offset: number }[] = [];
    const track = (s: Socket) => {
      for (const event of ['reading', 'checkpoint', 'alert', 'alert:ack', 'alert:escalated'])
        s.on(event, (p: { offset: number }) => {
          pushes.push({ event, offset: p.offset });
          lastOffset = Math.max(lastOffset, p.offset);
        });
    };
    track(socket);
    const first = (await socket.timeout(5000).emitWithAck('subscribe', { launchId: launch.id })) as {
      ok: boolean;
      data: SubscribeData;
    };
    expect(first.ok).toBe(true);
    if (first.data.kind === 'snapshot') lastOffset = first.data.snapshot.offset;
    expect(
      (await call(server, admin, 'POST', `/api/launches/${launch.id}/readings`, readings(0, 10, 0.5))).status,
    ).toBe(200);
    await waitFor(() => pushes.filter((p) => p.event === 'reading').length === 10, {
      what: 'ten live readings',
    });
    const seen = lastOffset;

    // The screen loses its connection; the server crashes and comes back; the checkpoint completes.
    socket.disconnect();
    await server.kill9();
    server = await startServer(dataDir);
    const res = await call(
      server,
      admin,
      'POST',
      `/api/launches/${launch.id}/readings`,
      readings(10, 15, 0.5),
    );
    expect(res.status).toBe(200);
    // Traffic, units and GMV all at half the plan: three alerts at checkpoint 15.
    const alertIds = (
      (await call(server, admin, 'GET', `/api/launches/${launch.id}`)).body as LaunchSnapshot
    ).alerts
      .map((a) => a.id)
      .sort();
    expect(alertIds).toEqual(['gmv', 'units', 'uv'].map((m) => `${launch.id}-t15-${m}`).sort());

    // Back: it asks for what came after the last offset it saw, and gets the alert among them.
    socket = io(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: screenToken },
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const again = (await socket
      .timeout(5000)
      .emitWithAck('subscribe', { launchId: launch.id, after: seen })) as {
      ok: boolean;
      data: SubscribeData;
    };
    expect(again.ok).toBe(true);
    expect(again.data.kind).toBe('events');
    if (again.data.kind !== 'events') return;
    const missed = again.data.events;
    expect(missed[0]?.offset).toBe(seen + 1);
    expect(missed.map((e) => e.offset)).toEqual(missed.map((_, i) => seen + 1 + i));
    expect(missed.filter((e) => e.type === 'reading.ingested')).toHaveLength(5);
    const raised = missed.filter((e) => e.type === 'alert.raised');
    expect(raised.map((e) => (e.type === 'alert.raised' ? e.alert.id : '')).sort()).toEqual(alertIds);
    expect(again.data.offset).toBe(missed.at(-1)!.offset);
    socket.disconnect();
  }, 120_000);
});
