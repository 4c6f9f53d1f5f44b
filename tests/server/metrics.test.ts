/**
 * GET /metrics as Prometheus scrapes it: parsed with a Prometheus text-format parser, the counters
 * move with the traffic that should move them — readings accepted, duplicate and rejected, a
 * checkpoint evaluation, an alert raised and acknowledged, the commands and appends that stored
 * them — and the gauges show the sockets connected. Only an admin or a metrics token may read it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Socket, io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Launch } from '@warroom/shared';
import { type Scrape, parseMetrics } from '../helpers/metrics';
import {
  ROOT,
  TEST_STORE,
  makeApp,
  pastLaunchInput,
  readings,
  removeTempDirs,
  userCookie,
} from '../helpers/server';

let app: FastifyInstance & { adminCookie: string };
let url: string;
let metricsToken: string;
let screenToken: string;
const sockets: Socket[] = [];

async function token(scope: 'metrics' | 'screen' | 'ingest'): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/tokens', payload: { name: scope, scope } });
  expect(res.statusCode).toBe(201);
  return res.json<{ token: string }>().token;
}

async function scrape(): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}

beforeAll(async () => {
  app = (await makeApp({ ticking: false })) as typeof app;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening');
  url = `http://127.0.0.1:${addr.port}`;
  metricsToken = await token('metrics');
  screenToken = await token('screen');
});
afterAll(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await app.close();
  await removeTempDirs();
});

describe('GET /metrics', () => {
  it('is for an admin or a metrics token only', async () => {
    const ask = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/metrics', headers });
    expect((await ask({ cookie: '' })).statusCode).toBe(401);
    expect((await ask({ authorization: `Bearer ${screenToken}` })).statusCode).toBe(403);
    expect((await ask({ authorization: `Bearer ${await token('ingest')}` })).statusCode).toBe(403);
    expect((await ask({ cookie: app.adminCookie })).statusCode).toBe(200);
    expect((await ask({ authorization: `Bearer ${metricsToken}` })).statusCode).toBe(200);
  });

  it('has the process, event-loop and war room families, each with its help text', async () => {
    const m = await scrape();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'warroom_readings_total',
      'warroom_command_duration_seconds',
      'warroom_store_append_duration_seconds',
      'warroom_checkpoint_evaluations_total',
      'warroom_alerts_raised_total',
      'warroom_alerts_acknowledged_total',
      'warroom_alerts_escalated_total',
      'warroom_incidents_total',
      'warroom_alert_time_to_acknowledge_seconds',
      'warroom_push_fanout_seconds',
      'warroom_sockets',
      'warroom_http_request_duration_seconds',
      'warroom_launches',
      'warroom_alerts_open',
    ])
      expect(m.names, name).toContain(name);
  });

  it('has every series the Grafana dashboard graphs', async () => {
    const dashboard = await readFile(join(ROOT, 'deploy/grafana-dashboard.json'), 'utf8');
    const used = new Set(
      [...dashboard.matchAll(/\b((?:warroom|nodejs|process)_[a-z0-9_]+)/g)].map((m) =>
        m[1]!.replace(/_(bucket|count|sum)$/, ''),
      ),
    );
    expect(used.size).toBeGreaterThan(10);
    const m = await scrape();
    for (const name of used) expect(m.names, name).toContain(name);
  });

  it('moves with readings, checkpoints, alerts and acknowledgements', async () => {
    const before = await scrape();
    const post = (path: string, payload: unknown, cookie?: string) =>
      app.inject({
        method: 'POST',
        url: path,
        payload: payload as object,
        ...(cookie ? { headers: { cookie } } : {}),
      });
    const created = await post('/api/launches', pastLaunchInput());
    const launch = created.json<Launch>();
    const readingsUrl = `/api/launches/${launch.id}/readings`;

    // 15 minutes at half the plan: checkpoint 15 is evaluated and raises a traffic shortfall.
    expect((await post(readingsUrl, readings(0, 15, 0.5))).json()).toMatchObject({ accepted: 15 });
    // The same again: duplicates. Then one new minute and two bad items; then a bad single reading.
    expect((await post(readingsUrl, readings(0, 15, 0.5))).json()).toMatchObject({ duplicates: 15 });
    const mixed = await post(readingsUrl, [...readings(15, 16), { minute: 'x' }, { minute: 17, uv: -1 }]);
    expect(mixed.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await post(readingsUrl, { minute: 16, colour: 'red' })).statusCode).toBe(400);

    const supervisor = await userCookie(app, { username: 'lina', displayName: '李娜', role: 'supervisor' });
    const alertId = `${launch.id}-t15-uv`;
    expect((await post(`/api/alerts/${alertId}/ack`, { action: '加投' }, supervisor)).statusCode).toBe(200);

    const after = await scrape();
    const delta = (name: string, labels?: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    const deltaCount = (name: string, labels?: Record<string, string>) =>
      after.count(name, labels) - before.count(name, labels);

    expect(delta('warroom_readings_total', { source: 'http', outcome: 'accepted' })).toBe(16);
    expect(delta('warroom_readings_total', { source: 'http', outcome: 'duplicate' })).toBe(15);
    expect(delta('warroom_readings_total', { source: 'http', outcome: 'rejected' })).toBe(3);
    expect(delta('warroom_checkpoint_evaluations_total', { result: 'breach' })).toBe(1);
    // Visitors, units and GMV at half: three alerts of one story (traffic short); acknowledging
    // one takes the incident on, and its other alerts with it.
    expect(delta('warroom_alerts_raised_total', { kind: 'breach' })).toBe(3);
    expect(delta('warroom_alerts_acknowledged_total', { kind: 'breach' })).toBe(3);
    expect(deltaCount('warroom_alert_time_to_acknowledge_seconds', { kind: 'breach' })).toBe(3);
    // One story (traffic short), opened once and acknowledged once with the alert.
    expect(delta('warroom_incidents_total', { change: 'opened', kind: 'breach' })).toBe(1);
    expect(delta('warroom_incidents_total', { change: 'acknowledged', kind: 'breach' })).toBe(1);
    // Three readings requests stored something or nothing, one acknowledgement: each a command.
    expect(deltaCount('warroom_command_duration_seconds', { command: 'ingest', outcome: 'stored' })).toBe(3);
    expect(deltaCount('warroom_command_duration_seconds', { command: 'acknowledge' })).toBe(1);
    // The launch, two readings commits and the acknowledgement were appended (a duplicate writes nothing).
    expect(
      deltaCount('warroom_store_append_duration_seconds', { store: TEST_STORE, outcome: 'stored' }),
    ).toBe(4);
    if (TEST_STORE === 'file') expect(deltaCount('warroom_fsync_duration_seconds')).toBeGreaterThanOrEqual(4);
    expect(deltaCount('warroom_push_fanout_seconds')).toBe(4);
    expect(
      deltaCount('warroom_http_request_duration_seconds', {
        method: 'POST',
        route: '/api/launches/:id/readings',
        status: '200',
      }),
    ).toBe(3);
    expect(after.value('warroom_launches')).toBe(before.value('warroom_launches') + 1);
  });

  it('counts the sockets connected, by kind', async () => {
    const connect = (opts: { token?: string; cookie?: string }) =>
      new Promise<Socket>((resolve, reject) => {
        const s = io(url, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          ...(opts.token ? { auth: { token: opts.token } } : {}),
          ...(opts.cookie ? { extraHeaders: { cookie: opts.cookie } } : {}),
        });
        sockets.push(s);
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      });
    await connect({ token: screenToken });
    await connect({ token: screenToken });
    await connect({ cookie: app.adminCookie });
    const m = await scrape();
    expect(m.value('warroom_sockets', { kind: 'screen-token' })).toBe(2);
    expect(m.value('warroom_sockets', { kind: 'user' })).toBe(1);
  });
});
