/**
 * The security headers are fixed at start (server/src/security-headers.ts): every answer — a 200,
 * an error raised by a hook (401) or a route (400, 404), the 404 of no route, the readings route's
 * answers — carries exactly the set helmet gives for the app's options, as @fastify/helmet sent it
 * when it rebuilt the middleware per request (values recorded from that code).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { makeApp, pastLaunchInput, readings, removeTempDirs } from '../helpers/server';

const EXPECTED: Record<string, string> = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' data:;form-action 'self';frame-ancestors 'self';" +
    "img-src 'self' data: blob:;object-src 'none';script-src 'self';script-src-attr 'none';" +
    "style-src 'self' 'unsafe-inline';connect-src 'self' ws: wss:",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

let app: FastifyInstance;
let launchId: string;

beforeAll(async () => {
  app = await makeApp({ ticking: false });
  const res = await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() });
  launchId = res.json<{ id: string }>().id;
});

afterAll(async () => {
  await app.close();
  await removeTempDirs();
});

describe('security headers', () => {
  it('are exactly helmet’s on every kind of answer', async () => {
    const readingsUrl = () => `/api/launches/${launchId}/readings`;
    const cases: [string, InjectOptions, number][] = [
      ['health', { method: 'GET', url: '/healthz' }, 200],
      ['no route', { method: 'GET', url: '/api/nothing-here' }, 404],
      ['no credentials', { method: 'GET', url: '/api/launches', headers: { cookie: '' } }, 401],
      ['bad token', { method: 'GET', url: '/api/launches', headers: { authorization: 'Bearer nope' } }, 401],
      ['a reading', { method: 'POST', url: readingsUrl(), payload: readings(0, 1)[0] }, 200],
      ['the same reading again', { method: 'POST', url: readingsUrl(), payload: readings(0, 1)[0] }, 200],
      ['an invalid reading', { method: 'POST', url: readingsUrl(), payload: { minute: 'x' } }, 400],
      ['no such launch', { method: 'POST', url: '/api/launches/nope/readings', payload: { minute: 0 } }, 404],
      ['the docs page', { method: 'GET', url: '/api/docs' }, 200],
    ];
    for (const [what, request, status] of cases) {
      const res = await app.inject(request);
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      const security = Object.fromEntries(Object.keys(EXPECTED).map((h) => [h, res.headers[h]]));
      expect(security, what).toEqual(EXPECTED);
      expect(res.headers['x-powered-by'], what).toBeUndefined();
      expect(res.headers['strict-transport-security'], what).toBeUndefined();
    }
  });
});
