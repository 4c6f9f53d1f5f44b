/**
 * Incidents over HTTP and the socket: listed across launches, acknowledged once for all their
 * alerts (audited, pushed to every screen), and the set-up warning a planner gets for thin stock.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Socket, io } from 'socket.io-client';
import type {
  Alert,
  AuditEntry,
  ClientToServerEvents,
  Incident,
  IncidentPush,
  Launch,
  ServerToClientEvents,
} from '@warroom/shared';
import { makeApp, pastLaunchInput, readings, removeTempDirs, userCookie, waitFor } from '../helpers/server';

type AdminApp = FastifyInstance & { adminCookie: string };
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let app: AdminApp;
let url: string;
const sockets: ClientSocket[] = [];

beforeEach(async () => {
  app = (await makeApp()) as AdminApp;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await app.close();
});
afterAll(removeTempDirs);

/** A launch whose visitors, units and GMV ran 30% under plan to T+15: one traffic incident. */
async function shortLaunch(): Promise<Launch> {
  const created = await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() });
  expect(created.statusCode, created.body).toBe(201);
  const launch = created.json<Launch>();
  const res = await app.inject({
    method: 'POST',
    url: `/api/launches/${launch.id}/readings`,
    payload: readings(0, 15, 0.7),
  });
  expect(res.statusCode, res.body).toBe(200);
  return launch;
}

async function connect(cookie: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    transports: ['websocket'],
    extraHeaders: { cookie },
    reconnection: false,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

describe('incidents', () => {
  it('a traffic shortfall is one incident holding its three alerts, listed open first', async () => {
    const launch = await shortLaunch();
    const res = await app.inject({ method: 'GET', url: `/api/incidents?launchId=${launch.id}` });
    expect(res.statusCode).toBe(200);
    const incidents = res.json<Incident[]>();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      id: `${launch.id}-i-traffic-under`,
      key: 'traffic-under',
      status: 'open',
      owner: '推广主管',
      checkpoint: 15,
      alertCount: 3,
    });
    const alerts = (await app.inject({ method: 'GET', url: `/api/alerts?launchId=${launch.id}` })).json<
      Alert[]
    >();
    expect(alerts.map((a) => a.incidentId)).toEqual(Array(3).fill(`${launch.id}-i-traffic-under`));
  });

  it('one acknowledgement handles the incident and its alerts; it is audited and pushed; a second changes nothing', async () => {
    const launch = await shortLaunch();
    const lina = await userCookie(app, { username: 'lina', displayName: '李娜', role: 'supervisor' });
    const screen = await connect(app.adminCookie);
    const pushes: IncidentPush[] = [];
    screen.on('incident', (p) => pushes.push(p));
    expect(
      ((await screen.timeout(5000).emitWithAck('subscribe', { launchId: launch.id })) as { ok: boolean }).ok,
    ).toBe(true);

    const id = `${launch.id}-i-traffic-under`;
    const ack = await app.inject({
      method: 'POST',
      url: `/api/incidents/${id}/ack`,
      headers: { cookie: lina },
      payload: { action: '直通车加价', note: '已加价 30%' },
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json<Incident>()).toMatchObject({
      status: 'acknowledged',
      ackedBy: '李娜',
      action: '直通车加价',
      note: '已加价 30%',
    });
    const alerts = (await app.inject({ method: 'GET', url: `/api/alerts?launchId=${launch.id}` })).json<
      Alert[]
    >();
    expect(alerts.every((a) => a.status === 'acknowledged' && a.ackedBy === '李娜')).toBe(true);

    const push = await waitFor(() => pushes.find((p) => p.change === 'acknowledged'), {
      what: 'the incident push',
    });
    expect(push.incident).toMatchObject({ id, ackedBy: '李娜' });
    const audit = (await app.inject({ method: 'GET', url: '/api/audit?action=incident.ack' })).json<
      AuditEntry[]
    >();
    expect(audit.map((e) => `${e.actor} ${e.target}`)).toEqual([`lina ${id}`]);

    const again = await app.inject({
      method: 'POST',
      url: `/api/incidents/${id}/ack`,
      headers: { cookie: lina },
      payload: { action: '别的' },
    });
    expect(again.json<Incident>()).toMatchObject({ action: '直通车加价' });
    expect(
      (await app.inject({ method: 'GET', url: '/api/audit?action=incident.ack' })).json<AuditEntry[]>(),
    ).toHaveLength(1);
  });

  it('over the socket too, named by the logged-in person', async () => {
    const launch = await shortLaunch();
    const wang = await userCookie(app, { username: 'wang', displayName: '王强', role: 'supervisor' });
    const socket = await connect(wang);
    const answer = (await socket
      .timeout(5000)
      .emitWithAck('incident:ack', { incidentId: `${launch.id}-i-traffic-under`, action: '钻展加投' })) as {
      ok: boolean;
      data: Incident;
    };
    expect(answer).toMatchObject({
      ok: true,
      data: { status: 'acknowledged', ackedBy: '王强', action: '钻展加投' },
    });
  });

  it('refuses a viewer (403) and an unknown incident (404), in the caller’s language', async () => {
    const launch = await shortLaunch();
    const viewer = await userCookie(app, { username: 'view', role: 'viewer' });
    const forbidden = await app.inject({
      method: 'POST',
      url: `/api/incidents/${launch.id}-i-traffic-under/ack`,
      headers: { cookie: viewer },
      payload: {},
    });
    expect(forbidden.statusCode).toBe(403);
    const missing = await app.inject({
      method: 'POST',
      url: `/api/incidents/${launch.id}-i-nothing/ack`,
      payload: {},
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('the set-up warning', () => {
  it('a launch with stock under three times its planned units is saved, with a warning in the caller’s language', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/launches',
      headers: { 'accept-language': 'zh-CN' },
      payload: pastLaunchInput({ stock: 1500 }), // 600 planned: 1,800 would cover it
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<{ warnings: { code: string; message: string }[] }>().warnings).toEqual([
      { code: 'stock-cover', message: expect.stringContaining('3 倍') },
    ]);
    const covered = await app.inject({
      method: 'POST',
      url: '/api/launches',
      payload: pastLaunchInput({ stock: 1800 }),
    });
    expect(covered.json()).not.toHaveProperty('warnings');
  });
});
