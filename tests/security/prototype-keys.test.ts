/**
 * User text never reaches a built-in property of a lookup object. Every name `Object.prototype`
 * has (constructor, toString, hasOwnProperty, __proto__, …) is tried as a CSV header of an import
 * — alone, after a cumulative prefix, in Chinese and English header files — and as a JSON key in
 * the bodies of the main write routes: a header is reported as unknown (or the file refused with a
 * 4xx), a key is a 400 naming it, never a 500, and nothing is stored.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ImportReport, Launch, LaunchSnapshot } from '@warroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, pastLaunchInput, readings, removeTempDirs, userCookie } from '../helpers/server';

const NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];

let app: FastifyInstance & { adminCookie: string };
let supervisor: string;

beforeAll(async () => {
  app = (await makeApp({ ticking: false })) as FastifyInstance & { adminCookie: string };
  supervisor = await userCookie(app, { username: 'lina', displayName: '李娜', role: 'supervisor' });
});
afterAll(async () => {
  await app.close();
  await removeTempDirs();
});

async function newLaunch(): Promise<Launch> {
  const res = await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Launch>();
}

async function snapshot(id: string): Promise<LaunchSnapshot> {
  return (await app.inject({ method: 'GET', url: `/api/launches/${id}` })).json<LaunchSnapshot>();
}

function importCsv(id: string, text: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/api/launches/${id}/imports`,
    headers: { 'content-type': 'text/csv' },
    payload: Buffer.from(text, 'utf8'),
  });
}

describe('a CSV header named like a built-in property', () => {
  let launch: Launch;
  beforeAll(async () => {
    launch = await newLaunch();
  });

  const headers = NAMES.flatMap((n) => [n, `cum${n}`, `cumulative ${n}`, `累计${n}`]);
  const files = [
    {
      kind: 'English',
      header: (h: string) => `minute,uv,${h}`,
      row: (minute: number) => `${minute},5,7`,
    },
    {
      kind: 'Chinese',
      header: (h: string) => `分钟,访客数,支付件数,${h}`,
      row: (minute: number) => `${minute},5,2,7`,
    },
  ];

  it.each(files.flatMap((f) => headers.map((h) => [f.kind, h, f] as const)))(
    '%s file, column %j: reported as unknown, the known columns imported, nothing else',
    async (_kind, h, file) => {
      const minute = 3;
      const res = await importCsv(launch.id, `${file.header(h)}\n${file.row(minute)}\n`);
      expect(res.statusCode, res.body).toBe(200);
      const report = res.json<ImportReport>();
      expect(report).toMatchObject({ accepted: expect.any(Number), rejectedRows: 0 });
      expect(report.ignoredColumns).toContainEqual({
        column: h,
        reason: expect.stringMatching(/not a known column/),
      });
      expect(Object.keys(report.mapping)).not.toContain(h);
      expect(report.cumulativeColumns).toEqual([]);
    },
  );

  it('the stored readings hold only what the known columns gave', async () => {
    const stored = (await snapshot(launch.id)).readings;
    expect(stored.length).toBeGreaterThan(0);
    for (const r of stored) expect(r).toMatchObject({ uv: 5, pv: 0, fav: 0, cart: 0, orders: 0, gmv: 0 });
  });

  it.each(headers)(
    'a file whose only metric-like column is %j is refused with a 4xx saying why',
    async (h) => {
      const fresh = await newLaunch();
      for (const text of [`minute,${h}\n3,5\n`, `分钟,${h}\n3,5\n`]) {
        const res = await importCsv(fresh.id, text);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json<{ error: { message: string } }>().error.message).toMatch(/no metric column/);
      }
      expect((await snapshot(fresh.id)).readings).toEqual([]);
    },
  );

  it.each(NAMES)(
    'a mapping naming %j that the header lacks is refused, one the header has is imported',
    async (n) => {
      const fresh = await newLaunch();
      const mapping = (body: string) =>
        `/api/launches/${fresh.id}/imports?mapping=${encodeURIComponent(body)}`;
      const refused = await app.inject({
        method: 'POST',
        url: mapping(`{${JSON.stringify(n)}:"uv"}`),
        headers: { 'content-type': 'text/csv' },
        payload: 'minute,访客数\n3,5\n',
      });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.body).toContain(n);
      const mapped = await app.inject({
        method: 'POST',
        url: mapping(`{${JSON.stringify(n)}:"units"}`),
        headers: { 'content-type': 'text/csv' },
        payload: `minute,访客数,${n}\n3,5,2\n`,
      });
      expect(mapped.statusCode, mapped.body).toBe(200);
      expect(mapped.json<ImportReport>().mapping).toEqual({ minute: 'minute', 访客数: 'uv', [n]: 'units' });
      expect((await snapshot(fresh.id)).readings).toMatchObject([{ minute: 3, uv: 5, units: 2 }]);
    },
  );
});

/** `body` as JSON text with `"<key>": 1` added to the object at `path` (JSON text, so __proto__ stays a key). */
function withKey(body: unknown, path: (string | number)[], key: string): string {
  const marker = '"added_key_goes_here":0';
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const p of path) at = at[p] as Record<string | number, unknown>;
  at.added_key_goes_here = 0;
  const text = JSON.stringify(copy);
  expect(text).toContain(marker);
  return text.replace(marker, `${JSON.stringify(key)}:1`);
}

describe('a JSON key named like a built-in property', () => {
  let launch: Launch;
  let alertId: string;

  beforeAll(async () => {
    launch = await newLaunch();
    const pushed = await app.inject({
      method: 'POST',
      url: `/api/launches/${launch.id}/readings`,
      payload: readings(0, 15).map((r) => ({ ...r, uv: 60 })),
    });
    expect(pushed.statusCode, pushed.body).toBe(200);
    alertId = (await snapshot(launch.id)).alerts[0]!.id;
  });

  /** Everything a write could have changed. */
  async function everything(): Promise<unknown> {
    const get = async (url: string) => (await app.inject({ method: 'GET', url })).json<unknown>();
    // The list also says where each launch clock stands now: the clock, not something stored.
    const launches = (await get('/api/launches')) as { now?: unknown; feed?: unknown }[];
    return {
      launches: launches.map(({ now: _now, feed: _feed, ...stored }) => stored),
      events: await get(`/api/launches/${launch.id}/events`),
      users: await get('/api/users'),
      tokens: await get('/api/tokens'),
      simulations: await get('/api/simulations'),
    };
  }

  const playbookEntry = {
    metric: 'uv',
    direction: 'under',
    title: '流量不足',
    owners: [{ role: '推广主管', actions: ['直通车加价'] }],
  };
  const task = { title: '开团前检查', owner: '运营主管', offsetMinutes: -30 };
  interface Route {
    name: string;
    method: 'POST' | 'PUT';
    url: () => string;
    body: () => unknown;
    /** Where in the body the key is tried: [] is the top, ['forecast', 'template'] inside. */
    inside: (string | number)[][];
    cookie?: () => string;
  }
  const routes: Route[] = [
    {
      name: 'launch create',
      method: 'POST',
      url: () => '/api/launches',
      body: () => ({
        ...pastLaunchInput(),
        forecast: { template: { uv: 6000, units: 600, gmv: 60000 } },
        targets: { uv: 6000, units: 600, gmv: 60000 },
        playbook: [playbookEntry],
        runSheet: [task],
      }),
      inside: [
        [],
        ['forecast'],
        ['forecast', 'template'],
        ['targets'],
        ['playbook', 0],
        ['playbook', 0, 'owners', 0],
        ['runSheet', 0],
      ],
    },
    {
      name: 'launch update',
      method: 'PUT',
      url: () => `/api/launches/${launch.id}`,
      body: () => ({ ...pastLaunchInput(), startAt: launch.startAt, forecast: [{ minute: 0, uv: 100 }] }),
      inside: [[], ['forecast', 0]],
    },
    {
      name: 'readings (one)',
      method: 'POST',
      url: () => `/api/launches/${launch.id}/readings`,
      body: () => ({ minute: 16, uv: 100 }),
      inside: [[]],
    },
    {
      name: 'ack',
      method: 'POST',
      url: () => `/api/alerts/${alertId}/ack`,
      body: () => ({ action: '直通车加价', note: '已加价' }),
      inside: [[]],
      cookie: () => supervisor,
    },
    {
      name: 'run-sheet tick-off',
      method: 'POST',
      url: () => `/api/launches/${launch.id}/run-sheet/pre-check/done`,
      body: () => ({ by: '李娜' }),
      inside: [[]],
      cookie: () => supervisor,
    },
    {
      name: 'run sheet',
      method: 'PUT',
      url: () => `/api/launches/${launch.id}/run-sheet`,
      body: () => ({ tasks: [task] }),
      inside: [[], ['tasks', 0]],
    },
    {
      name: 'run sheet (a list)',
      method: 'PUT',
      url: () => `/api/launches/${launch.id}/run-sheet`,
      body: () => [task],
      inside: [[0]],
    },
    {
      name: 'simulation',
      method: 'POST',
      url: () => '/api/simulations',
      body: () => ({
        scenario: 'on-plan',
        speed: 1,
        launch: { name: '演练', forecast: { template: { uv: 1, units: 1, gmv: 1 } } },
      }),
      inside: [[], ['launch'], ['launch', 'forecast', 'template']],
    },
    {
      name: 'users',
      method: 'POST',
      url: () => '/api/users',
      body: () => ({ username: 'wangfang', role: 'viewer', password: 'a-long-password' }),
      inside: [[]],
    },
    {
      name: 'tokens',
      method: 'POST',
      url: () => '/api/tokens',
      body: () => ({ name: 'feed', scope: 'ingest' }),
      inside: [[]],
    },
    {
      name: 'what-if',
      method: 'POST',
      url: () => `/api/launches/${launch.id}/what-if`,
      body: () => ({ tolerance: 0.3, forecast: { template: { uv: 6000, units: 600, gmv: 60000 } } }),
      inside: [[], ['forecast'], ['forecast', 'template']],
    },
  ];

  function send(route: Route, payload: string): Promise<LightMyRequestResponse> {
    return app.inject({
      method: route.method,
      url: route.url(),
      headers: { 'content-type': 'application/json', ...(route.cookie ? { cookie: route.cookie() } : {}) },
      payload,
    });
  }

  const cases = routes.flatMap((r) =>
    r.inside.flatMap((path) => NAMES.map((n) => [r.name, n, path.join('.') || '(top)', r, path] as const)),
  );

  it.each(cases)(
    '%s, key %j in %s: 400 naming it, nothing stored',
    async (_name, key, _where, route, path) => {
      const before = await everything();
      const res = await send(route, withKey(route.body(), path, key));
      expect(res.statusCode, res.body).toBe(400);
      const { error } = res.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe('invalid_input');
      expect(error.message).toContain(`"${key}"`);
      expect(await everything()).toEqual(before);
    },
  );

  // A batch reports bad items by index and goes on with the rest (the readings contract), except a
  // body the JSON parser refuses as a whole.
  it.each(NAMES)(
    'readings batch, key %j in an item: that item refused by name, nothing stored',
    async (key) => {
      const batch: Route = {
        name: 'readings (batch)',
        method: 'POST',
        url: () => `/api/launches/${launch.id}/readings`,
        body: () => [{ minute: 17, uv: 100 }],
        inside: [[0]],
      };
      const before = await everything();
      const res = await send(batch, withKey(batch.body(), [0], key));
      if (key === '__proto__') {
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json<{ error: { message: string } }>().error.message).toContain('"__proto__"');
      } else {
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual({
          accepted: 0,
          duplicates: 0,
          rejected: [{ index: 0, message: expect.stringContaining(`"${key}"`) as string }],
        });
      }
      expect(await everything()).toEqual(before);
    },
  );

  it.each(routes)(
    '$name: the same body without the key is accepted (so the key is what was refused)',
    async (route) => {
      const res = await send(route, JSON.stringify(route.body()));
      expect(res.statusCode, res.body).toBeLessThan(300);
    },
  );
});
