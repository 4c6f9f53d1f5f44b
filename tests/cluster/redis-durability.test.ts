/**
 * Durability on Redis: a server process on its own `redis-server` (AOF, appendfsync always, a
 * free port, a temp dir). Redis is killed (-9) and restarted mid-launch while readings and
 * acknowledgements keep coming: nothing that was answered 2xx is lost, requests during the outage
 * fail fast with 503, and the server works again once Redis is back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Alert, Launch, LaunchEvent, LaunchSnapshot } from '@warroom/shared';
import {
  PLAN,
  ServerProcess,
  freePort,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';

class RedisServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const ping = spawn('redis-cli', ['-p', String(this.port), 'ping'], {
            stdio: ['ignore', 'pipe', 'ignore'],
          });
          let out = '';
          ping.stdout.on('data', (d: Buffer) => (out += d.toString()));
          ping.once('exit', () => resolve(out.includes('PONG')));
        }),
      { what: 'redis-server to answer PING' },
    );
  }

  async kill9(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    child.kill('SIGKILL');
    await this.exited;
  }
}

const redises: RedisServer[] = [];
const servers: ServerProcess[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill9()));
  await Promise.all(redises.splice(0).map((r) => r.kill9()));
});
afterAll(removeTempDirs);

describe('Redis restarted mid-launch', () => {
  it('keeps every reading and acknowledgement answered 2xx; requests during the outage fail fast with 503', async () => {
    const redis = new RedisServer(await tempDir('warroom-redis-'), await freePort());
    redises.push(redis);
    await redis.start();
    const server = new ServerProcess(await tempDir('warroom-proc-'), await freePort(), {
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'warroom:',
    });
    servers.push(server);
    await server.start();

    // 40 minutes in; minutes 0–14 at 60% of plan raise the checkpoint 15 alerts.
    const created = await server.request('POST', '/api/launches', pastLaunchInput({}, 40));
    expect(created.status).toBe(201);
    const launch = created.body as Launch;
    const first = await server.request('POST', `/api/launches/${launch.id}/readings`, readings(0, 15, 0.6));
    expect(first.status).toBe(200);
    expect(
      ((await server.request('GET', `/api/launches/${launch.id}`)).body as LaunchSnapshot).alerts.length,
    ).toBe(3);
    // Three acknowledgements that each must be written: one incident per launch (the three alerts of
    // one launch tell one story, and the first acknowledgement takes them all on).
    const launches = [launch];
    for (const name of ['返场', '加场']) {
      const other = (await server.request('POST', '/api/launches', pastLaunchInput({ name }, 40)))
        .body as Launch;
      expect(
        (await server.request('POST', `/api/launches/${other.id}/readings`, readings(0, 15, 0.6))).status,
      ).toBe(200);
      launches.push(other);
    }
    const alerts: Alert[] = [];
    for (const l of launches)
      alerts.push(((await server.request('GET', `/api/launches/${l.id}`)).body as LaunchSnapshot).alerts[0]!);

    // A feed pushing one minute at a time, and acknowledgements, while Redis dies and returns.
    const acked = new Map<number, number>(); // minute → uv answered 2xx
    const ackedAlerts = new Set<string>();
    const outage: { status: number; ms: number }[] = [];
    let down = false;
    let stop = false;
    const feed = (async () => {
      for (let minute = 15; minute < 38 && !stop; minute++) {
        for (;;) {
          const uv = PLAN.uv + minute;
          const t0 = Date.now();
          const wasDown = down;
          const res = await server
            .request('POST', `/api/launches/${launch.id}/readings`, { minute, uv, units: 10, gmv: 1000 })
            .catch(() => ({ status: 0, body: null }));
          if (wasDown && down) outage.push({ status: res.status, ms: Date.now() - t0 });
          if (res.status === 200) {
            acked.set(minute, uv);
            break;
          }
          expect(res.status).toBe(503);
          await new Promise((r) => setTimeout(r, 100));
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const acks = (async () => {
      for (const [i, a] of alerts.entries()) {
        // The first before the outage, the second tried during it, the third after.
        if (i === 1) await waitFor(() => down, { timeoutMs: 60_000, what: 'the outage' });
        for (;;) {
          const t0 = Date.now();
          const wasDown = down;
          const res = await server
            .request('POST', `/api/alerts/${a.id}/ack`, { action: '加投', note: 'during the outage test' })
            .catch(() => ({ status: 0, body: null }));
          if (wasDown && down) outage.push({ status: res.status, ms: Date.now() - t0 });
          if (res.status === 200) {
            ackedAlerts.add(a.id);
            break;
          }
          expect(res.status).toBe(503);
          await new Promise((r) => setTimeout(r, 150));
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    await waitFor(() => acked.size >= 4, { what: 'some readings stored before the outage' });
    await redis.kill9();
    down = true;
    await new Promise((r) => setTimeout(r, 3_000));
    await redis.start();
    down = false;
    await Promise.race([feed, new Promise((r) => setTimeout(r, 60_000))]);
    stop = true;
    await Promise.all([feed, acks]);

    // Requests during the outage were refused quickly, never left hanging.
    expect(outage.length).toBeGreaterThan(0);
    for (const o of outage) {
      expect(o.status).toBe(503);
      expect(o.ms).toBeLessThan(2_000);
    }

    // Everything answered 2xx is there, once, after Redis came back from its AOF …
    const alertsOf = async (s: ServerProcess) => {
      const all: Alert[] = [];
      for (const l of launches)
        all.push(...((await s.request('GET', `/api/launches/${l.id}`)).body as LaunchSnapshot).alerts);
      return all;
    };
    const snap = (await server.request('GET', `/api/launches/${launch.id}`)).body as LaunchSnapshot;
    for (const [minute, uv] of acked) expect(snap.readings.find((r) => r.minute === minute)?.uv).toBe(uv);
    const stored = await alertsOf(server);
    for (const id of ackedAlerts) expect(stored.find((x: Alert) => x.id === id)?.status).toBe('acknowledged');
    expect(ackedAlerts.size).toBe(3);
    // … and in what a fresh process reads from Redis.
    await server.kill9();
    const fresh = new ServerProcess(server.dataDir, await freePort(), {
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'warroom:',
    });
    servers.push(fresh);
    await fresh.start();
    const again = (await fresh.request('GET', `/api/launches/${launch.id}`)).body as LaunchSnapshot;
    for (const [minute, uv] of acked) expect(again.readings.find((r) => r.minute === minute)?.uv).toBe(uv);
    const storedAgain = await alertsOf(fresh);
    for (const id of ackedAlerts) expect(storedAgain.find((x) => x.id === id)?.status).toBe('acknowledged');
    const events = (
      (await fresh.request('GET', `/api/launches/${launch.id}/events`)).body as { events: LaunchEvent[] }
    ).events;
    expect(events.map((e) => e.offset)).toEqual(events.map((_, i) => i + 1));
    const raised = events.flatMap((e) => (e.type === 'alert.raised' ? [e.alert.id] : []));
    expect(raised.length).toBe(new Set(raised).size);
  }, 180_000);
});
