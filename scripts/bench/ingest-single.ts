/**
 * ingest-single: one reading per POST, many connections (autocannon) → requests/s, p50/p99, each
 * beside the floor measured in the same run.
 *
 * The floor (issue #18 item 6): a bare Fastify 5 server in its own process with one no-op route
 * taking the same JSON body (http-floor-server.ts), driven by the same autocannon settings from
 * this process, right before and right after the real server's phases. Our rates are printed as a
 * ratio of the floor's (the mean of the two floor runs), so a busy machine moves both alike.
 *
 * Phase 1 (the figure): every request carries a minute no request sent before (launches of 2,880
 * minutes filled one after another, so concurrent requests land on the same launch and share its
 * group commits, as a launch's pushers would). Each is accepted, recorded and fdatasync'ed before
 * its answer. Answers are parsed and the server's reading count checked afterwards, so the figure
 * is accepted new readings, not just 200s.
 * Phase 2: identical re-sends of one minute. Those are duplicates that write nothing, so they show
 * the cost of the HTTP and validation path without the disk.
 */
import autocannon, { type Request, type Result } from 'autocannon';
import { Child } from './client-process';
import {
  type BenchResult,
  type IngestReply,
  HOST,
  authenticate,
  createLaunches,
  fmt,
  freePort,
  jsonClient,
  loadText,
  log,
  pastLaunch,
  reading,
  startServer,
  waitUntilHealthy,
} from './lib';

const NAME = 'ingest-single';
const DURATION_MINUTES = 1440;
const PREHEAT_MINUTES = 1440;
const MINUTES_PER_LAUNCH = PREHEAT_MINUTES + DURATION_MINUTES;
const LAUNCHES = 80;
const CONNECTIONS = 64;
const WARMUP_S = 2;
const DURATION_S = 10;
const DUPLICATES_S = 5;
const FLOOR_S = 5;
const TARGET = 5_000;
/** Issue #18 item 6: our rates as a share of the no-op Fastify route's, measured in the same run. */
const TARGET_NEW_RATIO = 0.5;
const TARGET_DUPLICATE_RATIO = 0.7;

interface Tally {
  accepted: number;
  duplicates: number;
  rejected: number;
  unparsed: number;
}

const newTally = (): Tally => ({ accepted: 0, duplicates: 0, rejected: 0, unparsed: 0 });

/** One autocannon run of single POSTs at `url`; every 200 is parsed as an ingest report into `tally`. */
function cannon(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  setupRequest: (req: Request) => Request,
  tally: Tally,
): Promise<Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        setupRequest,
        onResponse: (status, body) => {
          if (status !== 200) return;
          try {
            const r = JSON.parse(body) as IngestReply;
            tally.accepted += r.accepted;
            tally.duplicates += r.duplicates;
            tally.rejected += r.rejected.length;
          } catch {
            tally.unparsed++;
          }
        },
      },
    ],
  });
}

/** The floor server (a child process), warmed up; `measure()` is one timed run against it. */
async function startFloor(headers: Record<string, string>) {
  const port = await freePort();
  const child = Child.fork('./http-floor-server.ts', [], { PORT: String(port) });
  const url = `http://${HOST}:${port}`;
  await waitUntilHealthy(url, child.proc, 'the floor server');
  // The same request as a new minute's, to a route that does nothing with it.
  const body = JSON.stringify(reading(0, 1));
  const setup = (req: Request): Request => ({ ...req, path: '/api/launches/floor/readings', body });
  await cannon(url, headers, WARMUP_S, setup, newTally());
  return {
    measure: async (when: string): Promise<number> => {
      const r = await cannon(url, headers, FLOOR_S, setup, newTally());
      const rate = r['2xx'] / r.duration;
      log(
        NAME,
        `floor (no-op Fastify route), ${when}: ${fmt(rate, 0)} req/s, non-2xx ${r.non2xx}, errors ${r.errors}; ` +
          `latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (load average ${loadText()})`,
      );
      if (r.non2xx + r.errors > 0) throw new Error('the floor server answered errors');
      return rate;
    },
    stop: () => child.stop(),
  };
}

export async function ingestSingle(): Promise<BenchResult> {
  const server = await startServer(NAME);
  const creds = await authenticate(server.url);
  const admin = jsonClient(server.url, 8, creds.admin);
  let floor: Awaited<ReturnType<typeof startFloor>> | undefined;
  try {
    floor = await startFloor(creds.ingest);
    log(NAME, `server on ${server.url}, DATA_DIR ${server.dataDir}`);
    const ids = await createLaunches(admin, LAUNCHES, (i) =>
      pastLaunch({ name: `bench single ${i}`, durationMinutes: DURATION_MINUTES, startedMinutesAgo: 1500 }),
    );

    // One counter across all connections: request n is minute n of the launches laid end to end.
    // Past their end it wraps with a changed value, so a re-sent minute is still a change (never
    // expected within the run; reported if it happens).
    let n = 0;
    let wrapped = 0;
    const capacity = LAUNCHES * MINUTES_PER_LAUNCH;
    const nextRequest = (req: Request): Request => {
      const i = n++;
      const pass = Math.floor(i / capacity);
      if (pass > 0) wrapped++;
      const launch = ids[Math.floor((i % capacity) / MINUTES_PER_LAUNCH)]!;
      const minute = (i % MINUTES_PER_LAUNCH) - PREHEAT_MINUTES;
      return {
        ...req,
        path: `/api/launches/${launch}/readings`,
        body: JSON.stringify(reading(minute, 1 + pass)),
      };
    };

    const floorBefore = await floor.measure('before');
    const ours = (seconds: number, setup: (req: Request) => Request, tally: Tally) =>
      cannon(server.url, creds.ingest, seconds, setup, tally);
    const warm = newTally();
    await ours(WARMUP_S, nextRequest, warm);
    const tally = newTally();
    const result = await ours(DURATION_S, nextRequest, tally);
    const accepted = tally.accepted / result.duration;
    const reqPerS = result['2xx'] / result.duration;
    log(
      NAME,
      `new minutes: ${fmt(result['2xx'], 0)} 2xx in ${fmt(result.duration, 1)} s → ${fmt(reqPerS, 0)} req/s, ` +
        `accepted ${fmt(tally.accepted, 0)}, duplicates ${tally.duplicates}, rejected ${tally.rejected}, ` +
        `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; ` +
        `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms ` +
        `(load average ${loadText()})`,
    );

    // The server holds what it acknowledged (requests still in flight when autocannon stopped
    // may have landed too, so at least that many).
    const list = await admin.get<{ readings: number }[]>('/api/launches');
    const stored = list.body.reduce((s, l) => s + l.readings, 0);
    if (stored < warm.accepted + tally.accepted)
      throw new Error(
        `the server holds ${stored} readings, fewer than the ${warm.accepted + tally.accepted} accepted`,
      );

    // Phase 2: identical re-sends of a minute that is already there.
    const first = ids[0]!;
    const dupBody = JSON.stringify(reading(-PREHEAT_MINUTES, 1));
    const dupTally = newTally();
    const dup = await ours(
      DUPLICATES_S,
      (req) => ({ ...req, path: `/api/launches/${first}/readings`, body: dupBody }),
      dupTally,
    );
    const dupPerS = dup['2xx'] / dup.duration;
    log(
      NAME,
      `identical re-sends: ${fmt(dupPerS, 0)} req/s, duplicates ${fmt(dupTally.duplicates, 0)}, ` +
        `accepted ${dupTally.accepted}; latency p50 ${dup.latency.p50} ms, p99 ${dup.latency.p99} ms ` +
        `(load average ${loadText()})`,
    );
    const floorAfter = await floor.measure('after');
    const floorPerS = (floorBefore + floorAfter) / 2;

    const clean = tally.duplicates + tally.rejected + tally.unparsed + result.non2xx + result.errors === 0;
    return {
      name: NAME,
      figures: [
        {
          label: 'single-reading POSTs, new minutes',
          value: accepted,
          unit: 'readings/s',
          target: { kind: 'min', value: TARGET },
        },
        { label: 'single-reading POSTs, p50', value: result.latency.p50, unit: 'ms' },
        { label: 'single-reading POSTs, p99', value: result.latency.p99, unit: 'ms' },
        { label: 'identical re-sends (no write)', value: dupPerS, unit: 'req/s' },
        { label: 'identical re-sends, p99', value: dup.latency.p99, unit: 'ms' },
        { label: 'floor: no-op Fastify route (mean)', value: floorPerS, unit: 'req/s' },
        {
          label: 'new minutes / floor',
          value: reqPerS / floorPerS,
          unit: '×',
          digits: 2,
          target: { kind: 'min', value: TARGET_NEW_RATIO },
        },
        {
          label: 'identical re-sends / floor',
          value: dupPerS / floorPerS,
          unit: '×',
          digits: 2,
          target: { kind: 'min', value: TARGET_DUPLICATE_RATIO },
        },
      ],
      notes: [
        `autocannon, ${CONNECTIONS} connections, ${DURATION_S} s after a ${WARMUP_S} s warm-up, one reading per POST, ` +
          `each a minute never sent before (${LAUNCHES} launches × ${MINUTES_PER_LAUNCH} minutes filled in turn)` +
          (clean
            ? `: all ${fmt(tally.accepted, 0)} accepted and fdatasync'ed before their answer (${fmt(reqPerS, 0)} req/s)`
            : `: NOT all accepted (duplicates ${tally.duplicates}, rejected ${tally.rejected}, non-2xx ${result.non2xx}, errors ${result.errors})`) +
          (wrapped > 0 ? `; ${wrapped} requests re-sent an earlier minute with a changed value` : ''),
        `identical re-sends (${DUPLICATES_S} s): counted as duplicates and answered without a disk write, so this is the ` +
          `HTTP + validation ceiling, not an ingest rate`,
        `floor: a bare Fastify 5 server (own process) with one no-op POST route taking the same JSON body, ` +
          `same autocannon settings, ${FLOOR_S} s right before (${fmt(floorBefore, 0)} req/s) and right after ` +
          `(${fmt(floorAfter, 0)} req/s) the real server's phases; the ratios are of req/s against their mean`,
      ],
    };
  } finally {
    admin.close();
    await floor?.stop();
    await server.stop();
  }
}
