/**
 * The authorization matrix: every HTTP route the app registers (collected as it registers them, so a
 * new route cannot be forgotten) and every client → server socket event (read off a connected
 * socket's listeners), with each principal — no credentials, viewer, supervisor, admin, a screen
 * token, an ingest token, a revoked token — answered exactly as the policy's truth table says
 * (server/src/accounts/policy.ts): refused is 401 (nobody) or 403 (somebody not allowed); allowed is
 * anything else, with requests valid enough to reach the handler. Then the edges around it: CSRF
 * Origin checks, socket handshakes, revoked tokens and ended sessions on live sockets, who an
 * acknowledgement names, the login rate limit, hashed passwords and security headers.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type Socket, io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Alert, Launch, LaunchSnapshot } from '@warroom/shared';
import { type Access, allowed } from '../../server/src/accounts/policy';
import {
  ADMIN_PASSWORD,
  makeApp,
  login,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  userCookie,
} from '../helpers/server';

/** Every route buildApp registers, seen by an onRoute hook added the moment the instance exists. */
const registered = vi.hoisted(() => ({
  routes: [] as { method: string; url: string; access: string | undefined }[],
}));
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<{ default: unknown }>();
  const original = mod.default as (opts?: unknown) => FastifyInstance;
  const factory = (opts?: unknown) => {
    const instance = original(opts);
    instance.addHook('onRoute', (route) => {
      for (const method of [route.method].flat())
        registered.routes.push({
          method: String(method),
          url: route.url,
          // Read when asked: a plugin's own onRoute hook, which runs after this one, may set it
          // (the OpenAPI plugin opens the docs page's routes).
          get access() {
            return (route.config as { access?: string } | undefined)?.access;
          },
        });
    });
    return instance;
  };
  return { ...mod, default: Object.assign(factory, mod.default as object) };
});

type App = FastifyInstance & { adminCookie: string };
type PrincipalName = 'none' | 'viewer' | 'supervisor' | 'admin' | 'screen' | 'ingest' | 'metrics' | 'revoked';
const PRINCIPALS: PrincipalName[] = [
  'none',
  'viewer',
  'supervisor',
  'admin',
  'screen',
  'ingest',
  'metrics',
  'revoked',
];

/** The policy's principal for each name (what `allowed` is asked about). */
const POLICY_PRINCIPAL = {
  none: null,
  viewer: { kind: 'user', username: 'v', displayName: 'v', role: 'viewer' },
  supervisor: { kind: 'user', username: 's', displayName: 's', role: 'supervisor' },
  admin: { kind: 'user', username: 'a', displayName: 'a', role: 'admin' },
  screen: { kind: 'token', tokenId: 't1', name: 'screen', scope: 'screen' },
  ingest: { kind: 'token', tokenId: 't2', name: 'ingest', scope: 'ingest' },
  metrics: { kind: 'token', tokenId: 't3', name: 'metrics', scope: 'metrics' },
} as const;

let app: App;
let dataDir: string;
let url: string;
const headers = {} as Record<PrincipalName, Record<string, string>>;
const secrets = { screen: '', ingest: '', metrics: '', revoked: '' };
const passwords = { viewer: 'viewer-password-1', supervisor: 'supervisor-password-1' };
let launch: Launch;
let alertId: string;
let taskId: string;
const simulations: string[] = [];
const sockets: Socket[] = [];

async function adminPost(path: string, payload: unknown): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: path, payload: payload as Record<string, unknown> });
}

/** A notification channel whose robot is nowhere (its test answers a network error at once). */
const CHANNEL = { name: 'matrix', kind: 'webhook', url: 'http://127.0.0.1:9/hook' };
async function makeChannel(): Promise<string> {
  const res = await adminPost('/api/channels', CHANNEL);
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

async function makeToken(scope: 'screen' | 'ingest' | 'metrics', name = `${scope} token`) {
  const res = await adminPost('/api/tokens', { name, scope });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string; token: string }>();
}

beforeAll(async () => {
  dataDir = await tempDir('warroom-authz-');
  app = (await makeApp({ dataDir })) as App;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening');
  url = `http://127.0.0.1:${addr.port}`;

  const viewer = await userCookie(app, { username: 'viewer1', role: 'viewer', password: passwords.viewer });
  const supervisor = await userCookie(app, {
    username: 'super1',
    displayName: '王芳',
    role: 'supervisor',
    password: passwords.supervisor,
  });
  // Their own accounts for the login route's row of the matrix and for the rate-limit test, so
  // neither runs into the per-username limit of the other.
  for (const username of ['matrixlogin', 'target1'])
    expect(
      (
        await adminPost('/api/users', {
          username,
          password: `${username.replace('1', '')}-password-1`,
          role: 'viewer',
        })
      ).statusCode,
    ).toBe(201);
  const screen = await makeToken('screen');
  const ingest = await makeToken('ingest');
  const metrics = await makeToken('metrics');
  const revoked = await makeToken('screen', 'soon revoked');
  expect((await app.inject({ method: 'DELETE', url: `/api/tokens/${revoked.id}` })).statusCode).toBe(200);
  Object.assign(secrets, {
    screen: screen.token,
    ingest: ingest.token,
    metrics: metrics.token,
    revoked: revoked.token,
  });
  Object.assign(headers, {
    none: { cookie: '' },
    viewer: { cookie: viewer },
    supervisor: { cookie: supervisor },
    admin: { cookie: app.adminCookie },
    screen: { authorization: `Bearer ${screen.token}` },
    ingest: { authorization: `Bearer ${ingest.token}` },
    metrics: { authorization: `Bearer ${metrics.token}` },
    revoked: { authorization: `Bearer ${revoked.token}` },
  });

  // A launch with a breach at checkpoint 15 (traffic at half the plan), so there is an alert.
  const created = await adminPost('/api/launches', pastLaunchInput());
  expect(created.statusCode).toBe(201);
  launch = created.json<Launch>();
  const fed = await adminPost(`/api/launches/${launch.id}/readings`, readings(0, 15, 0.5));
  expect(fed.statusCode).toBe(200);
  alertId = `${launch.id}-t15-uv`;
  const snap = (
    await app.inject({ method: 'GET', url: `/api/launches/${launch.id}` })
  ).json<LaunchSnapshot>();
  expect(snap.alerts.map((a) => a.id)).toContain(alertId);
  const sheet = snap.launch.runSheet ?? [];
  expect(sheet.length).toBeGreaterThan(0);
  taskId = sheet[0]!.id;
});

afterAll(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  for (const id of simulations) await app.inject({ method: 'DELETE', url: `/api/simulations/${id}` });
  await app?.close();
  await removeTempDirs();
});

// ---------------------------------------------------------------------------------------------
// A valid-looking request for every route. A route missing here fails the matrix: add it.

type Built = Omit<InjectOptions, 'method'> & { url: string };
type Builder = (who: PrincipalName) => Built | Promise<Built>;

const json = (payload: unknown) => ({ payload: payload as Record<string, unknown> });
const csv = (text: string) => ({ payload: text, headers: { 'content-type': 'text/csv' } });

async function freshReplay(): Promise<string> {
  const res = await adminPost('/api/replays', { launchId: launch.id, speed: 1, paused: true });
  expect(res.statusCode).toBe(201);
  return res.json<{ replayId: string }>().replayId;
}

const replayControl =
  (name: string, body: unknown = {}): Builder =>
  async () => ({ url: `/api/replays/${await freshReplay()}/${name}`, ...json(body) });

/** A launch of its own (a launch belongs to one group at most). */
async function freshLaunchId(): Promise<string> {
  const res = await adminPost('/api/launches', pastLaunchInput());
  expect(res.statusCode).toBe(201);
  return res.json<Launch>().id;
}

async function freshGroup(): Promise<string> {
  const res = await adminPost('/api/groups', { name: '场次组', launchIds: [await freshLaunchId()] });
  expect(res.statusCode).toBe(201);
  return res.json<{ group: { id: string } }>().group.id;
}

/** One group for the routes that only read it (made once, on first use). */
let readGroup: Promise<string> | null = null;
const sharedGroup = () => (readGroup ??= freshGroup());

let userSeq = 0;
const ROUTES: Record<string, Builder> = {
  'POST /api/groups': async () => ({
    url: '/api/groups',
    ...json({ name: '场次组', launchIds: [await freshLaunchId()] }),
  }),
  'GET /api/groups': () => ({ url: '/api/groups' }),
  'GET /api/groups/:id': async () => ({ url: `/api/groups/${await sharedGroup()}` }),
  'PUT /api/groups/:id': async () => ({
    url: `/api/groups/${await freshGroup()}`,
    ...json({ name: '改名', launchIds: [await freshLaunchId()] }),
  }),
  'DELETE /api/groups/:id': async () => ({ url: `/api/groups/${await freshGroup()}` }),
  'GET /api/groups/:id/run-sheet': async () => ({ url: `/api/groups/${await sharedGroup()}/run-sheet` }),
  'GET /api/groups/:id/review': async () => ({ url: `/api/groups/${await sharedGroup()}/review` }),
  'GET /healthz': () => ({ url: '/healthz' }),
  'GET /metrics': () => ({ url: '/metrics' }),
  'GET /api/openapi.json': () => ({ url: '/api/openapi.json' }),
  'GET /api/docs': () => ({ url: '/api/docs' }),
  'GET /api/docs/': () => ({ url: '/api/docs/' }),
  'GET /api/docs/static/index.html': () => ({ url: '/api/docs/static/index.html' }),
  'GET /api/docs/static/swagger-initializer.js': () => ({ url: '/api/docs/static/swagger-initializer.js' }),
  'GET /api/docs/json': () => ({ url: '/api/docs/json' }),
  'GET /api/docs/yaml': () => ({ url: '/api/docs/yaml' }),
  'GET /api/docs/static/*': () => ({ url: '/api/docs/static/swagger-ui.css' }),
  'POST /api/session': () => ({
    url: '/api/session',
    ...json({ username: 'matrixlogin', password: 'matrixlogin-password-1' }),
  }),
  'GET /api/session': () => ({ url: '/api/session' }),
  'DELETE /api/session': () => ({ url: '/api/session' }),
  'GET /api/users': () => ({ url: '/api/users' }),
  'POST /api/users': () => ({
    url: '/api/users',
    ...json({ username: `matrix${++userSeq}`, password: 'a-long-password', role: 'viewer' }),
  }),
  'GET /api/tokens': () => ({ url: '/api/tokens' }),
  'POST /api/tokens': () => ({ url: '/api/tokens', ...json({ name: 'matrix', scope: 'screen' }) }),
  'DELETE /api/tokens/:id': async () => ({
    url: `/api/tokens/${(await makeToken('screen', 'to revoke')).id}`,
  }),
  'GET /api/audit': () => ({ url: '/api/audit?limit=5' }),
  'GET /api/channels': () => ({ url: '/api/channels' }),
  'POST /api/channels': () => ({ url: '/api/channels', ...json(CHANNEL) }),
  'GET /api/channels/:id': async () => ({ url: `/api/channels/${await makeChannel()}` }),
  'PUT /api/channels/:id': async () => ({ url: `/api/channels/${await makeChannel()}`, ...json(CHANNEL) }),
  'DELETE /api/channels/:id': async () => ({ url: `/api/channels/${await makeChannel()}` }),
  'GET /api/channels/:id/deliveries': async () => ({
    url: `/api/channels/${await makeChannel()}/deliveries`,
  }),
  'POST /api/channels/:id/test': async () => ({
    url: `/api/channels/${await makeChannel()}/test`,
    ...json({}),
  }),
  'GET /api/alerts': () => ({ url: '/api/alerts?status=all' }),
  'POST /api/alerts/:id/ack': () => ({ url: `/api/alerts/${alertId}/ack`, ...json({ action: '加投' }) }),
  'GET /api/incidents': () => ({ url: '/api/incidents?status=all' }),
  'POST /api/incidents/:id/ack': () => ({
    url: `/api/incidents/${launch.id}-i-traffic-under/ack`,
    ...json({ action: '加投' }),
  }),
  'GET /api/launches': () => ({ url: '/api/launches' }),
  'POST /api/launches': () => ({ url: '/api/launches', ...json(pastLaunchInput()) }),
  'GET /api/launches/:id': () => ({ url: `/api/launches/${launch.id}` }),
  'GET /api/launches/:id/forecast': () => ({ url: `/api/launches/${launch.id}/forecast?from=-5&to=30` }),
  // The same settings again (only the name changes): allowed for admins, refused for everyone else.
  'PUT /api/launches/:id': () => ({
    url: `/api/launches/${launch.id}`,
    ...json({ ...pastLaunchInput(), startAt: launch.startAt, name: `${launch.name} ·` }),
  }),
  'GET /api/launches/:id/events': () => ({ url: `/api/launches/${launch.id}/events?after=0` }),
  'POST /api/forecast/preview': () => ({
    url: '/api/forecast/preview',
    ...json({ startAt: launch.startAt, targets: { uv: 30000, units: 2000, gmv: 198000 } }),
  }),
  'POST /api/launches/:id/readings': () => ({
    url: `/api/launches/${launch.id}/readings`,
    ...json({ minute: 18, uv: 100, units: 10, gmv: 1000 }),
  }),
  'POST /api/launches/:id/imports': () => ({
    url: `/api/launches/${launch.id}/imports?dryRun=true`,
    ...csv('分钟,访客数,支付件数,支付金额\n0,50,5,500\n1,50,5,500\n'),
  }),
  'GET /api/launches/:id/export': () => ({ url: `/api/launches/${launch.id}/export?what=readings` }),
  'POST /api/forecast/import': () => ({
    url: '/api/forecast/import',
    ...csv('分钟,访客数,支付件数,支付金额\n0,500,20,2000\n1,300,12,1200\n'),
  }),
  'POST /api/forecast/from-launch': () => ({
    url: '/api/forecast/from-launch',
    ...json({ launchId: launch.id, targets: { uv: 30000, units: 2000, gmv: 198000 } }),
  }),
  'POST /api/simulations': () => ({
    url: '/api/simulations',
    ...json({ scenario: 'on-plan', speed: 1, seed: 1, launch: { durationMinutes: 60 } }),
  }),
  'GET /api/simulations': () => ({ url: '/api/simulations' }),
  'DELETE /api/simulations/:id': () => ({ url: '/api/simulations/no-such-simulation' }),
  'POST /api/replays': () => ({
    url: '/api/replays',
    ...json({ launchId: launch.id, speed: 1, paused: true }),
  }),
  'GET /api/replays': () => ({ url: '/api/replays' }),
  'GET /api/replays/:id': async () => ({ url: `/api/replays/${await freshReplay()}` }),
  'POST /api/replays/:id/pause': replayControl('pause'),
  'POST /api/replays/:id/resume': replayControl('resume'),
  'POST /api/replays/:id/step': replayControl('step'),
  'POST /api/replays/:id/end': replayControl('end'),
  'POST /api/replays/:id/seek': replayControl('seek', { minute: 10 }),
  'POST /api/replays/:id/speed': replayControl('speed', { speed: 2 }),
  'POST /api/replays/:id/alerts/:alertId/ack': async () => ({
    url: `/api/replays/${await freshReplay()}/alerts/${alertId}/ack`,
    ...json({ by: 'trainee' }),
  }),
  'GET /api/replays/:id/score': async () => ({ url: `/api/replays/${await freshReplay()}/score` }),
  'DELETE /api/replays/:id': async () => ({ url: `/api/replays/${await freshReplay()}` }),
  'GET /api/launches/:id/review': () => ({ url: `/api/launches/${launch.id}/review` }),
  'POST /api/launches/:id/what-if': () => ({
    url: `/api/launches/${launch.id}/what-if`,
    ...json({ tolerance: 0.3 }),
  }),
  'PUT /api/launches/:id/run-sheet': () => ({
    url: `/api/launches/${launch.id}/run-sheet`,
    // The same tasks again, so the task ids the tick-off route uses stay valid.
    ...json({
      tasks: (launch.runSheet ?? []).map((t) => ({
        id: t.id,
        title: t.title,
        owner: t.owner,
        ...(t.offsetMinutes !== null ? { offsetMinutes: t.offsetMinutes } : { clockTime: t.clockTime }),
      })),
    }),
  }),
  'POST /api/launches/:id/run-sheet/:taskId/done': () => ({
    url: `/api/launches/${launch.id}/run-sheet/${taskId}/done`,
    ...json({}),
  }),
};

/** Static files and the screens' SPA routes: no access level, open to all (no /api data). */
const STATIC_URL = (pattern: string) => pattern.replace('*', 'some/where');

/**
 * Answers decided by the handler, not the access check, for a principal the policy lets in: the
 * "who am I" route tells an anonymous caller it is not logged in.
 */
const HANDLER_REFUSALS: Record<string, Partial<Record<PrincipalName, number>>> = {
  'GET /api/session': { none: 401 },
  'HEAD /api/session': { none: 401 },
  // A replay belongs to the trainer who started it (here the admin) and admins: others watch.
  ...Object.fromEntries(
    ['pause', 'resume', 'step', 'end', 'seek', 'speed', 'alerts/:alertId/ack'].map((c) => [
      `POST /api/replays/:id/${c}`,
      { viewer: 403, supervisor: 403 },
    ]),
  ),
  'DELETE /api/replays/:id': { viewer: 403, supervisor: 403 },
};

function expected(access: Access, who: PrincipalName): 'allowed' | 401 | 403 {
  if (who === 'revoked') return 401; // a bad bearer token is refused wherever it is sent
  const p = POLICY_PRINCIPAL[who];
  if (allowed(p as Parameters<typeof allowed>[0], access)) return 'allowed';
  return p ? 403 : 401;
}

async function send(method: string, pattern: string, who: PrincipalName): Promise<LightMyRequestResponse> {
  const key = `${method === 'HEAD' ? 'GET' : method} ${pattern}`;
  const builder = ROUTES[key];
  const built: Built = builder ? await builder(who) : { url: STATIC_URL(pattern) };
  let auth = headers[who];
  // Logging out ends the session it is sent with: use a session of the same person made for it.
  if (key === 'DELETE /api/session' && (who === 'viewer' || who === 'supervisor' || who === 'admin'))
    auth = {
      cookie: await login(
        app,
        who === 'admin' ? 'admin' : who === 'viewer' ? 'viewer1' : 'super1',
        who === 'admin' ? ADMIN_PASSWORD : passwords[who],
      ),
    };
  return app.inject({
    method: method as InjectOptions['method'],
    ...built,
    headers: { ...(built.headers as Record<string, string> | undefined), ...auth },
  });
}

describe('every HTTP route × every principal', () => {
  it('was collected from the app, and every /api route declares its access level', () => {
    const api = registered.routes.filter((r) => r.url.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(30);
    expect(api.filter((r) => !r.access).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    for (const r of registered.routes) {
      if (!r.url.startsWith('/api/') && r.url !== '/healthz' && r.url !== '/metrics') {
        // Not the API: the client's static files and screens (served to anyone, no data in them).
        expect(r.method === 'GET' || r.method === 'HEAD', `${r.method} ${r.url}`).toBe(true);
      }
    }
    const missing = registered.routes
      .filter((r) => r.url.startsWith('/api/') || r.url === '/healthz' || r.url === '/metrics')
      .map((r) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`)
      .filter((k) => !(k in ROUTES));
    expect(missing, 'routes with no request in this matrix: add one to ROUTES').toEqual([]);
  });

  it('answers 401/403 exactly where the truth table refuses, and lets the rest through', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of registered.routes) {
      const access = (route.access ?? 'public') as Access;
      for (const who of PRINCIPALS) {
        const res = await send(route.method, route.url, who);
        checked++;
        const want = HANDLER_REFUSALS[`${route.method} ${route.url}`]?.[who] ?? expected(access, who);
        const got = res.statusCode;
        const ok = want === 'allowed' ? got !== 401 && got !== 403 && got < 500 : got === want;
        if (!ok)
          mismatches.push(
            `${route.method} ${route.url} as ${who} (${access}): want ${want}, got ${got} ${res.body.slice(0, 160)}`,
          );
        if (want !== 'allowed' && route.method !== 'HEAD') {
          expect(res.json()).toMatchObject({
            error: { code: want === 401 ? 'unauthorized' : 'forbidden', message: expect.any(String) },
          });
        }
        if (route.url === '/api/simulations' && route.method === 'POST' && res.statusCode === 201)
          simulations.push(res.json<{ simulationId: string }>().simulationId);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(registered.routes.length * PRINCIPALS.length);
  });
});

// ---------------------------------------------------------------------------------------------
// Sockets.

type Ack = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

function connect(who: PrincipalName | { cookie?: string; token?: string }): Promise<Socket> {
  const opts =
    typeof who === 'object'
      ? who
      : who === 'screen' || who === 'ingest' || who === 'metrics' || who === 'revoked'
        ? { token: secrets[who] }
        : { cookie: headers[who].cookie };
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(opts.cookie ? { extraHeaders: { cookie: opts.cookie } } : {}),
    ...(opts.token ? { auth: { token: opts.token } } : {}),
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => reject(e));
  });
}

async function refused(who: Parameters<typeof connect>[0]): Promise<{ message: string; data?: unknown }> {
  try {
    const s = await connect(who);
    s.disconnect();
  } catch (e) {
    return e as { message: string; data?: unknown };
  }
  throw new Error('the handshake was accepted');
}

/** Names socket.io reserves for itself: a client cannot send these. */
const SOCKET_IO_RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
]);

const emit = (socket: Socket, event: string, payload: unknown) =>
  socket.timeout(5000).emitWithAck(event, payload) as Promise<Ack>;

/** A valid payload for every client → server event (and the access each needs). */
const EVENTS: Record<string, { access: Access; payload: () => Promise<unknown> | unknown }[]> = {
  subscribe: [
    { access: 'read', payload: () => ({ launchId: launch.id }) },
    { access: 'read', payload: async () => ({ replayId: await freshReplay() }) },
  ],
  // Leaving a room needs nothing: a socket only ever got into one through `subscribe`.
  unsubscribe: [
    { access: 'public', payload: () => ({ launchId: launch.id }) },
    { access: 'public', payload: async () => ({ replayId: await freshReplay() }) },
  ],
  'inbox:subscribe': [{ access: 'read', payload: () => ({}) }],
  'group:subscribe': [{ access: 'read', payload: async () => ({ groupId: await freshGroup() }) }],
  'group:unsubscribe': [{ access: 'public', payload: () => ({ groupId: 'any' }) }],
  'alert:ack': [
    { access: 'supervisor', payload: () => ({ alertId, action: '加投' }) },
    // The admin's replay (not a drill naming anyone): only its trainer, the admin, acknowledges in it.
    { access: 'admin', payload: async () => ({ replayId: await freshReplay(), alertId, by: 'trainee' }) },
  ],
  'incident:ack': [
    { access: 'supervisor', payload: () => ({ incidentId: `${launch.id}-i-traffic-under`, action: '加投' }) },
  ],
};

describe('every socket event × every principal', () => {
  it('refuses the handshake without credentials, with an ingest or metrics token, and with a revoked token', async () => {
    expect(await refused({})).toMatchObject({ message: 'unauthorized', data: { code: 'unauthorized' } });
    expect(await refused('none')).toMatchObject({ message: 'unauthorized' });
    expect(await refused('ingest')).toMatchObject({ message: 'forbidden', data: { code: 'forbidden' } });
    expect(await refused('metrics')).toMatchObject({ message: 'forbidden', data: { code: 'forbidden' } });
    expect(await refused('revoked')).toMatchObject({ message: 'unauthorized' });
    expect(await refused({ token: 'not-a-token' })).toMatchObject({ message: 'unauthorized' });
    expect(await refused({ cookie: 'wr_session=forged-session-secret' })).toMatchObject({
      message: 'unauthorized',
    });
  });

  it('answers every event per the truth table for each principal that may connect', async () => {
    const mismatches: string[] = [];
    for (const who of ['viewer', 'supervisor', 'admin', 'screen'] as const) {
      const socket = await connect(who);
      // The server's own list of what this socket listens for: an unlisted event fails here.
      const serverSocket = app.io.of('/').sockets.get(socket.id!);
      const names = (serverSocket?.eventNames() ?? [])
        .map(String)
        .filter((n) => !SOCKET_IO_RESERVED.has(n))
        .sort();
      expect(names).toEqual(Object.keys(EVENTS).sort());
      for (const [event, cases] of Object.entries(EVENTS)) {
        for (const c of cases) {
          const answer = await emit(socket, event, await c.payload());
          const want = allowed(POLICY_PRINCIPAL[who] as Parameters<typeof allowed>[0], c.access);
          const ok = want
            ? answer.ok || (answer.error.code !== 'forbidden' && answer.error.code !== 'unauthorized')
            : !answer.ok && answer.error.code === 'forbidden';
          if (!ok)
            mismatches.push(`${event} (${c.access}) as ${who}: ${JSON.stringify(answer).slice(0, 200)}`);
        }
      }
      socket.disconnect();
    }
    expect(mismatches).toEqual([]);
  });

  it("disconnects a revoked token's socket, and the token cannot reconnect", async () => {
    const token = await makeToken('screen', 'wall TV');
    const socket = await connect({ token: token.token });
    const gone = new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)));
    expect((await app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}` })).statusCode).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect(await refused({ token: token.token })).toMatchObject({ message: 'unauthorized' });
    // And over HTTP.
    const res = await app.inject({
      method: 'GET',
      url: '/api/launches',
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(res.statusCode).toBe(401);
  });

  it('disconnects a session that logs out, and its cookie cannot reconnect', async () => {
    const cookie = await login(app, 'viewer1', passwords.viewer);
    const socket = await connect({ cookie });
    const other = await connect('viewer'); // the same person's other session stays
    const gone = new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)));
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect(await refused({ cookie })).toMatchObject({ message: 'unauthorized' });
    expect((await app.inject({ method: 'GET', url: '/api/launches', headers: { cookie } })).statusCode).toBe(
      401,
    );
    expect(other.connected).toBe(true);
    expect((await emit(other, 'subscribe', { launchId: launch.id })).ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The edges around the matrix.

describe('CSRF: cookie-authenticated state changes', () => {
  const host = 'warroom.example:3000';
  const post = (extra: Record<string, string>, auth: Record<string, string> = headers.admin) =>
    app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { host, ...auth, ...extra },
      payload: { name: 'csrf probe', scope: 'screen' },
    });

  it('are refused with 403 when the Origin names another site', async () => {
    for (const origin of ['https://evil.example', 'http://warroom.example:3001', 'null', 'not a url']) {
      const res = await post({ origin });
      expect(res.statusCode, origin).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect((await post({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
  });

  it('pass with our own Origin, with none (non-browser clients), and with a bearer token from anywhere', async () => {
    expect((await post({ origin: `http://${host}` })).statusCode).toBe(201);
    expect((await post({ 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
    expect((await post({})).statusCode).toBe(201);
    // A bearer token is not sent by a browser on its own: no CSRF to fear.
    const res = await app.inject({
      method: 'POST',
      url: `/api/launches/${launch.id}/readings`,
      headers: { host, origin: 'https://evil.example', ...headers.ingest },
      payload: { minute: 17, uv: 100, units: 10, gmv: 1000 },
    });
    expect(res.statusCode).toBe(200);
  });

  it('reads (GET) are not state changes: a foreign Origin may still read with the cookie', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/launches',
      headers: { host, origin: 'https://evil.example', ...headers.viewer },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('acknowledgements name the logged-in person', () => {
  async function freshAlert(): Promise<string> {
    const created = await adminPost('/api/launches', pastLaunchInput());
    const l = created.json<Launch>();
    expect((await adminPost(`/api/launches/${l.id}/readings`, readings(0, 15, 0.5))).statusCode).toBe(200);
    return `${l.id}-t15-uv`;
  }

  it('over HTTP: the displayName, not a typed `by`', async () => {
    const id = await freshAlert();
    const res = await app.inject({
      method: 'POST',
      url: `/api/alerts/${id}/ack`,
      headers: headers.supervisor,
      payload: { by: '冒名顶替', action: '直通车加价', note: 'n' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<Alert>()).toMatchObject({
      status: 'acknowledged',
      ackedBy: '王芳',
      action: '直通车加价',
    });
  });

  it('over the socket: the displayName, not a typed `by`', async () => {
    const id = await freshAlert();
    const socket = await connect('supervisor');
    const answer = await emit(socket, 'alert:ack', { alertId: id, by: '冒名顶替', action: '钻展加投' });
    expect(answer).toMatchObject({ ok: true, data: { status: 'acknowledged', ackedBy: '王芳' } });
    socket.disconnect();
  });
});

// Each test logs in from an address of its own: the matrix above has used up 127.0.0.1's attempts.
describe('login', () => {
  it('is rate limited per username and address: the 11th failed attempt is 429', async () => {
    const attempt = (username: string, password = 'wrong-password') =>
      app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: '192.0.2.11',
        headers: { cookie: '' },
        payload: { username, password },
      });
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++) statuses.push((await attempt('target1')).statusCode);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    // Now even the right password waits for the window to pass.
    const limited = await attempt('target1', 'target-password-1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    // Another account from the same address is still let try.
    expect((await attempt('super1')).statusCode).toBe(401);
    expect((await attempt('super1', passwords.supervisor)).statusCode).toBe(200);
  });

  it('answers a wrong password and an unknown user alike (401, same message)', async () => {
    const a = await app.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: '192.0.2.12',
      headers: { cookie: '' },
      payload: { username: 'admin', password: 'nope' },
    });
    const b = await app.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: '192.0.2.12',
      headers: { cookie: '' },
      payload: { username: 'nobody-here', password: 'nope' },
    });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json()).toEqual(b.json());
  });

  it('sets an HttpOnly, SameSite session cookie', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: '192.0.2.13',
      headers: { cookie: '' },
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/wr_session=/);
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
  });
});

describe('stored secrets', () => {
  it('keeps no plain password or token secret in the accounts files', async () => {
    const dir = join(dataDir, 'accounts');
    const files = await readdir(dir);
    expect(files.length).toBeGreaterThan(0);
    const text = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
    expect(text).toContain('viewer1'); // the right files
    for (const secret of [ADMIN_PASSWORD, passwords.viewer, passwords.supervisor, 'a-long-password'])
      expect(text.includes(secret), `password ${secret}`).toBe(false);
    for (const secret of Object.values(secrets)) expect(text.includes(secret), 'a token secret').toBe(false);
    // Nor does any API answer carry a hash.
    const users = await app.inject({ method: 'GET', url: '/api/users' });
    expect(users.body).not.toMatch(/hash|scrypt|argon|salt/i);
  });
});

describe('security headers', () => {
  it('are on API answers, errors and the screens', async () => {
    for (const [path, who] of [
      ['/healthz', 'none'],
      ['/api/launches', 'viewer'],
      ['/api/users', 'none'],
      ['/screen/abc', 'none'],
    ] as const) {
      const res = await app.inject({ method: 'GET', url: path, headers: headers[who] });
      const h = res.headers;
      expect(String(h['content-security-policy']), path).toContain("default-src 'self'");
      expect(String(h['content-security-policy'])).toContain("object-src 'none'");
      expect(String(h['content-security-policy'])).toContain("frame-ancestors 'self'");
      expect(String(h['content-security-policy'])).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(h['x-content-type-options']).toBe('nosniff');
      expect(h['x-frame-options']).toBe('SAMEORIGIN');
      expect(h['referrer-policy']).toBe('no-referrer');
      expect(h['cross-origin-opener-policy']).toBe('same-origin');
      expect(h['x-powered-by']).toBeUndefined();
    }
  });

  it('error answers carry no stack trace', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/launches',
      headers: { ...headers.admin, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toMatch(/ at .*\.(ts|js):\d+/);
  });
});
