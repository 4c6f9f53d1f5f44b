/**
 * Logins under abuse (OWASP's credential-stuffing guidance): attempts are counted per address across
 * usernames and per username across addresses, both at once, and refused with 429 before any
 * password is hashed; a refused burst is audited once, not once per attempt. With Redis the counts
 * are shared by every instance, and so is the ingest limit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AuditEntry, Launch } from '@warroom/shared';
import {
  ADMIN_PASSWORD,
  TEST_STORE,
  makeApp,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';

afterAll(removeTempDirs);

type AdminApp = FastifyInstance & { adminCookie: string };

/** Somewhere on the internet, not the 127.0.0.1 the admin's own login came from. */
const SPRAYER = '203.0.113.7';

function attempt(
  app: FastifyInstance,
  username: string,
  opts: { password?: string; address?: string; forwardedFor?: string } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/api/session',
    remoteAddress: opts.address ?? SPRAYER,
    headers: { cookie: '', ...(opts.forwardedFor ? { 'x-forwarded-for': opts.forwardedFor } : {}) },
    payload: { username, password: opts.password ?? 'wrong-password-1' },
  });
}

async function audit(app: FastifyInstance, action: string): Promise<AuditEntry[]> {
  const res = await app.inject({ method: 'GET', url: `/api/audit?action=${action}&limit=10000` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<AuditEntry[]>().filter((e) => e.action === action);
}

async function createUser(app: AdminApp, username: string, password: string): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/users',
    payload: { username, password, role: 'supervisor' },
  });
  expect(res.statusCode, res.body).toBe(201);
}

function expectRefused(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const { error } = res.json<{ error: { code: string; message: string } }>();
  expect(error.code).toBe('rate_limited');
  expect(error.message).toMatch(/too many login attempts/);
  expect(error.message).toMatch(new RegExp(`try again in ${retryAfter} s$`));
}

describe('a password spray from one address', () => {
  it('is refused after 20 attempts across 100 usernames, and someone else still logs in', async () => {
    const app = (await makeApp({ ticking: false })) as AdminApp;
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await attempt(app, `staff${i}`)).statusCode);
    expect(statuses.slice(0, 20)).toEqual(Array<number>(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array<number>(80).fill(429));
    const refused = await attempt(app, 'staff100');
    expectRefused(refused);
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/from this address/);
    // Asked in Chinese (the login page's language), the refusal says the same in Chinese.
    const zh = await app.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress: SPRAYER,
      headers: { cookie: '', 'accept-language': 'zh-CN,zh;q=0.9' },
      payload: { username: 'staff101', password: 'wrong-password-1' },
    });
    expect(zh.statusCode).toBe(429);
    expect(zh.json<{ error: { message: string } }>().error.message).toBe(
      `此地址登录尝试过多, 请 ${zh.headers['retry-after']} 秒后再试`,
    );
    // Even the right password waits: the address is refused before any password is checked.
    expect((await attempt(app, 'admin', { password: ADMIN_PASSWORD })).statusCode).toBe(429);
    // Only the 20 attempts let through reached the password check (each audited as a failure).
    expect(await audit(app, 'login.failed')).toHaveLength(20);
    // The admin, from the office, logs in as usual.
    expect((await attempt(app, 'admin', { password: ADMIN_PASSWORD, address: '10.1.2.3' })).statusCode).toBe(
      200,
    );
    await app.close();
  });

  it('is audited once for the burst, with how many attempts were refused', async () => {
    const dataDir = await tempDir();
    const app = (await makeApp({ dataDir, ticking: false })) as AdminApp;
    for (let i = 0; i < 100; i++) await attempt(app, `staff${i}`);
    // Nothing is written per refused attempt while the burst goes on …
    expect(await audit(app, 'login.blocked')).toEqual([]);
    await app.close();
    // … and the burst is one entry once its window is over (here: the server closed).
    const again = (await makeApp({ dataDir, ticking: false })) as AdminApp;
    const blocked = await audit(again, 'login.blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatchObject({
      target: SPRAYER,
      details: { address: SPRAYER, refused: 80, limit: 20 },
    });
    await again.close();
  });

  it('is audited once per window: a burst in the next window is a second entry', async () => {
    const app = (await makeApp({ ticking: false, limits: { windowMs: 3_000 } })) as AdminApp;
    for (let burst = 1; burst <= 2; burst++) {
      // At once, so the burst fits in the short window however slow the machine hashes.
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, i) => attempt(app, `staff${burst}-${i}`)),
      );
      const statuses = answers.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
      const entries = await waitFor(async () => {
        const e = await audit(app, 'login.blocked');
        return e.length === burst ? e : null;
      });
      expect(entries[0]).toMatchObject({ target: SPRAYER, details: { refused: 5 } });
    }
    await app.close();
  });
});

describe('one account tried from many addresses', () => {
  it('is refused after 10 attempts, right password included, while other accounts log in', async () => {
    const dataDir = await tempDir();
    const app = (await makeApp({ dataDir, ticking: false, trustProxy: true })) as AdminApp;
    await createUser(app, 'wangfang', 'wangfang-password-1');
    const statuses: number[] = [];
    for (let i = 1; i <= 30; i++)
      statuses.push((await attempt(app, 'wangfang', { forwardedFor: `198.51.100.${i}` })).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array<number>(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array<number>(20).fill(429));
    const refused = await attempt(app, 'wangfang', {
      password: 'wangfang-password-1',
      forwardedFor: '198.51.100.200',
    });
    expectRefused(refused);
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/for this username/);
    // The addresses themselves are not blocked: another account logs in from one of them.
    expect(
      (await attempt(app, 'admin', { password: ADMIN_PASSWORD, forwardedFor: '198.51.100.3' })).statusCode,
    ).toBe(200);
    await app.close();
    const again = (await makeApp({ dataDir, ticking: false })) as AdminApp;
    const blocked = await audit(again, 'login.blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatchObject({
      target: 'wangfang',
      details: { username: 'wangfang', refused: 21, limit: 10 },
    });
    await again.close();
  });
});

// The embedded store is one process; with Redis every instance counts in the same place.
describe.skipIf(TEST_STORE !== 'redis')('two instances on one Redis', () => {
  it('share the per-address login count', async () => {
    const dataDir = await tempDir();
    const a = (await makeApp({ dataDir, ticking: false })) as AdminApp;
    const b = (await makeApp({ dataDir, ticking: false })) as AdminApp;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await attempt(i % 2 ? b : a, `staff${i}`)).statusCode);
    expect(statuses).toEqual(Array<number>(20).fill(401));
    expectRefused(await attempt(a, 'staff20'));
    expectRefused(await attempt(b, 'staff21'));
    await Promise.all([a.close(), b.close()]);
  });

  it('share the ingest limit of a token', async () => {
    const dataDir = await tempDir();
    const a = (await makeApp({ dataDir, ticking: false, limits: { ingestPerMinute: 3 } })) as AdminApp;
    const b = (await makeApp({ dataDir, ticking: false, limits: { ingestPerMinute: 3 } })) as AdminApp;
    const launch = (
      await a.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() })
    ).json<Launch>();
    const token = (
      await a.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'feed', scope: 'ingest' } })
    ).json<{ token: string }>().token;
    const push = (app: FastifyInstance, minute: number) =>
      app.inject({
        method: 'POST',
        url: `/api/launches/${launch.id}/readings`,
        headers: { authorization: `Bearer ${token}` },
        payload: readings(minute, minute + 1)[0]!,
      });
    await waitFor(
      async () => (await b.inject({ method: 'GET', url: `/api/launches/${launch.id}` })).statusCode === 200,
    );
    expect((await push(a, 0)).statusCode).toBe(200);
    expect((await push(b, 1)).statusCode).toBe(200);
    expect((await push(a, 2)).statusCode).toBe(200);
    const refused = await push(b, 3);
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await push(a, 3)).statusCode).toBe(429);
    await Promise.all([a.close(), b.close()]);
  });
});
