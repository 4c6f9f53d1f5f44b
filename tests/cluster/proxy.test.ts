/**
 * The docker-compose.yml topology with plain processes: deploy/nginx.conf (pointed at two
 * local server processes on one Redis) in front; a browser-like Socket.IO client (long-polling
 * first, then the WebSocket upgrade, through the proxy) and a polling-only one get an alert posted
 * through the proxy; when the instance a client is on dies, it reconnects through the proxy to the
 * other and catches up from its last offset. Skipped when nginx is not installed (outside CI).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Alert, Launch, SubscribeData } from '@warroom/shared';
import {
  ADMIN_PASSWORD,
  ROOT,
  ServerProcess,
  redisEnv,
  deleteRedisKeys,
  freePort,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';

function nginxPath(): string | null {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'])
    try {
      execFileSync(p, ['-v'], { stdio: 'ignore' });
      return p;
    } catch {
      // not here
    }
  return null;
}
const NGINX = nginxPath();

const servers: ServerProcess[] = [];
const sockets: ClientSocket[] = [];
let proxy: ChildProcess | null = null;
let prefix = '';

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  proxy?.kill('SIGKILL');
  proxy = null;
  await Promise.all(servers.splice(0).map((s) => s.kill9()));
  if (prefix) await deleteRedisKeys(prefix);
});
afterAll(removeTempDirs);

async function startProxy(ports: number[]): Promise<string> {
  const dir = await tempDir('warroom-nginx-');
  const port = await freePort();
  const site = (await readFile(join(ROOT, 'deploy/nginx.conf'), 'utf8'))
    .replace('server warroom-1:3000', `server 127.0.0.1:${ports[0]}`)
    .replace('server warroom-2:3000', `server 127.0.0.1:${ports[1]}`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`);
  const conf = `daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${site}
}
`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  proxy = spawn(NGINX!, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok, { what: 'nginx' });
  return url;
}

async function post(url: string, path: string, cookie: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

const CI = process.env.CI === 'true' || process.env.CI === '1';

// Outside CI a machine without nginx skips this; CI installs it (.ci/run), so there it must run.
describe.skipIf(!NGINX && !CI)('two instances behind nginx (deploy/nginx.conf)', () => {
  it('pushes through the proxy over websocket and long-polling, and survives losing an instance', async () => {
    prefix = `wrtest:proxy-${randomBytes(4).toString('hex')}:`;
    for (let i = 0; i < 2; i++) {
      const s = new ServerProcess(await tempDir('warroom-cluster-'), await freePort(), {
        ...redisEnv(prefix),
      });
      servers.push(s);
    }
    await Promise.all(servers.map((s) => s.start()));
    const url = await startProxy(servers.map((s) => s.port));

    const login = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = /wr_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    const created = await post(url, '/api/launches', cookie, pastLaunchInput({}, 30));
    expect(created.status).toBe(201);
    const launch = created.body as Launch;

    const clients = [
      { name: 'upgrade', transports: ['polling', 'websocket'] },
      { name: 'polling', transports: ['polling'] },
    ].map(({ name, transports }) => {
      const socket = io(url, { transports, extraHeaders: { cookie }, reconnectionDelay: 200 });
      sockets.push(socket);
      const got: { offset: number; id: string }[] = [];
      let last = 0;
      socket.on('alert', (p: { alert: Alert; offset: number }) => {
        if (p.offset <= last) return; // applied once, as the client does
        last = p.offset;
        got.push({ offset: p.offset, id: p.alert.id });
      });
      socket.on('connect', () => {
        // (Re)subscribe from the last offset seen, as the screens do.
        socket.emit(
          'subscribe',
          { launchId: launch.id, after: last },
          (r: { ok: boolean; data?: SubscribeData }) => {
            if (r.ok && r.data?.kind === 'events')
              for (const e of r.data.events)
                if (e.type === 'alert.raised' && e.offset > last) {
                  last = e.offset;
                  got.push({ offset: e.offset, id: e.alert.id });
                }
          },
        );
      });
      return { name, socket, got };
    });
    await waitFor(() => clients.every((c) => c.socket.connected), { what: 'both clients to connect' });
    await new Promise((r) => setTimeout(r, 300));

    const r1 = await post(url, `/api/launches/${launch.id}/readings`, cookie, readings(0, 15, 0.6));
    expect(r1.status).toBe(200);
    for (const c of clients)
      await waitFor(() => c.got.length === 3, {
        what: `the ${c.name} client to get the 3 alerts of checkpoint 15`,
      });
    expect(clients[0]!.socket.io.engine.transport.name).toBe('websocket');
    expect(clients[1]!.socket.io.engine.transport.name).toBe('polling');

    // One instance dies: clients on it reconnect through the proxy to the other one.
    await servers[0]!.kill9();
    const r2 = await waitFor(
      async () => {
        const r = await post(url, `/api/launches/${launch.id}/readings`, cookie, readings(15, 25, 0.6));
        return r.status === 200 ? r : null;
      },
      { what: 'the proxy to route around the dead instance' },
    );
    expect(r2.status).toBe(200);
    for (const c of clients) {
      await waitFor(() => c.got.length === 6, {
        timeoutMs: 20_000,
        what: `the ${c.name} client to get the 3 alerts of checkpoint 25 after failover`,
      });
      expect(new Set(c.got.map((g) => g.id)).size).toBe(6);
    }
  }, 120_000);
});
