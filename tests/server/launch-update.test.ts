/**
 * Editing a launch over HTTP (PUT /api/launches/:id): a whole LaunchInput replaces the settings,
 * the engine re-evaluates checkpoints and alerts under them, the change is audited, and screens
 * subscribed to the launch get the new launch and the alert changes pushed.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Socket, io } from 'socket.io-client';
import type {
  Alert,
  AlertPush,
  AuditEntry,
  ClientToServerEvents,
  EventsPush,
  Launch,
  LaunchPush,
  LaunchSnapshot,
  ServerToClientEvents,
} from '@warroom/shared';
import { makeApp, pastLaunchInput, readings, removeTempDirs, userCookie, waitFor } from '../helpers/server';

type AdminApp = FastifyInstance & { adminCookie: string };
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let app: AdminApp;
const sockets: ClientSocket[] = [];

beforeEach(async () => {
  app = (await makeApp()) as AdminApp;
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await app.close();
});
afterAll(removeTempDirs);

async function create(overrides: Record<string, unknown> = {}): Promise<Launch> {
  const res = await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput(overrides) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Launch>();
}

/** Traffic, units and GMV 30% under plan for minutes 0..14: T+15 raises three warnings at 20%. */
async function shortfall(launchId: string): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/launches/${launchId}/readings`,
    payload: readings(0, 15, 0.7),
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** The launch as a planner would send it back: its input fields, with `changes`. */
function inputOf(launch: Launch, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: launch.name,
    startAt: launch.startAt,
    timezone: launch.timezone,
    durationMinutes: launch.durationMinutes,
    checkpoints: launch.checkpoints,
    tolerance: launch.tolerance,
    metrics: launch.metrics,
    graceSeconds: launch.graceSeconds,
    escalateAfterSeconds: launch.escalateAfterSeconds,
    playbook: launch.playbook,
    forecast: launch.forecast.map(({ minute, uv, units, gmv }) => ({ minute, uv, units, gmv })),
    ...changes,
  };
}

function put(id: string, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'PUT', url: `/api/launches/${id}`, payload: payload as object, headers });
}

async function snapshotOf(id: string): Promise<LaunchSnapshot> {
  const res = await app.inject({ method: 'GET', url: `/api/launches/${id}?include=forecast` });
  expect(res.statusCode).toBe(200);
  return res.json<LaunchSnapshot>();
}

const t15 = (s: LaunchSnapshot, metric: string): Alert | undefined =>
  s.alerts.find((a) => a.checkpoint === 15 && a.metric === metric);

describe('PUT /api/launches/:id', () => {
  it('replaces the settings and answers 200 with the updated launch (same id, creation time and clock)', async () => {
    const launch = await create();
    const res = await put(
      launch.id,
      inputOf(launch, { name: '双11 开团 · 保温杯 (返场)', tolerance: 0.3, stock: 500 }),
    );
    expect(res.statusCode, res.body).toBe(200);
    const updated = res.json<Launch>();
    expect(updated).toMatchObject({
      id: launch.id,
      name: '双11 开团 · 保温杯 (返场)',
      tolerance: 0.3,
      stock: 500,
      createdAt: launch.createdAt,
      clock: launch.clock,
      runSheet: launch.runSheet,
    });
    // 500 in stock for 600 planned: saved, with the planner warned (the stored launch has no warnings).
    const { warnings, ...stored } = updated as Launch & { warnings?: unknown };
    expect(warnings).toEqual([
      {
        code: 'stock-cover',
        message:
          'stock of 500 is under three times the 600 units planned (the team keeps at least 3× the planned sales on hand)',
      },
    ]);
    expect((await snapshotOf(launch.id)).launch).toEqual(stored);
  });

  it('re-evaluates the alerts: a wider tolerance clears them in place, a narrower one raises them again', async () => {
    const launch = await create();
    await shortfall(launch.id);
    const before = await snapshotOf(launch.id);
    expect(t15(before, 'uv')).toMatchObject({ status: 'open', severity: 'warning' });

    expect((await put(launch.id, inputOf(launch, { tolerance: 0.5 }))).statusCode).toBe(200);
    const wide = await snapshotOf(launch.id);
    expect(wide.alerts).toHaveLength(before.alerts.length);
    for (const metric of ['uv', 'units', 'gmv']) {
      expect(t15(wide, metric)).toMatchObject({ status: 'cleared', raisedAt: t15(before, metric)!.raisedAt });
    }
    expect(wide.checkpoints.find((c) => c.checkpoint === 15)?.metrics.every((m) => m.breach === null)).toBe(
      true,
    );

    expect((await put(launch.id, inputOf(launch, { tolerance: 0.1 }))).statusCode).toBe(200);
    const narrow = await snapshotOf(launch.id);
    expect(narrow.alerts).toHaveLength(before.alerts.length);
    expect(t15(narrow, 'uv')).toMatchObject({ status: 'open', severity: 'critical' });
  });

  it('a template forecast from new targets replaces the curve', async () => {
    const launch = await create();
    const res = await put(
      launch.id,
      inputOf(launch, { forecast: { template: { uv: 60_000, units: 6_000, gmv: 600_000 } } }),
    );
    expect(res.statusCode, res.body).toBe(200);
    const updated = res.json<Launch>();
    expect(updated.targets).toEqual({ uv: 60_000, units: 6_000, gmv: 600_000 });
    expect(updated.forecast).toHaveLength(60);
    expect(updated.forecast.reduce((s, p) => s + p.uv, 0)).toBeCloseTo(60_000, 0);
  });

  it('records launch.update in the audit trail', async () => {
    const launch = await create();
    await put(launch.id, inputOf(launch, { tolerance: 0.25 }));
    const res = await app.inject({ method: 'GET', url: '/api/audit?action=launch.update' });
    const entries = res.json<AuditEntry[]>();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'admin', action: 'launch.update', target: launch.id });
  });

  it('400 for input the create form would refuse, field by field; nothing changes', async () => {
    const launch = await create();
    const bad = [
      inputOf(launch, { tolerance: -1 }),
      inputOf(launch, { name: '  ' }),
      inputOf(launch, { checkpoints: [15, 90] }),
      inputOf(launch, { forecast: undefined }),
      inputOf(launch, { id: 'other' }),
    ];
    for (const payload of bad) {
      const res = await put(launch.id, payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      const body = res.json<{ error: { code: string; details: { issues: { path: string[] }[] } } }>();
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.details.issues.length).toBeGreaterThan(0);
    }
    const bodyNotJson = await app.inject({
      method: 'PUT',
      url: `/api/launches/${launch.id}`,
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bodyNotJson.statusCode).toBe(400);
    expect((await snapshotOf(launch.id)).launch).toEqual(launch);
  });

  it('409 when readings rule the change out (moving 开团, cutting minutes), naming the field', async () => {
    const launch = await create();
    await shortfall(launch.id);
    const moved = await put(
      launch.id,
      inputOf(launch, { startAt: new Date(Date.parse(launch.startAt) + 5 * 60_000).toISOString() }),
    );
    expect(moved.statusCode).toBe(409);
    expect(moved.json()).toMatchObject({
      error: { code: 'conflict', details: { issues: [{ path: ['startAt'] }] } },
    });
    expect(moved.json<{ error: { message: string } }>().error.message).toMatch(/开团 time cannot move/);
    const cut = await put(
      launch.id,
      inputOf(launch, {
        durationMinutes: 10,
        checkpoints: [5],
        forecast: { template: { uv: 1, units: 1, gmv: 1 } },
      }),
    );
    expect(cut.statusCode).toBe(409);
    expect(cut.json()).toMatchObject({ error: { details: { issues: [{ path: ['durationMinutes'] }] } } });
    expect((await snapshotOf(launch.id)).launch).toEqual(launch);
  });

  it('404 for an unknown launch', async () => {
    const launch = await create();
    const res = await put('no-such-launch', inputOf(launch));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('403 for a supervisor, 401 without a session; nothing changes', async () => {
    const launch = await create();
    const cookie = await userCookie(app, { username: 'lina', role: 'supervisor' });
    const res = await put(launch.id, inputOf(launch, { tolerance: 0.9 }), { cookie });
    expect(res.statusCode).toBe(403);
    expect((await put(launch.id, inputOf(launch, { tolerance: 0.9 }), { cookie: '' })).statusCode).toBe(401);
    expect((await snapshotOf(launch.id)).launch.tolerance).toBe(launch.tolerance);
  });
});

describe('screens see the edit live', () => {
  async function screen(launchId: string, batch: boolean) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('not listening');
    const socket: ClientSocket = io(`http://127.0.0.1:${addr.port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: app.adminCookie },
    });
    sockets.push(socket);
    const launches: LaunchPush[] = [];
    const alerts: AlertPush[] = [];
    const events: EventsPush[] = [];
    socket.on('launch', (p) => launches.push(p));
    socket.on('alert', (p) => alerts.push(p));
    socket.on('events', (p) => events.push(p));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const ack = await socket
      .timeout(5000)
      .emitWithAck('subscribe', { launchId, ...(batch ? { batch: true } : {}) });
    expect(ack.ok).toBe(true);
    return { launches, alerts, events };
  }

  it('named pushes: the new launch, then the alerts updated in place', async () => {
    const launch = await create();
    await shortfall(launch.id);
    const s = await screen(launch.id, false);
    expect((await put(launch.id, inputOf(launch, { tolerance: 0.5 }))).statusCode).toBe(200);
    await waitFor(() => s.alerts.length >= 3, { what: 'three alert pushes' });
    expect(s.launches).toHaveLength(1);
    expect(s.launches[0]!.launch.tolerance).toBe(0.5);
    expect(s.alerts.every((p) => p.change === 'updated' && p.alert.status === 'cleared')).toBe(true);
    expect(s.launches[0]!.offset).toBeLessThan(s.alerts[0]!.offset);
  });

  it('a batch subscription gets the edit as one events push, launch.updated first', async () => {
    const launch = await create();
    await shortfall(launch.id);
    const s = await screen(launch.id, true);
    expect((await put(launch.id, inputOf(launch, { tolerance: 0.5 }))).statusCode).toBe(200);
    await waitFor(() => s.events.length > 0, { what: 'the events push' });
    const types = s.events[0]!.events.map((e) => e.type);
    expect(types[0]).toBe('launch.updated');
    expect(types.filter((t) => t === 'alert.updated')).toHaveLength(3);
  });
});
