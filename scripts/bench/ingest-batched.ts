/**
 * ingest-batched: batched reading POSTs into the embedded store (fdatasync on) → readings/s.
 *
 * The real server runs as a child process with a temp DATA_DIR. Launches of 1,440 minutes (plus
 * the 24 h preheat window, so 2,880 minutes each) are created up front; then a few keep-alive
 * connections each take the next launch and POST its minutes in order, BATCH readings per request.
 * Every reading is a new minute, so every one is accepted, recorded and fdatasync'ed before the
 * answer. The figure is accepted readings / wall time of the timed phase.
 */
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
  wallNow,
} from './lib';

const NAME = 'ingest-batched';
const DURATION_MINUTES = 1440;
const PREHEAT_MINUTES = 1440;
const MINUTES_PER_LAUNCH = PREHEAT_MINUTES + DURATION_MINUTES;
const BATCH = 960; // three requests per launch
const CONNECTIONS = 4;
const WARMUP_LAUNCHES = 8;
const TIMED_LAUNCHES = 160;
const TIME_LIMIT_MS = 10_000;
const TARGET = 100_000;

export async function ingestBatched(): Promise<BenchResult> {
  const server = await startServer(NAME);
  const creds = await authenticate(server.url);
  const admin = jsonClient(server.url, 8, creds.admin);
  const client = jsonClient(server.url, CONNECTIONS, creds.ingest);
  try {
    log(NAME, `server on ${server.url}, DATA_DIR ${server.dataDir}`);
    const total = WARMUP_LAUNCHES + TIMED_LAUNCHES;
    const t0 = wallNow();
    const ids = await createLaunches(admin, total, (i) =>
      pastLaunch({ name: `bench batched ${i}`, durationMinutes: DURATION_MINUTES, startedMinutesAgo: 1500 }),
    );
    log(NAME, `created ${total} launches of ${DURATION_MINUTES} minutes in ${fmt(wallNow() - t0, 0)} ms`);

    // Every launch gets the same minutes, so the request bodies are built once.
    const bodies: string[] = [];
    for (let from = -PREHEAT_MINUTES; from < DURATION_MINUTES; from += BATCH) {
      const batch = [];
      for (let m = from; m < Math.min(from + BATCH, DURATION_MINUTES); m++) batch.push(reading(m));
      bodies.push(JSON.stringify(batch));
    }

    const counts = { accepted: 0, duplicates: 0, rejected: 0, requests: 0, non2xx: 0 };
    const requestMs: number[] = [];
    const run = async (launchIds: string[], deadline: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < launchIds.length && wallNow() < deadline) {
            const id = launchIds[next++]!;
            for (const body of bodies) {
              const start = wallNow();
              const res = await client.post<IngestReply>(`/api/launches/${id}/readings`, body);
              requestMs.push(wallNow() - start);
              counts.requests++;
              if (res.status !== 200) {
                counts.non2xx++;
                continue;
              }
              counts.accepted += res.body.accepted;
              counts.duplicates += res.body.duplicates;
              counts.rejected += res.body.rejected.length;
            }
          }
        }),
      );
    };

    await run(ids.slice(0, WARMUP_LAUNCHES), Infinity);
    if (counts.accepted !== WARMUP_LAUNCHES * MINUTES_PER_LAUNCH)
      throw new Error(`warm-up: expected every reading accepted, got ${JSON.stringify(counts)}`);
    Object.assign(counts, { accepted: 0, duplicates: 0, rejected: 0, requests: 0, non2xx: 0 });
    requestMs.length = 0;

    const start = wallNow();
    await run(ids.slice(WARMUP_LAUNCHES), start + TIME_LIMIT_MS);
    const elapsedMs = wallNow() - start;
    const perSecond = counts.accepted / (elapsedMs / 1000);
    requestMs.sort((a, b) => a - b);
    const p50 = requestMs[Math.floor(requestMs.length / 2)] ?? NaN;
    log(
      NAME,
      `${fmt(counts.accepted, 0)} readings accepted in ${counts.requests} requests over ${fmt(elapsedMs, 0)} ms ` +
        `(duplicates ${counts.duplicates}, rejected ${counts.rejected}, non-2xx ${counts.non2xx})`,
    );

    // Check the server holds what it acknowledged.
    const list = await admin.get<{ id: string; readings: number }[]>('/api/launches');
    const stored = list.body.reduce((s, l) => s + l.readings, 0);
    const expectedStored = WARMUP_LAUNCHES * MINUTES_PER_LAUNCH + counts.accepted;
    if (stored !== expectedStored)
      throw new Error(`the server holds ${stored} readings, expected ${expectedStored}`);

    return {
      name: NAME,
      figures: [
        {
          label: 'batched ingest',
          value: perSecond,
          unit: 'readings/s',
          target: { kind: 'min', value: TARGET },
        },
        { label: 'batched ingest, request p50', value: p50, unit: 'ms' },
      ],
      notes: [
        `${CONNECTIONS} keep-alive connections, ${BATCH} readings per POST, ${TIMED_LAUNCHES} launches × ${MINUTES_PER_LAUNCH} minutes ` +
          `(24 h preheat + 24 h launch), every reading a new minute; ${fmt(counts.accepted, 0)} readings in ${fmt(elapsedMs / 1000, 2)} s` +
          (counts.rejected + counts.duplicates + counts.non2xx > 0
            ? ` (NOT all accepted: ${counts.duplicates} duplicates, ${counts.rejected} rejected, ${counts.non2xx} non-2xx)`
            : ', all accepted') +
          `; the server then held exactly the ${fmt(stored, 0)} readings acknowledged`,
      ],
    };
  } finally {
    client.close();
    admin.close();
    await server.stop();
  }
}
