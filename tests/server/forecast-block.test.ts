/**
 * A launch's per-minute curve is kept in its log as one compact block (server/src/store/
 * forecast-block.ts), not one JSON object per minute: a year-long launch's log line is well under
 * 5 MB instead of 80 MB, and a start reads back exactly the numbers that were written. Logs written
 * before the block (curves as objects) still load; a damaged block is a corrupt log, never a torn
 * line cut off in silence.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ForecastMinute, ForecastRange, Launch, LaunchEvent } from '@warroom/shared';
import {
  FORECAST_BLOCK_CODEC,
  compactEvent,
  decodeForecast,
  encodeForecast,
  expandEvent,
} from '../../server/src/store/forecast-block';
import { templateForecast, templatePreheat } from '../../server/src/engine/index';
import { connectRedis, logKey, waitReady } from '../../server/src/store/redis-store';
import {
  TEST_REDIS_TARGET,
  TEST_STORE,
  makeApp,
  pastLaunchInput,
  redisPrefixFor,
  removeTempDirs,
  tempDir,
} from '../helpers/server';

afterAll(removeTempDirs);

const YEAR = 365 * 24 * 60;
const round = (points: readonly ForecastMinute[]) =>
  decodeForecast(JSON.parse(JSON.stringify(encodeForecast(points))));

describe('the forecast block', () => {
  it('gives back a year-long template curve and its preheat exactly, in well under 5 MB', () => {
    const targets = { uv: 52_560_000, units: 3_153_600, gmv: 315_360_000 };
    const curve = templateForecast(targets, YEAR, Date.parse('2026-11-11T00:00:00+08:00'), 'Asia/Shanghai');
    const block = encodeForecast(curve);
    expect(block).not.toBeNull();
    expect(block!.codec).toBe(FORECAST_BLOCK_CODEC);
    expect(block!.columns.map((c) => c.key)).toEqual(Object.keys(curve[0]!).filter((k) => k !== 'minute'));
    // Four decimals each, and small steps from minute to minute: 32-bit differences.
    expect(block!.columns.map((c) => [c.decimals, c.type])).toEqual(block!.columns.map(() => [4, 'i32']));
    expect(JSON.stringify(block).length).toBeLessThan(1024 * 1024);
    expect(JSON.stringify(curve).length).toBeGreaterThan(50 * 1024 * 1024);
    expect(round(curve)).toStrictEqual(curve);
    const preheat = templatePreheat(targets, 24 * 60);
    expect(preheat[0]!.minute).toBe(-1440);
    expect(round(preheat)).toStrictEqual(preheat);
  });

  const value = fc.oneof(
    fc.integer({ min: 0, max: 1_000_000_000 }),
    fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 10_000),
    fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }),
    fc.constant(0.1 + 0.2),
    fc.constant(Number.MAX_SAFE_INTEGER),
  );
  const channel = fc.record({ uv: value, buyers: value, gmv: value, spend: value }, { requiredKeys: [] });
  const point = fc.record(
    {
      uv: value,
      pv: value,
      gmv: value,
      placedOrders: value,
      channels: fc.dictionary(fc.constantFrom('search', 'feed', 'live'), channel, { maxKeys: 2 }),
    },
    { requiredKeys: ['uv'] },
  );

  it('gives back any curve of consecutive minutes exactly: fractions, huge values, gaps in a measure, channel plans', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1440, max: 1000 }),
        fc.array(point, { minLength: 1, maxLength: 60 }),
        (first, ps) => {
          // As a launch's curve reaches the store: plain JSON objects.
          const curve = JSON.parse(
            JSON.stringify(ps.map((p, i) => ({ minute: first + i, ...p }))),
          ) as ForecastMinute[];
          const back = round(curve);
          expect(back).toStrictEqual(curve);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves a curve it cannot describe exactly as objects: minutes out of step, a value of another kind', () => {
    expect(encodeForecast([])).toBeNull();
    expect(
      encodeForecast([
        { minute: 0, uv: 1 },
        { minute: 2, uv: 1 },
      ] as ForecastMinute[]),
    ).toBeNull();
    expect(encodeForecast([{ minute: 0, uv: '1' }] as unknown as ForecastMinute[])).toBeNull();
    expect(encodeForecast([{ minute: 0, uv: Infinity }] as ForecastMinute[])).toBeNull();
    const launch = {
      id: 'x',
      forecast: [
        { minute: 0, uv: 1 },
        { minute: 2, uv: 1 },
      ],
    } as unknown as Launch;
    const event = { type: 'launch.created', launch, offset: 1, launchId: 'x', recordedAt: '' } as LaunchEvent;
    expect(compactEvent(event)).toBe(event);
  });

  it('refuses a damaged block with a reason', () => {
    const block = encodeForecast(
      Array.from({ length: 100 }, (_, minute) => ({ minute, uv: minute * 1.5 })) as ForecastMinute[],
    )!;
    const data = Buffer.from(block.data, 'base64');
    data[data.length - 1] = data[data.length - 1]! ^ 0xff; // the Adler-32 checksum no longer matches
    expect(() => decodeForecast({ ...block, data: data.toString('base64') })).toThrow(/check/i);
    expect(() => decodeForecast({ ...block, count: 99 })).toThrow(/bytes/);
  });

  it('turns a launch.created and a launch.updated into blocks and back, leaving the event it was given alone', () => {
    const forecast = Array.from({ length: 90 }, (_, minute) => ({ minute, uv: 100, units: 10, gmv: 999.99 }));
    const preheatForecast = Array.from({ length: 30 }, (_, i) => ({ minute: i - 30, uv: 12.5 }));
    const launch = { id: 'abcd1234', forecast, preheatForecast } as unknown as Launch;
    for (const type of ['launch.created', 'launch.updated'] as const) {
      const event = {
        type,
        launch,
        by: 'admin',
        at: '',
        offset: 1,
        launchId: 'abcd1234',
        recordedAt: '',
      } as LaunchEvent;
      const stored = JSON.parse(JSON.stringify(compactEvent(event))) as LaunchEvent & { launch: Launch };
      expect((stored.launch.forecast as unknown as { codec: string }).codec).toBe(FORECAST_BLOCK_CODEC);
      expect((stored.launch.preheatForecast as unknown as { codec: string }).codec).toBe(
        FORECAST_BLOCK_CODEC,
      );
      expect(launch.forecast).toBe(forecast);
      expect(expandEvent(stored)).toStrictEqual(event);
    }
  });
});

/** The bytes the store keeps for a launch: its JSONL file, or its Redis stream's entries. */
async function storedBytes(dataDir: string, launchId: string): Promise<{ bytes: number; first: string }> {
  if (TEST_STORE === 'file') {
    const text = await readFile(join(dataDir, 'launches', `${launchId}.jsonl`), 'utf8');
    return { bytes: Buffer.byteLength(text), first: text.slice(0, text.indexOf('\n')) };
  }
  const redis = connectRedis(TEST_REDIS_TARGET);
  try {
    await waitReady(redis);
    const entries = await redis.xrange(logKey(redisPrefixFor(dataDir), 'log', launchId), '-', '+');
    const values = entries.map(([, fields]) => fields[fields.indexOf('e') + 1]!);
    return { bytes: values.reduce((n, v) => n + Buffer.byteLength(v), 0), first: values[0]! };
  } finally {
    redis.disconnect();
  }
}

describe(`a year-long launch in the ${TEST_STORE} store`, () => {
  it('is stored in under 5 MB and comes back from a restart with the same curve', async () => {
    const dataDir = await tempDir();
    let app = await makeApp({ dataDir, ticking: false });
    const created = await app.inject({
      method: 'POST',
      url: '/api/launches',
      headers: { prefer: 'return=minimal' },
      payload: {
        name: '全年店铺活动',
        startAt: '2026-01-01T00:00:00+08:00',
        durationMinutes: YEAR,
        preheatMinutes: 720,
        checkpoints: [1440, YEAR],
        forecast: { template: { uv: 52_560_000, units: 3_153_600, gmv: 315_360_000 } },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers['preference-applied']).toBe('return=minimal');
    const head = created.json<Launch>();
    expect(head.forecast).toBeUndefined();
    expect(head.preheatForecast).toBeUndefined();
    expect(Buffer.byteLength(created.body)).toBeLessThan(50 * 1024);

    const stored = await storedBytes(dataDir, head.id);
    expect(stored.bytes).toBeLessThan(5 * 1024 * 1024);
    expect(stored.first).toContain(FORECAST_BLOCK_CODEC);

    const ranges = [
      '?from=-720&to=1440',
      `?from=${200_000}&to=${210_080}`,
      `?from=${YEAR - 7 * 1440}&to=${YEAR}`,
    ];
    const before: ForecastRange[] = [];
    for (const q of ranges) {
      const res = await app.inject({ method: 'GET', url: `/api/launches/${head.id}/forecast${q}` });
      expect(res.statusCode, res.body).toBe(200);
      before.push(res.json<ForecastRange>());
    }
    expect(before[0]!.points[0]!.minute).toBe(-720);
    expect(before[2]!.points.at(-1)!.minute).toBe(YEAR - 1);
    await app.close();

    app = await makeApp({ dataDir, ticking: false });
    for (const [i, q] of ranges.entries()) {
      const res = await app.inject({ method: 'GET', url: `/api/launches/${head.id}/forecast${q}` });
      expect(res.json<ForecastRange>()).toStrictEqual(before[i]);
    }
    await app.close();
  });
});

/** A data directory holding one launch (the app closed again), and the path of its log. */
async function storedLaunch(): Promise<{ dataDir: string; launch: Launch; path: string }> {
  const dataDir = await tempDir();
  const app = await makeApp({ dataDir, ticking: false });
  const res = await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() });
  await app.close();
  const launch = res.json<Launch>();
  return { dataDir, launch, path: join(dataDir, 'launches', `${launch.id}.jsonl`) };
}

describe.skipIf(TEST_STORE === 'redis')('a log written before the block, and a damaged block', () => {
  it('loads a launch whose curve was written as objects', async () => {
    const { dataDir, launch, path } = await storedLaunch();
    const lines = (await readFile(path, 'utf8')).split('\n');
    const first = JSON.parse(lines[0]!) as LaunchEvent & { launch: Launch };
    expect((first.launch.forecast as unknown as { codec: string }).codec).toBe(FORECAST_BLOCK_CODEC);
    // As the store wrote it before there was a block.
    await writeFile(path, [JSON.stringify(expandEvent(first)), ...lines.slice(1)].join('\n'));
    const app = await makeApp({ dataDir, ticking: false });
    const res = await app.inject({ method: 'GET', url: `/api/launches/${launch.id}?include=forecast` });
    expect(res.json<{ launch: Launch }>().launch.forecast).toStrictEqual(launch.forecast);
    await app.close();
  });

  it('reports a launch whose block is damaged as corrupt (not loaded, degraded), and keeps the log as it is', async () => {
    const { dataDir, launch, path } = await storedLaunch();
    const text = await readFile(path, 'utf8');
    const first = JSON.parse(text.slice(0, text.indexOf('\n'))) as { launch: { forecast: { data: string } } };
    const data = Buffer.from(first.launch.forecast.data, 'base64');
    data[data.length - 1] = data[data.length - 1]! ^ 0xff;
    first.launch.forecast.data = data.toString('base64');
    const damaged = JSON.stringify(first) + '\n';
    await writeFile(path, damaged);
    const app = await makeApp({ dataDir, ticking: false });
    expect((await app.inject({ method: 'GET', url: `/api/launches/${launch.id}` })).statusCode).toBe(404);
    const health = (await app.inject({ method: 'GET', url: '/healthz' })).json<{
      status: string;
      problems: { launchId: string; kind: string; message: string }[];
    }>();
    expect(health.status).toBe('degraded');
    expect(health.problems).toEqual([
      expect.objectContaining({
        launchId: launch.id,
        kind: 'corrupt',
        message: expect.stringMatching(/line 1 cannot be read: .*check/i),
      }),
    ]);
    await app.close();
    expect(await readFile(path, 'utf8')).toBe(damaged);
  });
});
