/**
 * When the event log cannot be written: the caller hears 503 storage_unavailable, nothing that was
 * not stored shows in the state or reaches anyone as accepted, and once the store recovers writes
 * work again without duplicating anything.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { io } from 'socket.io-client';
import type { Alert, IngestReport, Launch, LaunchEvent, LaunchSnapshot } from '@warroom/shared';
import { type EventStore, StorageUnavailableError } from '../../server/src/store/event-store';
import {
  TEST_STORE,
  makeApp,
  makeStore,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  userCookie,
  waitFor,
} from '../helpers/server';

/** The real file store, with a switch that makes appends fail and a gate that holds them. */
class FlakyStore implements EventStore {
  failing = false;
  /** Appends waiting at the gate (decided, not yet durable). */
  waiting = 0;
  private gate: { promise: Promise<void>; open: () => void } | null = null;

  constructor(readonly inner: EventStore) {}

  get kind() {
    return this.inner.kind;
  }

  /** The store under test (TEST_STORE): the embedded one, or Redis. */
  static async create(dataDir: string): Promise<FlakyStore> {
    return new FlakyStore(await makeStore(dataDir));
  }

  hold(): void {
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    this.gate = { promise, open };
  }

  release(): void {
    const gate = this.gate;
    this.gate = null;
    gate?.open();
  }

  listLaunches() {
    return this.inner.listLaunches();
  }

  read(launchId: string) {
    return this.inner.read(launchId);
  }

  async append(launchId: string, events: readonly LaunchEvent[]): Promise<void> {
    if (this.gate) {
      this.waiting++;
      await this.gate.promise;
      this.waiting--;
    }
    if (this.failing) throw new StorageUnavailableError('could not write the event log: ENOSPC (simulated)');
    await this.inner.append(launchId, events);
  }

  close() {
    return this.inner.close();
  }
}

let app: FastifyInstance | null = null;
let store!: FlakyStore;
let dataDir: string;

async function start(): Promise<FastifyInstance> {
  dataDir = await tempDir();
  store = await FlakyStore.create(dataDir);
  app = await makeApp({ dataDir, store, ticking: false });
  return app;
}

afterEach(async () => {
  if (store) store.release();
  await app?.close();
  app = null;
});
afterAll(removeTempDirs);

function inject(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return app!.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function createLaunch(): Promise<Launch> {
  const res = await inject('POST', '/api/launches', pastLaunchInput());
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Launch>();
}

async function snapshot(id: string): Promise<LaunchSnapshot> {
  const res = await inject('GET', `/api/launches/${id}`);
  expect(res.statusCode).toBe(200);
  return res.json<LaunchSnapshot>();
}

async function events(id: string): Promise<LaunchEvent[]> {
  return (await inject('GET', `/api/launches/${id}/events`)).json<{ events: LaunchEvent[] }>().events;
}

function expectUnavailable(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.json()).toMatchObject({ error: { code: 'storage_unavailable' } });
  expect(res.json<{ error: { message: string } }>().error.message.length).toBeGreaterThan(0);
}

/** Traffic 40% under plan for minutes [0, 15): completes checkpoint 15 with a uv alert. */
const lowTraffic = () => readings(0, 15).map((r) => ({ ...r, uv: 60 }));

describe('readings while the store is failing', () => {
  it('answer 503 and leave no trace in the state; after recovery the same readings are accepted once', async () => {
    await start();
    const launch = await createLaunch();
    await inject('POST', `/api/launches/${launch.id}/readings`, readings(0, 3));
    const before = await snapshot(launch.id);

    store.failing = true;
    const one = await inject('POST', `/api/launches/${launch.id}/readings`, { minute: 3, uv: 100 });
    expectUnavailable(one);
    expect(one.headers['retry-after']).toBeDefined();
    const batch = await inject('POST', `/api/launches/${launch.id}/readings`, [
      ...readings(3, 15).map((r) => ({ ...r, uv: 60 })),
      // A changed re-send of a stored minute is not applied either.
      { minute: 0, uv: 1 },
    ]);
    expectUnavailable(batch);

    const during = await snapshot(launch.id);
    expect(during.readings).toEqual(before.readings);
    expect(during.checkpoints).toEqual([]);
    expect(during.alerts).toEqual([]);
    expect(during.offset).toBe(before.offset);
    expect((await events(launch.id)).length).toBe(before.offset);

    store.failing = false;
    const retry = await inject('POST', `/api/launches/${launch.id}/readings`, [
      ...readings(0, 3),
      ...lowTraffic().slice(3),
    ]);
    expect(retry.statusCode, retry.body).toBe(200);
    // Minutes 0–2 were stored before and are identical; 3–14 were never stored, so they are new.
    expect(retry.json<IngestReport>()).toEqual({ accepted: 12, duplicates: 3, rejected: [] });
    const { readings: stored, alerts } = await snapshot(launch.id);
    expect(stored.map((r) => r.minute)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(stored[0]!.uv).toBe(100);
    expect(alerts.map((a) => a.id)).toEqual([`${launch.id}-t15-uv`]);

    // The log is a clean, gap-free sequence, and a restart on it gives back the same state.
    const log = await events(launch.id);
    expect(log.map((e) => e.offset)).toEqual(log.map((_, i) => i + 1));
    const after = await snapshot(launch.id);
    await app!.close();
    app = await makeApp({ dataDir, ticking: false });
    const reloaded = await snapshot(launch.id);
    expect(reloaded.readings).toEqual(after.readings);
    expect(reloaded.alerts).toEqual(after.alerts);
    expect(reloaded.checkpoints).toEqual(after.checkpoints);
    expect(reloaded.offset).toBe(after.offset);
  });

  it('a batch that would complete a breaching checkpoint raises nothing until it is stored, then once', async () => {
    await start();
    const launch = await createLaunch();
    store.failing = true;
    for (let i = 0; i < 3; i++)
      expectUnavailable(await inject('POST', `/api/launches/${launch.id}/readings`, lowTraffic()));
    const during = await snapshot(launch.id);
    expect(during).toMatchObject({ readings: [], checkpoints: [], alerts: [] });
    const list = await inject('GET', '/api/alerts');
    expect(list.json()).toEqual([]);

    store.failing = false;
    const ok = await inject('POST', `/api/launches/${launch.id}/readings`, lowTraffic());
    expect(ok.json<IngestReport>()).toMatchObject({ accepted: 15 });
    const log = await events(launch.id);
    expect(log.filter((e) => e.type === 'alert.raised')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'checkpoint.evaluated')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'reading.ingested')).toHaveLength(15);
  });

  it('a re-send answered while the first copy is still being written is not confirmed if that write fails', async () => {
    await start();
    const launch = await createLaunch();
    store.hold();
    const first = inject('POST', `/api/launches/${launch.id}/readings`, { minute: 0, uv: 100 });
    await waitFor(() => store.waiting === 1, { what: 'the first write to be in flight' });
    let secondDone = false;
    const second = inject('POST', `/api/launches/${launch.id}/readings`, { minute: 0, uv: 100 }).then((r) => {
      secondDone = true;
      return r;
    });
    // Give the second request every chance to be answered while the write is still held.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(secondDone).toBe(false);
    store.failing = true;
    store.release();
    expectUnavailable(await first);
    const res = await second;
    // Either refused, or accepted for real: never a "duplicate" of a reading that was not stored.
    if (res.statusCode === 200) {
      expect((await snapshot(launch.id)).readings.map((r) => r.minute)).toEqual([0]);
    } else {
      expectUnavailable(res);
      expect((await snapshot(launch.id)).readings).toEqual([]);
    }
  });
});

describe('acknowledgements while the store is failing', () => {
  it('answer 503, the alert stays open, and after recovery the acknowledgement is recorded once', async () => {
    await start();
    const launch = await createLaunch();
    await inject('POST', `/api/launches/${launch.id}/readings`, lowTraffic());
    const alertId = `${launch.id}-t15-uv`;

    store.failing = true;
    expectUnavailable(
      await inject('POST', `/api/alerts/${alertId}/ack`, { by: '李娜', action: '直通车加价' }),
    );
    const during = (await snapshot(launch.id)).alerts[0]!;
    expect(during).toMatchObject({ id: alertId, status: 'open', ackedBy: null, ackedAt: null, action: null });
    const open = (await inject('GET', '/api/alerts?status=open')).json<Alert[]>();
    expect(open.map((a) => a.id)).toEqual([alertId]);

    store.failing = false;
    const wang = await userCookie(app as FastifyInstance & { adminCookie: string }, {
      username: 'wangqiang',
      displayName: '王强',
      role: 'supervisor',
    });
    const ok = await app!.inject({
      method: 'POST',
      url: `/api/alerts/${alertId}/ack`,
      headers: { cookie: wang },
      payload: { action: '钻展加投' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<Alert>()).toMatchObject({ status: 'acknowledged', ackedBy: '王强', action: '钻展加投' });
    const again = await inject('POST', `/api/alerts/${alertId}/ack`, { by: '李娜' });
    expect(again.json<Alert>()).toEqual(ok.json<Alert>());
    const log = await events(launch.id);
    expect(log.filter((e) => e.type === 'alert.acknowledged')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'alert.raised')).toHaveLength(1);
  });

  it('a second acknowledgement while the first is being written is not confirmed if that write fails', async () => {
    await start();
    const launch = await createLaunch();
    await inject('POST', `/api/launches/${launch.id}/readings`, lowTraffic());
    const alertId = `${launch.id}-t15-uv`;
    store.hold();
    const first = inject('POST', `/api/alerts/${alertId}/ack`, { by: '李娜' });
    await waitFor(() => store.waiting === 1, { what: 'the acknowledgement to be in flight' });
    const second = inject('POST', `/api/alerts/${alertId}/ack`, { by: '王强' });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    store.failing = true;
    store.release();
    expectUnavailable(await first);
    const res = await second;
    const alert = (await snapshot(launch.id)).alerts[0]!;
    if (res.statusCode === 200) {
      // Whoever the server says acknowledged it must be what is recorded.
      expect(alert.ackedBy).toBe(res.json<Alert>().ackedBy);
    } else {
      expectUnavailable(res);
      expect(alert).toMatchObject({ status: 'open', ackedBy: null });
    }
  });
});

// The data directory is the embedded store's; Redis going away is tests/cluster/redis-durability.
describe.skipIf(TEST_STORE === 'redis')('an unwritable data directory', () => {
  it('refuses new launches with 503 and lists none of them; works again once writable', async () => {
    dataDir = await tempDir();
    store = await FlakyStore.create(dataDir);
    app = await makeApp({ dataDir, store, ticking: false });
    const launches = join(dataDir, 'launches');
    // The log directory is gone and a plain file stands in its way: nothing can be created in it.
    await rename(launches, `${launches}.away`);
    await writeFile(launches, 'not a directory');
    for (let i = 0; i < 2; i++)
      expectUnavailable(await inject('POST', '/api/launches', pastLaunchInput({ name: `第${i}场` })));
    expect((await inject('GET', '/api/launches')).json()).toEqual([]);

    await rm(launches);
    await rename(`${launches}.away`, launches);
    const ok = await inject('POST', '/api/launches', pastLaunchInput({ name: '恢复后' }));
    expect(ok.statusCode, ok.body).toBe(201);
    const list = (await inject('GET', '/api/launches')).json<{ name: string }[]>();
    expect(list.map((l) => l.name)).toEqual(['恢复后']);
    // And the store writes for it.
    const id = ok.json<Launch>().id;
    expect((await inject('POST', `/api/launches/${id}/readings`, readings(0, 2))).statusCode).toBe(200);
    await app.close();
    app = await makeApp({ dataDir, ticking: false });
    expect((await snapshot(id)).readings).toHaveLength(2);
  });

  it('a data directory that cannot be created stops the server from starting with a clear error', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'parent'));
    await writeFile(join(dir, 'parent', 'file'), 'x');
    await expect(makeApp({ dataDir: join(dir, 'parent', 'file', 'data') })).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});

describe('what screens see while a write is in flight', () => {
  it('a snapshot waits for the write, and shows the reading only once it is stored', async () => {
    await start();
    const launch = await createLaunch();
    store.hold();
    const post = inject('POST', `/api/launches/${launch.id}/readings`, readings(0, 1));
    await waitFor(() => store.waiting === 1, { what: 'the reading to be in flight' });
    const read = snapshot(launch.id);
    let answered = false;
    void read.then(() => (answered = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false); // not before the write is settled
    store.release();
    expect((await post).statusCode).toBe(200);
    expect((await read).readings.map((r) => r.minute)).toEqual([0]);
  });

  it('a snapshot during a write that fails shows nothing of it', async () => {
    await start();
    const launch = await createLaunch();
    store.hold();
    const post = inject('POST', `/api/launches/${launch.id}/readings`, readings(0, 1));
    await waitFor(() => store.waiting === 1, { what: 'the reading to be in flight' });
    const read = snapshot(launch.id);
    store.failing = true;
    store.release();
    expectUnavailable(await post);
    const seen = await read;
    expect(seen.readings).toEqual([]);
    expect(seen.offset).toBe((await events(launch.id)).length);
  });
});

describe('screens after a failed write', () => {
  it('a subscribed screen is told to re-sync, and its next subscription shows only what is stored', async () => {
    await start();
    const launch = await createLaunch();
    await app!.listen({ port: 0, host: '127.0.0.1' });
    const addr = app!.server.address();
    if (!addr || typeof addr === 'string') throw new Error('not listening');
    const screen = io(`http://127.0.0.1:${addr.port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: (app as FastifyInstance & { adminCookie: string }).adminCookie },
    });
    try {
      const resyncs: { launchId: string; offset: number }[] = [];
      screen.on('resync', (p: { launchId: string; offset: number }) => resyncs.push(p));
      await new Promise<void>((resolve, reject) => {
        screen.once('connect', () => resolve());
        screen.once('connect_error', reject);
      });
      const first = await screen.timeout(5000).emitWithAck('subscribe', { launchId: launch.id, batch: true });
      expect(first.ok).toBe(true);
      store.failing = true;
      expectUnavailable(await inject('POST', `/api/launches/${launch.id}/readings`, readings(0, 3)));
      const stored = (await events(launch.id)).length;
      await waitFor(() => resyncs.length > 0, { what: 'the resync push' });
      expect(resyncs[0]).toEqual({ launchId: launch.id, offset: stored });
      const again = await screen
        .timeout(5000)
        .emitWithAck('subscribe', { launchId: launch.id, after: stored + 3 });
      expect(again.ok && again.data.kind).toBe('snapshot');
      if (again.ok && again.data.kind === 'snapshot') expect(again.data.snapshot.readings).toEqual([]);
    } finally {
      screen.disconnect();
    }
  });
});
