/**
 * The OpenAPI document: a valid OpenAPI 3.1 description of every route the server registers, with
 * the access level each one enforces, and a docs page served from the server itself. (That the
 * contract tests' requests and answers are as documented is checked in http-contract.test.ts.)
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentChecker, type OpenApiDocument } from '../helpers/openapi';
import { makeApp, removeTempDirs, userCookie } from '../helpers/server';

let app: FastifyInstance & { adminCookie: string };
let doc: OpenApiDocument;

beforeAll(async () => {
  app = (await makeApp({ ticking: false })) as typeof app;
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json', headers: { cookie: '' } });
  expect(res.statusCode).toBe(200);
  doc = res.json<OpenApiDocument>();
});
afterAll(async () => {
  await app.close();
  await removeTempDirs();
});

/**
 * Every (method, path) Fastify has, read from its route tree (`printRoutes`), so the list does not
 * come from the document's own generator. Each line is `├── <segment> (METHODS)`, nested 4 columns
 * per level; a route's path is its segments from the root.
 */
function registeredRoutes(fastify: FastifyInstance): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('');
    for (const method of (m[3] ?? '').split(', ').filter(Boolean))
      if (method !== 'HEAD') out.push({ method, path });
  }
  return out;
}

/** The screens' pages and static files, and the docs page's own files: not API. */
const NOT_API = [
  /^\/\*$/,
  /^\/(console|admin|login|screen\/\*|replay\/\*|review\/\*)?$/,
  /^\/api\/docs(\/|$)/,
];

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every route the server registers, with its access level', () => {
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(40);
    const api = routes.filter((r) => !NOT_API.some((re) => re.test(r.path)));
    const missing = api.filter((r) => {
      const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
      return !doc.paths[path]?.[r.method.toLowerCase()];
    });
    expect(missing).toEqual([]);
    const documented = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
    expect(documented.length).toBe(api.length);
    for (const op of documented)
      expect(['public', 'read', 'user', 'supervisor', 'ingest', 'admin', 'metrics']).toContain(
        op['x-access'],
      );
    // The health check, the metrics and this document itself are in it too.
    expect(doc.paths['/healthz']?.get?.['x-access']).toBe('public');
    expect(doc.paths['/api/openapi.json']?.get?.['x-access']).toBe('public');
  });

  it('gives every operation its answers and the one error shape', () => {
    const checker = new DocumentChecker(doc);
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        expect(success.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(op.responses['500']?.content?.['application/json']?.schema).toEqual({
          $ref: '#/components/schemas/ApiErrorBody',
        });
        if (op['x-access'] !== 'public')
          expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    expect(checker.operation('POST', '/api/launches/abc/readings')?.path).toBe('/api/launches/{id}/readings');
  });

  it('says of each route the access level the server enforces', async () => {
    const viewer = await userCookie(app, { username: 'doc-viewer', role: 'viewer' });
    const MAY_VIEW = new Set(['public', 'read', 'user']);
    // The refusals of the access check itself (plugins/auth.ts), not a route's own 401 or 403.
    const refused = (res: { statusCode: number; body: string }, status: number) =>
      res.statusCode === status && /log in first|may not do this/.test(res.body);
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    );
    // Logging out ends the viewer's session: asked last.
    const last = (o: { path: string; method: string }) => o.path === '/api/session' && o.method === 'delete';
    operations.sort((a, b) => Number(last(a)) - Number(last(b)));
    for (const { path, method, op } of operations) {
      const what = `${method} ${path} (${op['x-access']})`;
      const url = path.replace(/\{[^}]+\}/g, 'nosuchthing');
      const ask = (cookie: string) =>
        app.inject({ method: method.toUpperCase() as 'GET', url, headers: { cookie } });
      expect(refused(await ask(''), 401), what).toBe(op['x-access'] !== 'public');
      expect(refused(await ask(viewer), 403), what).toBe(!MAY_VIEW.has(op['x-access']!));
    }
  });
});

describe('the docs page at /api/docs', () => {
  it('is served from this server, with no script from anywhere else', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/docs/', headers: { cookie: '' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const scripts = [...page.body.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    expect(page.body).not.toMatch(/https?:\/\//);
    for (const src of scripts) {
      const res = await app.inject({
        method: 'GET',
        url: new URL(src, 'http://x/api/docs/').pathname,
        headers: { cookie: '' },
      });
      expect(res.statusCode, src).toBe(200);
      expect(res.headers['content-type']).toMatch(/javascript/);
    }
    // Helmet's policy holds on the page too: scripts from this server only.
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    const spec = await app.inject({ method: 'GET', url: '/api/docs/json', headers: { cookie: '' } });
    expect(spec.json()).toEqual(doc);
  });
});
