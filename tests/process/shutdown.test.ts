/**
 * SIGTERM to the compiled server (as `npm start` runs it) in the middle of a stream of readings
 * and acknowledgements: it exits 0 within its bound, and everything it answered 2xx is stored —
 * read back by a fresh server on the same data (the same Redis keys under WARROOM_TEST_STORE=redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Launch, LaunchSnapshot } from '@warroom/shared';
import {
  ServerProcess,
  buildServer,
  freePort,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
} from '../helpers/server';

const servers: ServerProcess[] = [];

// The compiled server from the current source, whatever was built before.
beforeAll(buildServer);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill9()));
  await removeTempDirs();
});

/** A server process; `compiled` insists on server/dist. */
async function started(dataDir: string, compiled = true): Promise<ServerProcess> {
  const s = new ServerProcess(dataDir, await freePort(), { LOG_LEVEL: 'info' }, { compiled });
  servers.push(s);
  await s.start();
  return s;
}

describe('SIGTERM', () => {
  it('during readings and acknowledgements: exits 0, and nothing answered 2xx is lost', async () => {
    const dataDir = await tempDir('warroom-shutdown-');
    const server = await started(dataDir);
    expect(server.compiled).toBe(true);

    // Launches whose first checkpoint breached (three alerts each), an ingest token, a supervisor.
    const launches: Launch[] = [];
    const alerts: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await server.request('POST', '/api/launches', pastLaunchInput({ name: `停机 ${i}` }));
      expect(res.status).toBe(201);
      const launch = res.body as Launch;
      launches.push(launch);
      expect(
        (await server.request('POST', `/api/launches/${launch.id}/readings`, readings(0, 15, 0.5))).status,
      ).toBe(200);
      alerts.push(...['uv', 'units', 'gmv'].map((m) => `${launch.id}-t15-${m}`));
    }
    const token = (await server.request('POST', '/api/tokens', { name: 'feed', scope: 'ingest' })).body as {
      token: string;
    };
    expect(
      (
        await server.request('POST', '/api/users', {
          username: 'lina',
          displayName: '李娜',
          role: 'supervisor',
          password: 'a-long-password',
        })
      ).status,
    ).toBe(201);
    const login = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'lina', password: 'a-long-password' }),
    });
    const supervisor = /wr_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];

    // Two streams, each one request at a time, until the server stops answering.
    const storedReadings: { launchId: string; minute: number; uv: number }[] = [];
    // Each acknowledged alert as answered: an alert of an incident already taken on answers with
    // that first acknowledgement (its note), which is what must be stored.
    const storedAcks: string[] = [];
    const answeredNotes = new Map<string, string | null>();
    let stopping = false;
    const readingsStream = (async () => {
      for (let seq = 1; seq < 100_000; seq++) {
        const launch = launches[seq % launches.length]!;
        const minute = 15 + (seq % 6);
        const res = await fetch(`${server.url}/api/launches/${launch.id}/readings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
          body: JSON.stringify({ minute, uv: seq, units: 10, gmv: 1000 }),
        }).catch(() => null);
        if (!res) return; // refused: the server is gone
        if (res.ok) storedReadings.push({ launchId: launch.id, minute, uv: seq });
        else if (!stopping) throw new Error(`readings answered ${res.status}: ${await res.text()}`);
        else await res.body?.cancel();
      }
    })();
    const acksStream = (async () => {
      for (const alertId of alerts) {
        const res = await fetch(`${server.url}/api/alerts/${alertId}/ack`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: supervisor },
          body: JSON.stringify({ action: '加投', note: `ack ${alertId}` }),
        }).catch(() => null);
        if (!res) return;
        if (res.ok) {
          storedAcks.push(alertId);
          answeredNotes.set(alertId, ((await res.json()) as { note: string | null }).note);
        } else if (!stopping) throw new Error(`ack answered ${res.status}: ${await res.text()}`);
        else await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    // Let both streams run, then SIGTERM in the middle of them.
    while (storedReadings.length < 100 || storedAcks.length < 4) await new Promise((r) => setTimeout(r, 20));
    stopping = true;
    const exit = await server.terminate();
    await Promise.all([readingsStream, acksStream]);
    const log = server.output.split('\n').filter((l) => !/incoming request|request completed/.test(l));
    expect(exit, log.join('\n')).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(10_000);
    expect(storedAcks.length).toBeLessThan(alerts.length); // it was stopped mid-stream

    // A fresh server on the same data has every answered reading (or a later one) and every ack.
    const fresh = await started(dataDir, false);
    for (const launch of launches) {
      const snap = (await fresh.request('GET', `/api/launches/${launch.id}`)).body as LaunchSnapshot;
      const stored = new Map(snap.readings.map((r) => [r.minute, r.uv]));
      for (const r of storedReadings.filter((x) => x.launchId === launch.id))
        expect(stored.get(r.minute), `${launch.id} minute ${r.minute}`).toBeGreaterThanOrEqual(r.uv);
      for (const a of snap.alerts.filter((x) => storedAcks.includes(x.id)))
        expect(a).toMatchObject({ status: 'acknowledged', ackedBy: '李娜', note: answeredNotes.get(a.id) });
      const ids = new Set(snap.alerts.map((a) => a.id));
      for (const id of storedAcks.filter((x) => x.startsWith(launch.id))) expect(ids).toContain(id);
    }
    expect(storedReadings.length).toBeGreaterThanOrEqual(100);
  }, 120_000);
});
