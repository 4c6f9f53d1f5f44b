/**
 * What the import tests share: an app on a temporary data directory, a launch to import into, a
 * CSV written to a real file (in any encoding) and posted the way the admin page or the CLI does.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import iconv from 'iconv-lite';
import { type ImportReport, type LaunchSnapshot, defaultCheckpoints } from '@warroom/shared';
import { type AppOptions, buildApp } from '../../server/src/app';
import { TEST_STORE, deleteRedisKeys, redisPrefixFor, storeOptions } from '../helpers/server';

const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'warroom-import-'));
  dirs.push(dir);
  return dir;
}

export async function cleanUp(): Promise<void> {
  const removed = dirs.splice(0);
  await Promise.all(removed.map((d) => rm(d, { recursive: true, force: true })));
  if (TEST_STORE === 'redis') await Promise.all(removed.map((d) => deleteRedisKeys(redisPrefixFor(d))));
}

export const ADMIN_PASSWORD = 'import-tests-password';
const sessions = new WeakMap<FastifyInstance, string>();

/** The app on a temporary data directory, with an admin logged in for `inject`. */
export async function makeApp(dataDir?: string, opts: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const dir = dataDir ?? (await tempDir());
  const app = await buildApp({
    dataDir: dir,
    clientDist: join(dir, 'no-client'),
    ticking: false,
    adminPassword: ADMIN_PASSWORD,
    ...storeOptions(dir),
    ...opts,
  });
  const login = await app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { username: 'admin', password: ADMIN_PASSWORD },
  });
  const cookie = login.cookies.find((c) => c.name === 'wr_session');
  if (!cookie) throw new Error(`could not log in: ${login.statusCode} ${login.body}`);
  sessions.set(app, `wr_session=${cookie.value}`);
  return app;
}

/** Headers that authenticate as the admin of `app` (for real HTTP requests too). */
export function adminHeaders(app: FastifyInstance): Record<string, string> {
  return { cookie: sessions.get(app) ?? '' };
}

/** `app.inject` as the logged-in admin. */
export function inject(app: FastifyInstance, opts: InjectOptions) {
  return app.inject({ ...opts, headers: { ...adminHeaders(app), ...(opts.headers ?? {}) } });
}

/**
 * A launch that is over (so no minute is "in the future"): 开团 2025-11-11 10:00 Shanghai, 60
 * minutes, 100 visitors / 10 units / ¥1000 planned per minute, checked at the checkpoints that
 * compare those (15, 25, 45, 60 … — not the team's T+5 look at favourites).
 */
export const START = '2025-11-11T10:00:00+08:00';
export async function createLaunch(
  app: FastifyInstance,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const duration = (overrides.durationMinutes as number | undefined) ?? 60;
  const res = await inject(app, {
    method: 'POST',
    url: '/api/launches',
    payload: {
      name: '双11 开团 · 保温杯',
      startAt: START,
      durationMinutes: duration,
      ...(duration >= 15 ? { checkpoints: defaultCheckpoints(duration).filter((t) => t >= 15) } : {}),
      forecast: Array.from({ length: Math.min(duration, 1000) }, (_, minute) => ({
        minute,
        uv: 100,
        units: 10,
        gmv: 1000,
      })),
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`launch not created: ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** Writes `text` to a real file in `encoding` (optionally with a UTF-8 BOM) and returns its bytes. */
export async function csvFile(
  text: string,
  opts: { encoding?: 'utf8' | 'gb18030' | 'utf16le'; bom?: boolean; crlf?: boolean } = {},
): Promise<{ path: string; bytes: Buffer }> {
  const body = opts.crlf ? text.replace(/\n/g, '\r\n') : text;
  let bytes = iconv.encode(body, opts.encoding ?? 'utf8');
  if (opts.bom) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  const path = join(await tempDir(), 'import.csv');
  await writeFile(path, bytes);
  return { path, bytes: await readFile(path) };
}

export interface Posted<T = ImportReport> {
  status: number;
  body: T;
}

/** POSTs a file's bytes as text/csv (or multipart) to the launch's import route. */
export async function postCsv(
  app: FastifyInstance,
  launchId: string,
  bytes: Buffer,
  query: Record<string, string> = {},
  as: 'text/csv' | 'multipart' = 'text/csv',
): Promise<Posted> {
  const qs = new URLSearchParams(query).toString();
  const url = `/api/launches/${launchId}/imports${qs ? `?${qs}` : ''}`;
  if (as === 'text/csv') {
    const res = await inject(app, {
      method: 'POST',
      url,
      headers: { 'content-type': 'text/csv' },
      payload: bytes,
    });
    return { status: res.statusCode, body: res.json() };
  }
  const boundary = '----warroom' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.csv"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await inject(app, {
    method: 'POST',
    url,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  return { status: res.statusCode, body: res.json() };
}

export async function importText(
  app: FastifyInstance,
  launchId: string,
  text: string,
  query: Record<string, string> = {},
): Promise<ImportReport> {
  const { bytes } = await csvFile(text);
  const res = await postCsv(app, launchId, bytes, query);
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function snapshotOf(app: FastifyInstance, launchId: string): Promise<LaunchSnapshot> {
  const res = await inject(app, { method: 'GET', url: `/api/launches/${launchId}` });
  return res.json() as LaunchSnapshot;
}

/** The stored reading of a minute, or undefined. */
export async function readingAt(app: FastifyInstance, launchId: string, minute: number) {
  return (await snapshotOf(app, launchId)).readings.find((r) => r.minute === minute);
}

/** Where a problem of the report is: "line 7 支付金额". */
export const where = (r: ImportReport) => r.rejected.map((p) => `${p.line}${p.column ? ` ${p.column}` : ''}`);
