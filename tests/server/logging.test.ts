/**
 * The server log never holds a credential: a kiosk screen's `?token=`, a bearer token, a session
 * cookie — not in the request lines, not in an error's message or stack, not where a route logs
 * the request's headers. The path stays, so the log still says what was asked for.
 */
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { Launch } from '@warroom/shared';
import { join } from 'node:path';
import { buildApp } from '../../server/src/app';
import {
  ADMIN_PASSWORD,
  actAsAdmin,
  pastLaunchInput,
  removeTempDirs,
  storeOptions,
  tempDir,
} from '../helpers/server';

afterAll(removeTempDirs);

/** Every line the app's logger writes, kept in memory. */
function memoryLog(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** The app on a fresh data directory, its log written to `stream` at `level`. */
async function appLoggingTo(stream: Writable, level: string) {
  const dataDir = await tempDir();
  return buildApp({
    dataDir,
    clientDist: join(dataDir, 'no-client'),
    adminPassword: ADMIN_PASSWORD,
    ticking: false,
    logger: { level, stream },
    ...storeOptions(dataDir),
  });
}

describe('the request log', () => {
  it('keeps the paths and drops every token and cookie value', async () => {
    const log = memoryLog();
    const built = await appLoggingTo(log.stream, 'info');
    // A route that forgets itself: logs the whole request's headers and fails with the URL in its message.
    built.get('/api/boom', { config: { access: 'public' } }, async (req) => {
      req.log.warn({ headers: req.headers }, 'about to fail');
      throw new Error(`could not serve ${req.url} for ${req.headers.authorization ?? 'nobody'}`);
    });
    const app = await actAsAdmin(built);
    const launch = (
      await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() })
    ).json<Launch>();
    const created = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      payload: { name: 'wall TV', scope: 'screen' },
    });
    const screenToken = created.json<{ token: string }>().token;
    const sessionValue = app.adminCookie.split('=')[1]!;

    // The wall TV opens its kiosk URL, then reads the launch with its bearer token.
    const kiosk = await app.inject({
      method: 'GET',
      url: `/screen/${launch.id}?token=${screenToken}&view=wall`,
      headers: { cookie: '' },
    });
    expect(kiosk.statusCode).toBe(200);
    const read = await app.inject({
      method: 'GET',
      url: `/api/launches/${launch.id}`,
      headers: { authorization: `Bearer ${screenToken}` },
    });
    expect(read.statusCode).toBe(200);
    // Secrets in other parameters an integration might use, and a failing request carrying them all.
    await app.inject({
      method: 'GET',
      url: `/api/launches?access_token=${screenToken}&password=hunter2-secret`,
      headers: { cookie: '' },
    });
    const failed = await app.inject({
      method: 'GET',
      url: `/api/boom?token=${screenToken}`,
      headers: { authorization: `Bearer ${screenToken}`, cookie: app.adminCookie },
    });
    expect(failed.statusCode).toBe(500);
    await app.close();

    const text = log.text();
    expect(text).toContain(`/screen/${launch.id}`);
    expect(text).toContain(`/api/launches/${launch.id}`);
    expect(text).toContain('/api/boom');
    expect(text).toContain('view=wall');
    expect(text).toContain('could not serve'); // the error was logged, without what it carried
    expect(text).toContain('about to fail');
    expect(text.includes(screenToken), 'the screen token').toBe(false);
    expect(text.includes(sessionValue), 'the session cookie').toBe(false);
    expect(text.includes('hunter2-secret'), 'a password parameter').toBe(false);
    expect(text).not.toMatch(/Bearer\s+[A-Za-z0-9_-]{8,}/);
  });

  it('above info, a request that logs nothing makes no logger; one that does logs with its reqId, redacted', async () => {
    const log = memoryLog();
    const built = await appLoggingTo(log.stream, 'error');
    const seen: { lazy: boolean; level: string; infoOn: boolean }[] = [];
    built.get('/api/quiet', { config: { access: 'public' } }, async (req) => {
      seen.push({
        lazy: req.log.constructor.name === 'LazyChildLogger',
        level: req.log.level,
        infoOn: (req.log as unknown as { isLevelEnabled: (l: string) => boolean }).isLevelEnabled('info'),
      });
      req.log.info('not written at level error');
      return { ok: true };
    });
    built.get('/api/loud', { config: { access: 'public' } }, async (req) => {
      req.log.error({ headers: req.headers }, 'written at level error');
      return { ok: true };
    });
    // A route with a level of its own gets pino's child at once, at that level.
    built.get('/api/chatty', { config: { access: 'public' }, logLevel: 'info' }, async (req) => {
      req.log.info('written at the route level');
      return { ok: true };
    });
    await built.ready();
    expect((await built.inject({ method: 'GET', url: '/api/quiet' })).statusCode).toBe(200);
    const loud = await built.inject({
      method: 'GET',
      url: '/api/loud',
      headers: { 'x-api-key': 'abcdefghijklmnop-secret', 'set-cookie': 'wr_session=abcdefghijklmnop' },
    });
    expect(loud.statusCode).toBe(200);
    expect((await built.inject({ method: 'GET', url: '/api/chatty' })).statusCode).toBe(200);
    await built.close();

    expect(seen).toEqual([{ lazy: true, level: 'error', infoOn: false }]);
    const lines = log
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; reqId?: string; headers?: Record<string, string> });
    expect(lines.some((l) => l.msg === 'not written at level error')).toBe(false);
    const written = lines.find((l) => l.msg === 'written at level error');
    expect(written?.reqId).toMatch(/^req-/);
    expect(written?.headers?.['x-api-key']).toBe('[redacted]');
    expect(written?.headers?.['set-cookie']).toBe('[redacted]');
    expect(lines.find((l) => l.msg === 'written at the route level')?.reqId).toMatch(/^req-/);
  });
});
