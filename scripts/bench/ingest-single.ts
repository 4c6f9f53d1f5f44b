/**
 * ingest-single: one reading per POST, many connections (autocannon) → requests/s, p50/p99.
 *
 * Phase 1 (the figure): every request carries a minute no request sent before (launches of 2,880
 * minutes filled one after another, so concurrent requests land on the same launch and share its
 * group commits, as a launch's pushers would). Each is accepted, recorded and fdatasync'ed before
 * its answer. Answers are parsed and the server's reading count checked afterwards, so the figure
 * is accepted new readings, not just 200s.
 * Phase 2 (a note): identical re-sends of one minute. Those are duplicates that write nothing, so
 * they show the cost of the HTTP and validation path without the disk.
 */
import autocannon, { type Request, type Result } from 'autocannon';
import {
  type BenchResult,
  type IngestReply,
  authenticate,
  createLaunches,
  fmt,
  jsonClient,
  log,
  pastLaunch,
  reading,
  startServer,
} from './lib';

const NAME = 'ingest-single';
const DURATION_MINUTES = 1440;
const PREHEAT_MINUTES = 1440;
const MINUTES_PER_LAUNCH = PREHEAT_MINUTES + DURATION_MINUTES;
const LAUNCHES = 80;
const CONNECTIONS = 64;
const WARMUP_S = 2;
const DURATION_S = 10;
const DUPLICATES_S = 4;
const TARGET = 5_000;

interface Tally {
  accepted: number;
  duplicates: number;
  rejected: number;
  unparsed: number;
}

export async function ingestSingle(): Promise<BenchResult> {
  const server = await startServer(NAME);
  const creds = await authenticate(server.url);
  const admin = jsonClient(server.url, 8, creds.admin);
  try {
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
    const cannon = async (seconds: number, setupRequest: typeof nextRequest, tally: Tally): Promise<Result> =>
      autocannon({
        url: server.url,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...creds.ingest },
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
    const newTally = (): Tally => ({ accepted: 0, duplicates: 0, rejected: 0, unparsed: 0 });

    const warm = newTally();
    await cannon(WARMUP_S, nextRequest, warm);
    const tally = newTally();
    const result = await cannon(DURATION_S, nextRequest, tally);
    const accepted = tally.accepted / result.duration;
    const reqPerS = result['2xx'] / result.duration;
    log(
      NAME,
      `new minutes: ${fmt(result['2xx'], 0)} 2xx in ${fmt(result.duration, 1)} s → ${fmt(reqPerS, 0)} req/s, ` +
        `accepted ${fmt(tally.accepted, 0)}, duplicates ${tally.duplicates}, rejected ${tally.rejected}, ` +
        `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; ` +
        `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
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
    const dup = await cannon(
      DUPLICATES_S,
      (req) => ({ ...req, path: `/api/launches/${first}/readings`, body: dupBody }),
      dupTally,
    );
    log(
      NAME,
      `identical re-sends: ${fmt(dup['2xx'] / dup.duration, 0)} req/s, duplicates ${fmt(dupTally.duplicates, 0)}, ` +
        `accepted ${dupTally.accepted}; latency p50 ${dup.latency.p50} ms, p99 ${dup.latency.p99} ms`,
    );

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
        { label: 'identical re-sends (no write)', value: dup['2xx'] / dup.duration, unit: 'req/s' },
        { label: 'identical re-sends, p99', value: dup.latency.p99, unit: 'ms' },
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
      ],
    };
  } finally {
    admin.close();
    await server.stop();
  }
}
