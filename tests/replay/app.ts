/** The real app on a temp data dir holding recorded launches, with an admin session when auth is on. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { LaunchEvent } from '@warroom/shared';
import { afterAll } from 'vitest';
import { type AppOptions, buildApp } from '../../server/src/app';
import { TEST_STORE, deleteRedisKeys, makeStore, redisPrefixFor, storeOptions } from '../helpers/server';

/** Redis keys of the apps built here: deleted once the test file is done (its apps are closed). */
const redisPrefixes: string[] = [];
afterAll(async () => {
  await Promise.all(redisPrefixes.splice(0).map((p) => deleteRedisKeys(p)));
});

export const ADMIN_PASSWORD = 'replay-test-admin-password';

export interface TestApp {
  app: FastifyInstance;
  /** The admin's session cookie ('' while no auth is registered). */
  cookie: string;
  call<T = unknown>(method: string, url: string, payload?: unknown): Promise<{ status: number; body: T }>;
}

/** Writes logs as the file store keeps them (DATA_DIR/launches/<id>.jsonl) and builds the app on them. */
export async function appWithLaunches(
  logs: LaunchEvent[][],
  opts: Partial<AppOptions> = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warroom-replay-'));
  mkdirSync(join(dataDir, 'launches'), { recursive: true });
  for (const events of logs) {
    const id = events[0]!.launchId;
    writeFileSync(
      join(dataDir, 'launches', `${id}.jsonl`),
      events.map((e) => JSON.stringify(e) + '\n').join(''),
    );
  }
  if (TEST_STORE === 'redis') {
    // The same logs in the store under test.
    const store = await makeStore(dataDir);
    for (const events of logs) await store.append(events[0]!.launchId, events);
    await store.close();
  }
  const app = await buildApp({
    dataDir,
    clientDist: join(dataDir, 'no-client'),
    ticking: false,
    ...({ adminPassword: ADMIN_PASSWORD } as object),
    ...storeOptions(dataDir),
    ...opts,
  } as AppOptions);
  if (TEST_STORE === 'redis') redisPrefixes.push(redisPrefixFor(dataDir));
  await app.ready();
  const login = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'admin', password: ADMIN_PASSWORD },
  });
  const session = login.statusCode === 200 ? login.cookies.find((c) => c.name === 'wr_session') : undefined;
  const cookie = session ? `wr_session=${session.value}` : '';
  return {
    app,
    cookie,
    async call<T>(method: string, url: string, payload?: unknown) {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: cookie ? { cookie } : {},
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      const type = String(res.headers['content-type'] ?? '');
      const body = type.includes('json') ? (res.json() as T) : (res.rawPayload as unknown as T);
      return { status: res.statusCode, body };
    },
  };
}
