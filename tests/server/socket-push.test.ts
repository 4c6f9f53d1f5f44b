/**
 * Live push through real socket.io clients against a listening server: alerts reach every
 * subscribed screen, a screen that reconnects with its last offset gets exactly what it missed,
 * acknowledgements travel between laptops, and bad payloads are answered, never fatal.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Socket, io } from 'socket.io-client';
import type {
  AckEnvelope,
  Alert,
  AlertAckPush,
  AlertPush,
  ClientToServerEvents,
  Launch,
  LaunchEvent,
  ServerToClientEvents,
  SubscribeData,
  EventsPush,
} from '@warroom/shared';
import { makeApp, pastLaunchInput, readings, removeTempDirs, waitFor, userCookie } from '../helpers/server';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A screen: a socket plus every push it received, in arrival order. */
interface Screen {
  socket: ClientSocket;
  pushes: { event: keyof ServerToClientEvents; launchId: string; offset: number; payload: unknown }[];
}

const LOGGED_EVENTS = [
  'reading',
  'checkpoint',
  'alert',
  'alert:ack',
  'alert:escalated',
  'incident',
  'clock',
  'feed',
] as const;
/** Pushes that stand for exactly one log event (clock and feed repeat the latest offset). */
const LOG_PUSHES = new Set(['reading', 'checkpoint', 'alert', 'alert:ack', 'alert:escalated', 'incident']);

let app: FastifyInstance;
let url: string;
const screens: Screen[] = [];

beforeEach(async () => {
  app = await makeApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening');
  url = `http://127.0.0.1:${addr.port}`;
});

afterEach(async () => {
  for (const s of screens.splice(0)) s.socket.disconnect();
  await app.close();
});
afterAll(removeTempDirs);

async function connect(
  cookie = (app as FastifyInstance & { adminCookie: string }).adminCookie,
): Promise<Screen> {
  const socket: ClientSocket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie },
  });
  const screen: Screen = { socket, pushes: [] };
  for (const event of LOGGED_EVENTS) {
    socket.on(event, (p: { launchId: string; offset: number }) =>
      screen.pushes.push({ event, launchId: p.launchId, offset: p.offset, payload: p }),
    );
  }
  screens.push(screen);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return screen;
}

async function subscribe(screen: Screen, input: unknown): Promise<AckEnvelope<SubscribeData>> {
  return screen.socket.timeout(5000).emitWithAck('subscribe', input);
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      cookie: (app as FastifyInstance & { adminCookie: string }).adminCookie,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function createLaunch(): Promise<Launch> {
  const res = await api('POST', '/api/launches', pastLaunchInput());
  expect(res.status).toBe(201);
  return res.body as Launch;
}

/** Posts readings for minutes [from, to) with traffic at 60% of plan (uv 40% under at checkpoint 15). */
async function postLowTraffic(launchId: string, from: number, to: number): Promise<void> {
  const res = await api(
    'POST',
    `/api/launches/${launchId}/readings`,
    readings(from, to).map((r) => ({ ...r, uv: 60 })),
  );
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ accepted: to - from, rejected: [] });
}

async function logEvents(launchId: string, after = 0): Promise<{ offset: number; events: LaunchEvent[] }> {
  const res = await api('GET', `/api/launches/${launchId}/events?after=${after}`);
  return res.body as { offset: number; events: LaunchEvent[] };
}

const alertPushes = (s: Screen, launchId?: string) =>
  s.pushes
    .filter((p) => p.event === 'alert' && (!launchId || p.launchId === launchId))
    .map((p) => p.payload as AlertPush);

describe('batch subscriptions (how the screens subscribe)', () => {
  it('a commit arrives as one events push holding its facts in log order, and no named pushes', async () => {
    const launch = await createLaunch();
    const batch = await connect();
    const named = await connect();
    const batchEvents: EventsPush[] = [];
    batch.socket.on('events', (p: EventsPush) => batchEvents.push(p));
    expect((await subscribe(batch, { launchId: launch.id, batch: true })).ok).toBe(true);
    expect((await subscribe(named, { launchId: launch.id })).ok).toBe(true);

    await postLowTraffic(launch.id, 0, 15); // 15 readings that complete checkpoint 15 with a breach
    const { events: log } = await logEvents(launch.id, 1);
    await waitFor(() => batchEvents.length > 0, { what: 'the events push' });
    expect(batchEvents).toHaveLength(1);
    const push = batchEvents[0]!;
    expect(push.launchId).toBe(launch.id);
    expect(push.events).toEqual(log);
    expect(push.offset).toBe(log.at(-1)!.offset);
    expect(push.events.map((e) => e.type)).toEqual([
      ...Array<string>(15).fill('reading.ingested'),
      'checkpoint.evaluated',
      'alert.raised',
      'incident.opened',
      'notification.due',
    ]);
    // The batch screen gets the facts once (no named copies); the other screen gets named pushes.
    await waitFor(() => alertPushes(named).length > 0, { what: 'the named alert push' });
    expect(batch.pushes.filter((p) => LOG_PUSHES.has(p.event))).toEqual([]);
    expect(named.pushes.filter((p) => p.event === 'reading')).toHaveLength(15);
  });

  it('subscribing again without batch switches back to named pushes', async () => {
    const launch = await createLaunch();
    const screen = await connect();
    const batchEvents: EventsPush[] = [];
    screen.socket.on('events', (p: EventsPush) => batchEvents.push(p));
    expect((await subscribe(screen, { launchId: launch.id, batch: true })).ok).toBe(true);
    expect((await subscribe(screen, { launchId: launch.id })).ok).toBe(true);
    await postLowTraffic(launch.id, 0, 15);
    await waitFor(() => alertPushes(screen).length > 0, { what: 'the named alert push' });
    expect(batchEvents).toEqual([]);
  });
});

describe('pushes to subscribed screens', () => {
  it('an alert raised by an HTTP reading batch reaches every subscribed client', async () => {
    const launch = await createLaunch();
    const clients = await Promise.all([connect(), connect(), connect(), connect()]);
    for (const c of clients) {
      const r = await subscribe(c, { launchId: launch.id });
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.data.kind).toBe('snapshot');
    }
    const bystander = await connect(); // connected, not subscribed
    await postLowTraffic(launch.id, 0, 15);
    const log = await logEvents(launch.id);
    const raised = log.events.find((e) => e.type === 'alert.raised')!;
    expect(raised).toBeDefined();

    for (const c of clients) {
      const [push] = await waitFor(() => (alertPushes(c).length > 0 ? alertPushes(c) : null), {
        what: 'the alert push',
      });
      expect(push).toMatchObject({
        launchId: launch.id,
        offset: raised.offset,
        change: 'raised',
        alert: {
          id: `${launch.id}-t15-uv`,
          metric: 'uv',
          direction: 'under',
          owner: '推广主管',
          status: 'open',
        },
      });
    }
    // Every client also saw each reading and the checkpoint, in log order (the outbox's facts
    // move named subscribers on as a clock push).
    const named = log.events.slice(1).filter((e) => !e.type.startsWith('notification.'));
    for (const c of clients) {
      await waitFor(() => c.pushes.filter((p) => LOG_PUSHES.has(p.event)).length >= named.length);
      const offsets = c.pushes.filter((p) => LOG_PUSHES.has(p.event)).map((p) => p.offset);
      expect(offsets).toEqual(named.map((e) => e.offset));
    }
    expect(alertPushes(bystander)).toEqual([]);
  });

  it('a client that reconnects with its last offset gets exactly the events it missed', async () => {
    const launch = await createLaunch();
    const screen = await connect();
    const first = await subscribe(screen, { launchId: launch.id });
    expect(first.ok && first.data.kind).toBe('snapshot');
    const snapOffset = first.ok && first.data.kind === 'snapshot' ? first.data.snapshot.offset : -1;
    expect(snapOffset).toBe(1);

    await postLowTraffic(launch.id, 0, 5);
    await waitFor(() => screen.pushes.filter((p) => p.event === 'reading').length === 5, {
      what: 'five reading pushes',
    });
    const lastSeen = Math.max(...screen.pushes.filter((p) => LOG_PUSHES.has(p.event)).map((p) => p.offset));
    expect(lastSeen).toBe(6);

    screen.socket.disconnect();
    // While it is away: the rest of the window, the checkpoint and its alert, and an acknowledgement.
    await postLowTraffic(launch.id, 5, 15);
    const ack = await api('POST', `/api/alerts/${launch.id}-t15-uv/ack`, {
      by: '李娜',
      action: '直通车加价',
    });
    expect(ack.status).toBe(200);

    const back = await connect();
    const r = await subscribe(back, { launchId: launch.id, after: lastSeen });
    expect(r.ok).toBe(true);
    if (!r.ok || r.data.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(r)}`);
    const missed = await logEvents(launch.id, lastSeen);
    expect(r.data.offset).toBe(missed.offset);
    expect(r.data.events).toEqual(missed.events);
    expect(r.data.events.map((e) => e.offset)).toEqual(
      Array.from({ length: missed.offset - lastSeen }, (_, i) => lastSeen + 1 + i),
    );
    const types = r.data.events.map((e) => e.type).filter((t) => !t.startsWith('notification.'));
    expect(types.filter((t) => t === 'reading.ingested')).toHaveLength(10);
    expect(types.indexOf('checkpoint.evaluated')).toBeLessThan(types.indexOf('alert.raised'));
    // The acknowledgement, then the incident it handled.
    expect(types.slice(-2)).toEqual(['alert.acknowledged', 'incident.acknowledged']);

    // And it is back in the room: the next push arrives with the next offset.
    await api('POST', `/api/launches/${launch.id}/readings`, readings(15, 16));
    const next = await waitFor(() => back.pushes.find((p) => p.event === 'reading'), {
      what: 'a reading push',
    });
    expect(next).toMatchObject({ launchId: launch.id, offset: missed.offset + 1 });
  });

  it('a client that is up to date gets no events; one with an offset from the future gets a snapshot', async () => {
    const launch = await createLaunch();
    await postLowTraffic(launch.id, 0, 3);
    const { offset } = await logEvents(launch.id);
    const screen = await connect();
    const upToDate = await subscribe(screen, { launchId: launch.id, after: offset });
    expect(upToDate).toEqual({ ok: true, data: { kind: 'events', events: [], offset, more: false } });

    // A screen remembering offsets from another incarnation of the log (or a bug) is re-based.
    const stale = await subscribe(screen, { launchId: launch.id, after: offset + 50 });
    expect(stale.ok).toBe(true);
    if (!stale.ok || stale.data.kind !== 'snapshot') throw new Error('expected a snapshot');
    expect(stale.data.snapshot.offset).toBe(offset);
    expect(stale.data.snapshot.readings.map((r) => r.minute)).toEqual([0, 1, 2]);
    expect(stale.data.snapshot.launch.id).toBe(launch.id);
  });

  it('an acknowledgement over the socket reaches the other clients as alert:ack', async () => {
    const launch = await createLaunch();
    const wang = await userCookie(app as FastifyInstance & { adminCookie: string }, {
      username: 'wangqiang',
      displayName: '王强',
      role: 'supervisor',
    });
    const [acker, other1, other2] = await Promise.all([connect(wang), connect(), connect()]);
    for (const c of [acker, other1, other2])
      expect((await subscribe(c, { launchId: launch.id })).ok).toBe(true);
    await postLowTraffic(launch.id, 0, 15);
    const alertId = `${launch.id}-t15-uv`;
    await waitFor(() => alertPushes(acker).length > 0, { what: 'the alert' });

    const reply = await acker.socket
      .timeout(5000)
      .emitWithAck('alert:ack', { alertId, action: '钻展加投', note: '已加投' });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.data).toMatchObject({
      id: alertId,
      status: 'acknowledged',
      ackedBy: '王强',
      action: '钻展加投',
    });

    const { events } = await logEvents(launch.id);
    const offset = events.find((e) => e.type === 'alert.acknowledged')!.offset;
    for (const c of [other1, other2, acker]) {
      const push = await waitFor(() => c.pushes.find((p) => p.event === 'alert:ack'), { what: 'alert:ack' });
      expect(push.payload as AlertAckPush).toMatchObject({
        launchId: launch.id,
        offset,
        alert: { id: alertId, ackedBy: '王强', note: '已加投', status: 'acknowledged' },
      });
    }

    // A second acknowledgement answers the first unchanged and pushes nothing new.
    const again = await other1.socket.timeout(5000).emitWithAck('alert:ack', { alertId, by: '赵敏' });
    expect(again).toEqual({ ok: true, data: reply.data });
    expect((await logEvents(launch.id)).offset).toBe(events.at(-1)!.offset);
    const http = await api('GET', `/api/launches/${launch.id}`);
    expect((http.body as { alerts: Alert[] }).alerts[0]).toEqual(reply.data);
  });

  it('the inbox room gets the alerts of every launch', async () => {
    const a = await createLaunch();
    const b = await createLaunch();
    const inbox = await connect();
    const joined = await inbox.socket.timeout(5000).emitWithAck('inbox:subscribe', {});
    expect(joined).toEqual({ ok: true, data: [] });

    await postLowTraffic(a.id, 0, 15);
    await postLowTraffic(b.id, 0, 15);
    await waitFor(() => alertPushes(inbox).length >= 2, { what: 'alerts of both launches' });
    expect(alertPushes(inbox).map((p) => [p.launchId, p.alert.id, p.change])).toEqual([
      [a.id, `${a.id}-t15-uv`, 'raised'],
      [b.id, `${b.id}-t15-uv`, 'raised'],
    ]);
    // The inbox is for alerts only: no readings or checkpoints of launches it did not subscribe to.
    expect(inbox.pushes.filter((p) => p.event === 'reading' || p.event === 'checkpoint')).toEqual([]);

    await api('POST', `/api/alerts/${b.id}-t15-uv/ack`, { by: '李娜' });
    const ack = await waitFor(() => inbox.pushes.find((p) => p.event === 'alert:ack'), { what: 'alert:ack' });
    expect(ack).toMatchObject({ launchId: b.id });

    // A late subscriber to the inbox is answered with the alerts so far.
    const late = await connect();
    const r = await late.socket.timeout(5000).emitWithAck('inbox:subscribe', {});
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.data.map((x: Alert) => x.id).sort()).toEqual([`${a.id}-t15-uv`, `${b.id}-t15-uv`].sort());
  });
});

describe('bad socket payloads', () => {
  it('are answered with {ok:false, error} and never break the connection or the server', async () => {
    const launch = await createLaunch();
    await postLowTraffic(launch.id, 0, 15);
    const alertId = `${launch.id}-t15-uv`;
    const screen = await connect();
    const s = screen.socket.timeout(5000);

    const bad: [keyof ClientToServerEvents, unknown, string][] = [
      ['subscribe', 'launch', 'invalid_input'],
      ['subscribe', 42, 'invalid_input'],
      ['subscribe', null, 'invalid_input'],
      ['subscribe', [launch.id], 'invalid_input'],
      ['subscribe', {}, 'invalid_input'],
      ['subscribe', { launchId: 'nosuchlaunch' }, 'not_found'],
      ['subscribe', { launchId: launch.id, colour: 'red' }, 'invalid_input'],
      ['subscribe', { launchId: launch.id, after: -1 }, 'invalid_input'],
      ['subscribe', { launchId: launch.id, after: 'yesterday' }, 'invalid_input'],
      ['subscribe', { launchId: 'x'.repeat(10_000) }, 'invalid_input'],
      ['unsubscribe', 'launch', 'invalid_input'],
      ['alert:ack', 'ack it', 'invalid_input'],
      ['alert:ack', {}, 'invalid_input'],
      ['alert:ack', { alertId: 'nosuchlaunch-t15-uv', by: '李娜' }, 'not_found'],
      ['alert:ack', { alertId: `${launch.id}-t15-pv`, by: '李娜' }, 'not_found'],
      ['alert:ack', { alertId, by: 42 }, 'invalid_input'],
      ['alert:ack', { alertId, by: '李娜', extra: true }, 'invalid_input'],
    ];
    for (const [event, input, code] of bad) {
      const r = (await s.emitWithAck(event, input)) as AckEnvelope<unknown>;
      expect(r, `${event} ${JSON.stringify(input)?.slice(0, 60)}`).toMatchObject({
        ok: false,
        error: { code },
      });
      if (!r.ok) expect(r.error.message.length).toBeGreaterThan(0);
    }
    // Fire-and-forget (no acknowledgement callback) and payload-less events do no harm either.
    screen.socket.emit('subscribe', { launchId: 'nosuchlaunch' } as never, undefined as never);
    (screen.socket as unknown as { emit: (e: string, ...a: unknown[]) => void }).emit('subscribe');
    (screen.socket as unknown as { emit: (e: string, ...a: unknown[]) => void }).emit('no-such-event', 1);

    // The connection still works, nothing was acknowledged, and the server is healthy.
    expect(screen.socket.connected).toBe(true);
    const ok = await subscribe(screen, { launchId: launch.id });
    expect(ok.ok).toBe(true);
    const state = await api('GET', `/api/launches/${launch.id}`);
    expect((state.body as { alerts: Alert[] }).alerts[0]).toMatchObject({ id: alertId, ackedBy: null });
    expect((await api('GET', '/healthz')).status).toBe(200);
  });

  it('an event sent with only an acknowledgement callback is still answered', async () => {
    const screen = await connect();
    const emitter = screen.socket.timeout(5000) as unknown as {
      emitWithAck: (e: string) => Promise<AckEnvelope<unknown>>;
    };
    expect(await emitter.emitWithAck('subscribe')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await emitter.emitWithAck('inbox:subscribe')).toEqual({ ok: true, data: [] });
  });
});
