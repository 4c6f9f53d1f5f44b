/**
 * Bad input, generated: well over 10,000 malformed HTTP requests (app.inject) and socket payloads
 * (real socket.io-client connections, plus raw WebSocket frames for what socket.io-client cannot
 * send) over every /api route and every client → server event, as the admin so that validation —
 * not authorization — is what answers. Wrong types, huge strings, deep nesting (10,000 levels in
 * raw bodies and frames), `__proto__` / `constructor` / `prototype` keys at any depth, invalid UTF-8,
 * oversize bodies, wrong content types, junk query strings and path parameters.
 *
 * Every request is built to be invalid (a strict schema always finds an unknown key, a wrong
 * top-level type, broken JSON, a wrong content type, an oversize body, or a bad id), so every
 * answer must be a 4xx with the error shape, or a rejected acknowledgement `{ok: false, error}` —
 * never a 5xx, never a success. The one documented exception: a JSON array of readings is answered
 * per item (`200 {accepted: 0, duplicates: 0, rejected: [every index]}`), as the contract says.
 * Afterwards the stored logs are byte-identical, the launches' snapshots unchanged,
 * `Object.prototype` has no new keys, and the server still serves.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type Socket, io } from 'socket.io-client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Launch, LaunchSnapshot } from '@warroom/shared';
import { makeApp, pastLaunchInput, readings, removeTempDirs, tempDir } from '../helpers/server';

/** Every route buildApp registers, seen by an onRoute hook added the moment the instance exists. */
const registered = vi.hoisted(() => ({ routes: [] as { method: string; url: string }[] }));
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<{ default: unknown }>();
  const original = mod.default as (opts?: unknown) => FastifyInstance;
  const factory = (opts?: unknown) => {
    const instance = original(opts);
    instance.addHook('onRoute', (route) => {
      for (const method of [route.method].flat())
        registered.routes.push({ method: String(method), url: route.url });
    });
    return instance;
  };
  return { ...mod, default: Object.assign(factory, mod.default as object) };
});

/** A small import limit, so oversize CSV bodies are cheap to send. */
const IMPORT_MAX_BYTES = 64 * 1024;
const SEED = 20251111;
/** Requests per route for the generated HTTP families (about 44 routes). */
const RUNS_PER_ROUTE = 220;
/** Generated payloads per socket event through socket.io-client. */
const RUNS_PER_EVENT = 700;

type App = FastifyInstance & { adminCookie: string };
let app: App;
let dataDir: string;
let url: string;
let launch: Launch;
let alertId: string;
let replayId: string;
let taskId: string;
let tokenId: string;
let channelId: string;
let simulationId: string;
let groupId: string;
const protoKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const counts = { http: 0, socket: 0, raw: 0 };
const sockets: Socket[] = [];

// ---------------------------------------------------------------------------------------------
// JSON trees written out by hand, so duplicate and `__proto__` keys survive into the text.

type Tree =
  { t: 'raw'; text: string } | { t: 'arr'; items: Tree[] } | { t: 'obj'; entries: [string, Tree][] };

function write(tree: Tree): string {
  switch (tree.t) {
    case 'raw':
      return tree.text;
    case 'arr':
      return `[${tree.items.map(write).join(',')}]`;
    case 'obj':
      return `{${tree.entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(',')}}`;
  }
}

const raw = (v: unknown): Tree => ({ t: 'raw', text: JSON.stringify(v) });

/** Field names from every input schema, so wrong types meet real fields. */
const FIELDS = [
  'name', 'startAt', 'durationMinutes', 'timezone', 'checkpoints', 'tolerance', 'metrics',
  'graceSeconds', 'stock', 'price', 'playbook', 'forecast', 'template', 'minute', 'at', 'uv', 'pv',
  'fav', 'cart', 'orders', 'units', 'gmv', 'username', 'password', 'role', 'displayName', 'scope',
  'action', 'note', 'by', 'scenario', 'speed', 'seed', 'launch', 'launchId', 'paused', 'drill',
  'targets', 'after', 'replayId', 'alertId', 'id', 'title', 'owner', 'offsetMinutes', 'clockTime',
]; // prettier-ignore
const POISON = ['__proto__', 'constructor', 'prototype'];

const hugeString = fc
  .constantFrom(1_000, 20_000, 60_000)
  .chain((n) =>
    fc.string({ minLength: 1, maxLength: 3 }).map((s) => s.repeat(Math.ceil(n / Math.max(1, s.length)))),
  );
const junkString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // Lone surrogates: not valid UTF-16, escaped by JSON.stringify.
  fc.constantFrom('\uD800', '\uDFFF', 'a\uD83D', '\u0000', '\u202E', '💥'.repeat(50)),
  fc.constantFrom('', ' ', 'null', 'NaN', '2026-13-45T99:99', '-1', '1e400', '<script>', "'; DROP TABLE"),
);
const leaf: fc.Arbitrary<Tree> = fc.oneof(
  junkString.map(raw),
  fc
    .oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(-0, 1e308, -1e308, 2 ** 53 + 1),
    )
    .map(raw),
  fc.boolean().map(raw),
  fc.constant(raw(null)),
  // Numbers JSON.stringify cannot write: as raw text they are broken JSON (caught as such).
  fc.constantFrom('1e999', '-1e999').map((text): Tree => ({ t: 'raw', text })),
);

/** A junk value: leaves, arrays, objects with real, poisonous and random keys, a few levels deep. */
const junk: fc.Arbitrary<Tree> = fc.letrec<{ value: Tree }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }).map((items): Tree => ({ t: 'arr', items })),
    fc
      .array(
        fc.tuple(fc.oneof(fc.constantFrom(...FIELDS, ...POISON), fc.string({ maxLength: 10 })), tie('value')),
        {
          maxLength: 4,
        },
      )
      .map((entries): Tree => ({ t: 'obj', entries })),
  ),
})).value;

/** Deep nesting written as text: arrays or objects, closed or not. */
function deep(depth: number, kind: 'arr' | 'obj', closed = true): string {
  const open = kind === 'arr' ? '['.repeat(depth) : '{"a":'.repeat(depth);
  const close = kind === 'arr' ? ']'.repeat(depth) : '}'.repeat(depth);
  return `${open}${kind === 'arr' ? '' : '1'}${closed ? close : close.slice(0, depth / 2)}`;
}

/** An object no strict schema accepts: a key no schema has, among real fields with junk values. */
const invalidObject = (opts: { exclude?: string[] } = {}) =>
  fc
    .tuple(
      fc.string({ maxLength: 8 }).map((s) => `zz-unknown-${s}`),
      junk,
      fc.array(fc.tuple(fc.constantFrom(...FIELDS.filter((f) => !opts.exclude?.includes(f))), junk), {
        maxLength: 6,
      }),
      fc.nat(),
    )
    .map(([key, value, fields, at]): Tree => {
      const entries: [string, Tree][] = [...fields];
      entries.splice(at % (entries.length + 1), 0, [key, value]);
      return { t: 'obj', entries };
    });

/** A top-level value that is not an object at all (never null: `body ?? {}` would make it valid). */
const notAnObject: fc.Arbitrary<Tree> = fc.oneof(
  junkString.map(raw),
  fc.oneof(fc.integer(), fc.boolean()).map(raw),
  // Arrays of things that are never a valid element (readings, run-sheet tasks).
  fc
    .array(
      fc.oneof(
        leaf.filter((l) => l.t === 'raw' && l.text !== 'null'),
        fc.constant<Tree>({ t: 'arr', items: [] }),
      ),
      {
        minLength: 1,
        maxLength: 5,
      },
    )
    .map((items): Tree => ({ t: 'arr', items })),
);

/** Text that is not JSON: broken syntax, truncated, unclosed deep nesting, JS-isms. */
const brokenJson: fc.Arbitrary<string> = fc.oneof(
  junk.map(write).chain((t) => fc.nat({ max: Math.max(0, t.length - 1) }).map((n) => t.slice(0, n) + '{')),
  fc.constantFrom(
    "{'name': 'x'}",
    '{"a":1,}',
    '[1,2',
    'undefined',
    'NaN',
    '{"a": Infinity}',
    '{"a":1}{"b":2}',
    '\u00ef\u00bb\u00bf{}x',
    '{"a":"\\u12"}',
    '{"a":"\\x41"}',
    '/* c */ {}',
  ),
  fc.constantFrom(5_000, 10_000).map((d) => deep(d, 'arr', false)),
  fc.constantFrom(5_000, 10_000).map((d) => deep(d, 'obj', false)),
);

/** Valid JSON syntax with poison keys at some depth (Fastify refuses them while parsing). */
const poisoned: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('__proto__', 'constructor'), fc.nat({ max: 6 }), invalidObject())
  .map(([key, depth, rest]) => {
    const inner =
      key === '__proto__'
        ? '{"__proto__":{"polluted":"yes"}}'
        : '{"constructor":{"prototype":{"polluted":"yes"}}}';
    return `{"zz-unknown":${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)},"x":${write(rest)}}`;
  });

/** Valid JSON, 10,000 levels deep, under a key no schema has. */
const deepValid: fc.Arbitrary<string> = fc
  .constantFrom<'arr' | 'obj'>('arr', 'obj')
  .map((k) => `{"zz-unknown":${deep(10_000, k)},"name":${deep(10_000, k)}}`);

/** Invalid UTF-8 byte sequences spliced into an invalid object's text. */
const badUtf8: fc.Arbitrary<Buffer> = fc
  .tuple(
    invalidObject(),
    fc.constantFrom(
      [0xff],
      [0xfe, 0xff],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xc3],
    ),
  )
  .map(([obj, bytes]) =>
    Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from(bytes),
      Buffer.from('",'),
      Buffer.from(write(obj).slice(1)),
    ]),
  );

const wrongType = fc.constantFrom(
  'application/xml',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'text/json-seq',
  'image/png',
  'application/javascript',
);

// ---------------------------------------------------------------------------------------------
// Routes: how each takes its input, so the generated requests are always invalid for it.

type BodyKind = 'strict' | 'ignored' | 'csv' | 'none';
interface RouteSpec {
  body: BodyKind;
  /** Query parameters the route validates, with invalid values for each. */
  query?: Record<string, fc.Arbitrary<string>>;
  /** Keys left out of invalid objects: the route reads them alone and ignores the rest. */
  exclude?: string[];
  /** The body limit, for oversize bodies. */
  limit?: number;
}

const badInt = fc.constantFrom('abc', '-1', '1.5', '1e400', '9'.repeat(400), '--', '%00', 'Infinity');
const badEnum = fc.string({ maxLength: 20 }).map((s) => `not-${s}`);
const tooLong = (n: number) => fc.string({ minLength: n + 1, maxLength: n + 50, unit: 'grapheme-ascii' });

const SPECS: Record<string, RouteSpec> = {
  'GET /healthz': { body: 'none' },
  // The OpenAPI document and its docs page (Swagger UI's files).
  'GET /api/openapi.json': { body: 'none' },
  'GET /api/docs': { body: 'none' },
  'GET /api/docs/static/index.html': { body: 'none' },
  'GET /api/docs/static/swagger-initializer.js': { body: 'none' },
  'GET /api/docs/json': { body: 'none' },
  'GET /api/docs/yaml': { body: 'none' },
  'GET /api/docs/static/*': { body: 'none' },
  'POST /api/session': { body: 'strict' },
  'GET /api/session': { body: 'none' },
  'DELETE /api/session': { body: 'ignored' },
  'GET /api/users': { body: 'none' },
  'POST /api/users': { body: 'strict' },
  'GET /api/tokens': { body: 'none' },
  'POST /api/tokens': { body: 'strict' },
  'DELETE /api/tokens/:id': { body: 'ignored' },
  'GET /api/audit': { body: 'none', query: { limit: badInt, action: tooLong(40) } },
  'GET /api/channels': { body: 'none' },
  'POST /api/channels': { body: 'strict' },
  'GET /api/channels/:id': { body: 'none' },
  'PUT /api/channels/:id': { body: 'strict' },
  'DELETE /api/channels/:id': { body: 'ignored' },
  'GET /api/channels/:id/deliveries': { body: 'none', query: { limit: badInt } },
  'POST /api/channels/:id/test': { body: 'strict' },
  'GET /api/alerts': { body: 'none', query: { status: badEnum, launchId: tooLong(100) } },
  'POST /api/alerts/:id/ack': { body: 'strict' },
  'GET /api/incidents': { body: 'none', query: { status: badEnum, launchId: tooLong(100) } },
  'POST /api/incidents/:id/ack': { body: 'strict' },
  'GET /api/launches': { body: 'none' },
  'POST /api/launches': { body: 'strict' },
  'GET /api/launches/:id': { body: 'none', query: { include: badEnum } },
  // Minutes may be negative here (the preheat): every other bad integer.
  'GET /api/launches/:id/forecast': {
    body: 'none',
    query: {
      from: fc.constantFrom('abc', '1.5', '1e400', '9'.repeat(400), '--', '%00', 'Infinity', '-999999'),
    },
  },
  'PUT /api/launches/:id': { body: 'strict' },
  'GET /api/launches/:id/events': { body: 'none', query: { after: badInt } },
  'POST /api/forecast/preview': { body: 'strict' },
  'POST /api/launches/:id/readings': { body: 'strict', limit: 4 * 1024 * 1024 },
  'POST /api/launches/:id/imports': {
    body: 'csv',
    query: {
      dryRun: badEnum,
      encoding: badEnum,
      delimiter: badEnum,
      mapping: fc.constantFrom('{', '[1]', 'x', '{"a":"nope"}'),
    },
    limit: IMPORT_MAX_BYTES,
  },
  'GET /api/launches/:id/export': { body: 'none', query: { what: badEnum, headers: badEnum } },
  'POST /api/forecast/import': {
    body: 'csv',
    query: {
      encoding: badEnum,
      delimiter: badEnum,
      durationMinutes: badInt,
      timezone: fc.constantFrom('Mars/Base', 'UTC+99', ''),
    },
    limit: IMPORT_MAX_BYTES,
  },
  'POST /api/forecast/from-launch': { body: 'strict' },
  'POST /api/simulations': { body: 'strict' },
  'GET /api/simulations': { body: 'none' },
  'DELETE /api/simulations/:id': { body: 'ignored' },
  'POST /api/replays': { body: 'strict' },
  'GET /api/replays': { body: 'none' },
  'GET /api/replays/:id': { body: 'none' },
  'POST /api/replays/:id/pause': { body: 'ignored' },
  'POST /api/replays/:id/resume': { body: 'ignored' },
  'POST /api/replays/:id/step': { body: 'ignored' },
  'POST /api/replays/:id/end': { body: 'ignored' },
  'POST /api/replays/:id/seek': { body: 'strict' },
  'POST /api/replays/:id/speed': { body: 'strict' },
  'POST /api/replays/:id/alerts/:alertId/ack': { body: 'strict' },
  'GET /api/replays/:id/score': { body: 'none' },
  'DELETE /api/replays/:id': { body: 'ignored' },
  'GET /api/launches/:id/review': { body: 'none', query: { format: badEnum } },
  'POST /api/launches/:id/what-if': { body: 'strict' },
  // `{tasks}` is read on its own: an object carrying it would be judged by it alone.
  'PUT /api/launches/:id/run-sheet': { body: 'strict', exclude: ['tasks'] },
  'POST /api/launches/:id/run-sheet/:taskId/done': { body: 'strict' },
  'GET /api/groups': { body: 'none' },
  'POST /api/groups': { body: 'strict' },
  'GET /api/groups/:id': { body: 'none' },
  'PUT /api/groups/:id': { body: 'strict' },
  'DELETE /api/groups/:id': { body: 'ignored' },
  'GET /api/groups/:id/run-sheet': { body: 'none' },
  'GET /api/groups/:id/review': { body: 'none', query: { format: badEnum } },
};

/** The real id for a path parameter, so the body (not a 404) is what gets judged. */
function validParam(route: string, name: string): string {
  if (name === 'alertId' || (name === 'id' && route.startsWith('/api/alerts/'))) return alertId;
  if (name === 'taskId') return taskId;
  if (route.startsWith('/api/replays/')) return replayId;
  if (route.startsWith('/api/tokens/')) return tokenId;
  if (route.startsWith('/api/channels/')) return channelId;
  if (route.startsWith('/api/simulations/')) return simulationId;
  if (route.startsWith('/api/groups/')) return groupId;
  return launch.id;
}

const paramNames = (route: string) => [...route.matchAll(/:(\w+)/g)].map((m) => m[1]!);
const fill = (route: string, values: Record<string, string>) =>
  route.replace(/:(\w+)/g, (_, n: string) => values[n] ?? validParam(route, n));

/** A path segment no route knows as an id: too long, unknown, encoded junk, broken escapes. */
const badSegment = fc.oneof(
  tooLong(100).map(encodeURIComponent),
  fc.string({ minLength: 201, maxLength: 400, unit: 'grapheme-ascii' }).map(encodeURIComponent),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(`nope-${s}`)),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '..%2F..%2Fetc%2Fpasswd', '%uD800', '%ED%A0%80'),
);

interface Req {
  family: string;
  opts: InjectOptions & { url: string };
  /** The body was a JSON array of readings that are all invalid. */
  readingsArray?: number;
}

function requestFor(method: string, route: string, spec: RouteSpec): fc.Arbitrary<Req> {
  const params = paramNames(route);
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const base = (
    family: string,
    extra: { payload?: string | Buffer; headers?: Record<string, string> } = {},
    values: Record<string, string> = {},
  ): Req => ({
    family,
    opts: { method: method as InjectOptions['method'], url: fill(route, values), ...extra },
  });
  const json = (payload: string | Buffer) => ({ payload, headers: { 'content-type': 'application/json' } });
  const weighted: { arbitrary: fc.Arbitrary<Req>; weight: number }[] = [];
  const add = (arbitrary: fc.Arbitrary<Req>, weight = 10) => weighted.push({ arbitrary, weight });

  // Junk path parameters (and, for routes without any, junk appended to the path).
  if (params.length > 0) {
    add(
      fc
        .tuple(
          fc.subarray(params, { minLength: 1 }),
          fc.array(badSegment, { minLength: params.length, maxLength: params.length }),
        )
        .map(([which, segs]) => {
          const values = Object.fromEntries(which.map((n) => [n, segs[params.indexOf(n)]!]));
          return base('path', hasBody ? json('{}') : {}, values);
        }),
      20,
    );
  } else {
    add(
      badSegment.map((seg) => ({ ...base('path'), opts: { ...base('path').opts, url: `${route}/${seg}` } })),
      5,
    );
  }
  // Junk query strings on the parameters the route validates.
  if (spec.query) {
    const names = Object.keys(spec.query);
    add(
      fc
        .constantFrom(...names)
        .chain((name) =>
          fc.tuple(fc.constant(name), spec.query![name]!, fc.boolean(), fc.string({ maxLength: 20 })),
        )
        .map(([name, value, twice, noise]) => {
          const q = new URLSearchParams();
          q.append(name, value);
          if (twice) q.append(name, value); // a repeated parameter arrives as an array
          q.append('zz', noise);
          const r = base(
            'query',
            spec.body === 'csv'
              ? { payload: 'minute,uv\n0,1\n', headers: { 'content-type': 'text/csv' } }
              : {},
          );
          return { ...r, opts: { ...r.opts, url: `${r.opts.url}?${q.toString()}` } };
        }),
      20,
    );
  }
  if (hasBody) {
    const limit = spec.limit ?? 1024 * 1024;
    add(
      brokenJson.map((t) => base('broken-json', json(t))),
      10,
    );
    add(
      poisoned.map((t) => base('poisoned', json(t))),
      8,
    );
    add(
      wrongType.chain((type) =>
        junk.map((t) =>
          base('content-type', { payload: write(t) || 'x', headers: { 'content-type': type } }),
        ),
      ),
      8,
    );
    add(
      fc.constantFrom(limit + 1, limit + 50_000).map((n) =>
        base(
          'oversize',
          spec.body === 'csv'
            ? {
                payload: `minute,uv\n${'0,1\n'.repeat(Math.ceil(n / 4))}`,
                headers: { 'content-type': 'text/csv' },
              }
            : json(`{"zz-unknown":"${'x'.repeat(n)}"}`),
        ),
      ),
      1,
    );
    if (spec.body === 'strict') {
      add(
        invalidObject({ exclude: spec.exclude }).map((t) => base('wrong-types', json(write(t)))),
        25,
      );
      add(
        notAnObject.map((t) => ({
          ...base('not-an-object', json(write(t))),
          readingsArray: route.endsWith('/readings') && t.t === 'arr' ? t.items.length : undefined,
        })),
        10,
      );
      add(
        hugeString.map((s) =>
          base(
            'huge-string',
            json(
              write({
                t: 'obj',
                entries: [
                  ['name', raw(s)],
                  ['zz-unknown', raw(s)],
                ],
              }),
            ),
          ),
        ),
        3,
      );
      add(
        deepValid.map((t) => base('deep', json(t))),
        2,
      );
      add(
        badUtf8.map((b) => base('invalid-utf8', json(b))),
        5,
      );
    }
    if (spec.body === 'csv') {
      // No time column (every header cell is junk), or bytes that are no text at all.
      add(
        fc
          .array(
            fc.string({ maxLength: 12 }).map((s) => `junk-${s.replace(/[\r\n,"]/g, '')}`),
            { minLength: 1, maxLength: 5 },
          )
          .map((cells) =>
            base('csv-junk', {
              payload: `${cells.join(',')}\n1,2,3\n`,
              headers: { 'content-type': 'text/csv' },
            }),
          ),
        10,
      );
      add(
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) =>
          base('csv-bytes', {
            payload: Buffer.concat([Buffer.from([0xff, 0xfe, 0xfd, 0x00]), Buffer.from(b)]),
            headers: { 'content-type': 'text/csv' },
          }),
        ),
        5,
      );
      // Import routes with a JSON body: the CSV must come as a file.
      add(
        invalidObject().map((t) => base('json-to-csv-route', json(write(t)))),
        5,
      );
    }
  }
  if (spec.body === 'csv')
    for (const w of weighted)
      w.arbitrary = w.arbitrary.map((r) =>
        r.family === 'path' || r.family.startsWith('csv') || r.family === 'oversize'
          ? withQuery(r, 'dryRun=true')
          : r,
      );
  return fc.oneof(...weighted);
}

function withQuery(r: Req, q: string): Req {
  return { ...r, opts: { ...r.opts, url: `${r.opts.url}${r.opts.url.includes('?') ? '&' : '?'}${q}` } };
}

// ---------------------------------------------------------------------------------------------

async function logFiles(): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else out.set(p.slice(dataDir.length), await readFile(p));
    }
  };
  await walk(dataDir);
  return out;
}

async function snapshots(): Promise<unknown[]> {
  const list = (await app.inject({ method: 'GET', url: '/api/launches' })).json<{ id: string }[]>();
  const out: unknown[] = [];
  for (const l of list) {
    const s = (await app.inject({ method: 'GET', url: `/api/launches/${l.id}` })).json<LaunchSnapshot>();
    out.push({
      launch: s.launch,
      readings: s.readings,
      checkpoints: s.checkpoints,
      alerts: s.alerts,
      offset: s.offset,
    });
  }
  return out;
}

let filesBefore: Map<string, Buffer>;
let snapshotsBefore: unknown[];

beforeAll(async () => {
  process.env.WARROOM_IMPORT_MAX_BYTES = String(IMPORT_MAX_BYTES);
  dataDir = await tempDir('warroom-badinput-');
  // No wall-clock ticking: nothing but these requests could change the logs.
  app = (await makeApp({ dataDir, ticking: false })) as App;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening');
  url = `http://127.0.0.1:${addr.port}`;

  const created = await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() });
  launch = created.json<Launch>();
  await app.inject({
    method: 'POST',
    url: `/api/launches/${launch.id}/readings`,
    payload: readings(0, 15, 0.5),
  });
  alertId = `${launch.id}-t15-uv`;
  const snap = (
    await app.inject({ method: 'GET', url: `/api/launches/${launch.id}` })
  ).json<LaunchSnapshot>();
  expect(snap.alerts.map((a) => a.id)).toContain(alertId);
  taskId = (snap.launch.runSheet ?? [])[0]!.id;
  const replay = await app.inject({
    method: 'POST',
    url: '/api/replays',
    payload: { launchId: launch.id, speed: 1, paused: true },
  });
  replayId = replay.json<{ replayId: string }>().replayId;
  const token = await app.inject({
    method: 'POST',
    url: '/api/tokens',
    payload: { name: 'screen', scope: 'screen' },
  });
  tokenId = token.json<{ id: string }>().id;
  const channel = await app.inject({
    method: 'POST',
    url: '/api/channels',
    // Off: the storm must not change a launch's log, and a channel that is on routes its messages.
    payload: { name: 'bad input', kind: 'webhook', url: 'http://127.0.0.1:9/hook', enabled: false },
  });
  channelId = channel.json<{ id: string }>().id;
  // A simulation that was stopped: its id is real, its launch stands still.
  const sim = await app.inject({
    method: 'POST',
    url: '/api/simulations',
    payload: { scenario: 'on-plan', speed: 1, seed: 1 },
  });
  simulationId = sim.json<{ simulationId: string }>().simulationId;
  expect((await app.inject({ method: 'DELETE', url: `/api/simulations/${simulationId}` })).statusCode).toBe(
    204,
  );

  const group = await app.inject({
    method: 'POST',
    url: '/api/groups',
    payload: { name: '场次组', launchIds: [launch.id] },
  });
  groupId = group.json<{ group: { id: string } }>().group.id;

  filesBefore = await logFiles();
  snapshotsBefore = await snapshots();
});

afterAll(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  delete process.env.WARROOM_IMPORT_MAX_BYTES;
  await app?.close();
  await removeTempDirs();
});

function problemWith(req: Req, res: LightMyRequestResponse): string | null {
  const where = `${req.family} ${req.opts.method} ${req.opts.url.slice(0, 120)}`;
  if (req.readingsArray !== undefined && res.statusCode === 200) {
    const body = res.json<{ accepted: number; duplicates: number; rejected: unknown[] }>();
    if (body.accepted === 0 && body.duplicates === 0 && body.rejected.length === req.readingsArray)
      return null;
    return `${where}: 200 with something accepted: ${res.body.slice(0, 200)}`;
  }
  if (res.statusCode < 400 || res.statusCode >= 500)
    return `${where}: ${res.statusCode} ${res.body.slice(0, 200)}`;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = res.json();
  } catch {
    return `${where}: ${res.statusCode} not JSON: ${res.body.slice(0, 200)}`;
  }
  // (The static file server answers a path-traversal attempt 403 "Forbidden" with invalid_input.)
  if (body.error?.code === 'unauthorized' || body.error?.code === 'forbidden')
    return `${where}: ${res.statusCode} (auth answered, not validation)`;
  if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string')
    return `${where}: ${res.statusCode} without the error shape: ${res.body.slice(0, 200)}`;
  if (/\bat .*\.(ts|js):\d+/.test(res.body)) return `${where}: a stack trace in the answer`;
  return null;
}

describe('generated malformed HTTP requests, as the admin', () => {
  it('every route answers 4xx with the error shape, never 5xx, never a success', async () => {
    const routes = registered.routes.filter(
      (r) => r.method !== 'HEAD' && (r.url.startsWith('/api/') || r.url === '/healthz'),
    );
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    expect(
      keys.filter((k) => !(k in SPECS)),
      'routes without a spec here: add one',
    ).toEqual([]);
    const problems: string[] = [];
    const families = new Map<string, number>();
    for (const { method, url: route } of routes) {
      const spec = SPECS[`${method} ${route}`]!;
      await fc
        .assert(
          fc.asyncProperty(requestFor(method, route, spec), async (req) => {
            const res = await app.inject(req.opts);
            counts.http++;
            families.set(req.family, (families.get(req.family) ?? 0) + 1);
            const problem = problemWith(req, res);
            if (problem) problems.push(problem);
            return problem === null;
          }),
          { numRuns: RUNS_PER_ROUTE, seed: SEED, endOnFailure: true },
        )
        .catch(() => undefined); // the problems list says what failed
      if (problems.length > 20) break;
    }
    expect(problems).toEqual([]);
    expect(counts.http).toBeGreaterThanOrEqual(routes.length * RUNS_PER_ROUTE);
    // Every family was exercised.
    for (const f of [
      'path',
      'query',
      'broken-json',
      'poisoned',
      'content-type',
      'oversize',
      'wrong-types',
      'not-an-object',
      'huge-string',
      'deep',
      'invalid-utf8',
      'csv-junk',
      'csv-bytes',
    ])
      expect(families.get(f) ?? 0, f).toBeGreaterThan(0);
  }, 240_000);
});

// ---------------------------------------------------------------------------------------------
// Sockets.

type Ack = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

function connect(): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: app.adminCookie },
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** A junk payload as a value (parsed from its text, so `__proto__` keys are own properties). */
const socketPayload: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: invalidObject().map((t) => JSON.parse(write(t)) as unknown), weight: 30 },
  { arbitrary: notAnObject.map((t) => JSON.parse(write(t)) as unknown), weight: 10 },
  { arbitrary: fc.constant(undefined), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom('__proto__', 'constructor', 'prototype'),
        fc.nat({ max: 5 }),
        fc.constantFrom('launchId', 'replayId', 'alertId'),
      )
      .map(([key, depth, field]) => {
        const inner =
          key === 'constructor'
            ? '{"constructor":{"prototype":{"polluted":"yes"}}}'
            : `{"${key}":{"polluted":"yes"}}`;
        return JSON.parse(
          `{"${field}":"x","zz":1,"${key}":${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}}`,
        ) as unknown;
      }),
    weight: 10,
  },
  {
    arbitrary: fc
      .constantFrom(1_000, 2_000)
      .map((d) => JSON.parse(`{"zz":${deep(d, 'arr')},"launchId":${deep(d, 'obj')}}`) as unknown),
    weight: 2,
  },
  {
    arbitrary: fc
      .constantFrom(10_000, 25_000)
      .map((n) => ({ launchId: 'x'.repeat(n), alertId: 'y'.repeat(n), zz: 1 })),
    weight: 2,
  },
);

describe('generated malformed socket payloads, as the admin', () => {
  it('every event answers a rejected acknowledgement with an error, and the connection stays up', async () => {
    const socket = await connect();
    const problems: string[] = [];
    // `inbox:subscribe` takes no input: anything sent with it is ignored and it answers the inbox.
    for (const event of ['subscribe', 'unsubscribe', 'alert:ack', 'inbox:subscribe', 'group:subscribe']) {
      await fc
        .assert(
          fc.asyncProperty(socketPayload, async (payload) => {
            let answer: Ack;
            try {
              answer = (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack;
            } catch (e) {
              problems.push(`${event} ${JSON.stringify(payload)?.slice(0, 150)}: ${(e as Error).message}`);
              return false;
            }
            counts.socket++;
            const ok =
              event === 'inbox:subscribe'
                ? answer.ok === true && Array.isArray(answer.data)
                : answer.ok === false &&
                  typeof answer.error?.code === 'string' &&
                  typeof answer.error.message === 'string' &&
                  answer.error.code !== 'internal' &&
                  answer.error.code !== 'forbidden';
            if (!ok)
              problems.push(
                `${event} ${JSON.stringify(payload)?.slice(0, 150)} → ${JSON.stringify(answer).slice(0, 200)}`,
              );
            return ok;
          }),
          { numRuns: RUNS_PER_EVENT, seed: SEED, endOnFailure: true },
        )
        .catch(() => undefined);
    }
    // Odd shapes of the call itself: no payload, extra arguments.
    for (const event of ['subscribe', 'unsubscribe', 'alert:ack']) {
      const answer = (await socket
        .timeout(5000)
        .emitWithAck(event)
        .catch((e: Error) => e)) as Ack | Error;
      const extra = (await socket
        .timeout(5000)
        .emitWithAck(event, 1, 2, 3)
        .catch((e: Error) => e)) as Ack | Error;
      counts.socket += 2;
      for (const a of [answer, extra])
        if (a instanceof Error || a.ok)
          problems.push(
            `${event} without a payload or with extra arguments: ${a instanceof Error ? a.message : 'ok'}`,
          );
    }
    expect(problems).toEqual([]);
    expect(socket.connected).toBe(true);
    socket.disconnect();
  }, 240_000);

  it('raw frames socket.io-client cannot send: 10,000 levels deep, poison keys, broken packets, invalid UTF-8, oversize', async () => {
    const wsUrl = `${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
    /** Opens a raw engine.io WebSocket and joins the default namespace as the admin. */
    const open = () =>
      new Promise<{ ws: WebSocket; frames: string[]; closed: Promise<void> }>((resolve, reject) => {
        const ws = new WebSocket(wsUrl, { headers: { cookie: app.adminCookie } });
        const frames: string[] = [];
        const closed = new Promise<void>((r) => ws.once('close', () => r()));
        ws.on('message', (data: Buffer) => {
          const text = data.toString();
          if (text === '2') ws.send('3'); // engine.io ping → pong
          frames.push(text);
          if (text.startsWith('40')) resolve({ ws, frames, closed });
        });
        ws.once('open', () => ws.send('40'));
        ws.once('error', reject);
      });
    const answerTo = async (c: { frames: string[] }, id: number) => {
      for (let i = 0; i < 400; i++) {
        const f = c.frames.find((x) => x.startsWith(`43${id}[`));
        if (f) return JSON.parse(f.slice(`43${id}`.length)) as [Ack];
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no answer to packet ${id}`);
    };

    // Valid packets with hostile payloads: answered with a rejected acknowledgement.
    const conn = await open();
    let id = 0;
    const hostile = [
      `["subscribe",{"zz":${deep(10_000, 'arr')}}]`,
      `["alert:ack",${deep(10_000, 'obj')}]`,
      `["subscribe",{"launchId":"${launch.id}","__proto__":{"polluted":"yes"}}]`,
      `["alert:ack",{"alertId":"${alertId}","constructor":{"prototype":{"polluted":"yes"}}}]`,
      `["unsubscribe",{"replayId":"x","__proto__":{"replayId":"y","polluted":"yes"}}]`,
      `["alert:ack",{"replayId":"${replayId}","alertId":"x","prototype":{"polluted":"yes"}}]`,
      `["subscribe",{"launchId":"${'\\ud800'.repeat(100)}"}]`,
    ];
    for (const packet of hostile) {
      conn.ws.send(`42${++id}${packet}`);
      const [answer] = await answerTo(conn, id);
      counts.raw++;
      expect(answer, packet.slice(0, 80)).toMatchObject({ ok: false, error: { code: expect.any(String) } });
      expect(answer.ok || answer.error.code).not.toBe('internal');
    }
    conn.ws.close();

    // Packets that are not socket.io at all: the server drops that connection, nothing else.
    const broken: (string | Buffer)[] = [
      '42["subscribe"',
      '42{"a":1}',
      '4',
      '9',
      '42[1,2,3]',
      '42["subscribe",{"launchId":"x"}',
      `42["subscribe",${deep(10_000, 'arr', false)}`,
      Buffer.from([0xff, 0xfe, 0x00, 0xc3]),
      `42["subscribe",{"zz":"${'x'.repeat(70 * 1024)}"}]`,
    ];
    for (const frame of broken) {
      const c = await open();
      c.ws.send(frame);
      counts.raw++;
      // Either dropped or ignored; the server must not answer with a crash, and must keep serving.
      await Promise.race([c.closed, new Promise((r) => setTimeout(r, 300))]);
      c.ws.terminate();
    }
    // An invalid UTF-8 text frame: the WebSocket layer itself refuses it.
    const c = await open();
    c.ws.send(Buffer.from([0x34, 0x32, 0xff, 0xfe, 0xc3]), { binary: false });
    counts.raw++;
    await Promise.race([c.closed, new Promise((r) => setTimeout(r, 500))]);
    c.ws.terminate();

    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
  }, 60_000);
});

describe('after the storm', () => {
  it('sent at least 10,000 malformed requests and payloads in all', () => {
    expect(counts.http + counts.socket + counts.raw).toBeGreaterThanOrEqual(10_000);
  });

  it('the stored logs are byte-identical and every launch snapshot unchanged', async () => {
    const after = await logFiles();
    expect([...after.keys()].sort()).toEqual([...filesBefore.keys()].sort());
    for (const [path, bytes] of filesBefore) expect(after.get(path)?.equals(bytes), path).toBe(true);
    expect(await snapshots()).toEqual(snapshotsBefore);
  });

  it('Object.prototype is intact', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeysBefore);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype.toString.call([])).toBe('[object Array]');
  });

  it('the server still serves: healthz, a valid reading, a subscription', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const res = await app.inject({
      method: 'POST',
      url: `/api/launches/${launch.id}/readings`,
      payload: { minute: 15, uv: 100, units: 10, gmv: 1000 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
    const socket = await connect();
    const answer = (await socket.timeout(5000).emitWithAck('subscribe', { launchId: launch.id })) as Ack;
    expect(answer.ok).toBe(true);
    socket.disconnect();
  });
});
