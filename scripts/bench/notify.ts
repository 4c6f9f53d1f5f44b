/**
 * `npm run bench:notify`: from the POST of the reading that completes a breaching checkpoint to
 * (a) the `alert` push at a subscribed screen (the wall) and (b) the robot's message at a local
 * receiver (a DingTalk-style endpoint that checks the 加签 signature) — both in the same round, so
 * the two figures share the machine's load. p50/p99/max of each, and of the difference.
 *
 * Each round is a fresh launch (its first breach opens a new incident, so a new message is due):
 * fill the minutes before T (not timed), settle, t0, POST minute T−1, wait for both. The first
 * WARMUP rounds are not counted. The sender's rate limit is lifted (WARROOM_NOTIFY_PER_MINUTE)
 * so bunching does not delay a message; the floor is the reading POST's own answer time.
 *
 * Options: --rounds N (default 60), --json.
 */
import { createHmac } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type Socket, io } from 'socket.io-client';
import {
  HOST,
  authenticate,
  cleanupAll,
  fmt,
  jsonClient,
  latencySummary,
  log,
  pastLaunch,
  reading,
  sleep,
  startServer,
  wallNow,
} from './lib';

const NAME = 'notify';
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '60' }, json: { type: 'boolean', default: false } },
});
const ROUNDS = Number(values.rounds);
const WARMUP = 3;
const T = 15;
const SECRET = 'SECbench';
const SETTLE_MS = 200;
const TARGET_MS = 200;

/** A DingTalk-like robot: verifies 加签 and answers errcode 0; tells who waits for a launch's message. */
function robot(): Promise<{ server: Server; url: string; arrived: (launchId: string) => Promise<number> }> {
  const waiting = new Map<string, (t: number) => void>();
  const early = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = wallNow();
      const u = new URL(req.url ?? '/', 'http://x');
      const ts = u.searchParams.get('timestamp') ?? '';
      const expected = createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64');
      const ok = u.searchParams.get('sign') === expected;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 310000, errmsg: 'sign not match' }),
      );
      if (!ok) return;
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /\/ack\/([a-z0-9]+)-i-/.exec(text);
      if (!m) return;
      const fn = waiting.get(m[1]!);
      if (fn) fn(at);
      else early.set(m[1]!, at);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, HOST, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://${HOST}:${port}/robot/send?access_token=bench`,
        arrived: (launchId) =>
          new Promise<number>((res, rej) => {
            const got = early.get(launchId);
            if (got !== undefined) return res(got);
            const timer = setTimeout(() => rej(new Error(`no message for ${launchId}`)), 10_000);
            waiting.set(launchId, (t) => {
              clearTimeout(timer);
              res(t);
            });
          }),
      });
    }),
  );
}

async function main() {
  process.env.WARROOM_NOTIFY_PER_MINUTE = '10000';
  const loadBefore = loadavg();
  const receiver = await robot();
  const server = await startServer(NAME);
  const creds = await authenticate(server.url);
  const admin = jsonClient(server.url, 2, creds.admin);
  const ingest = jsonClient(server.url, 2, creds.ingest);
  const socket: Socket = io(server.url, {
    transports: ['websocket'],
    reconnection: false,
    auth: creds.screen,
  });
  await new Promise<void>((res, rej) => {
    socket.once('connect', () => res());
    socket.once('connect_error', rej);
  });
  const pushes = new Map<string, (t: number) => void>();
  socket.on('alert', (p: { change: string; launchId: string }) => {
    const at = wallNow();
    if (p.change === 'raised') pushes.get(p.launchId)?.(at);
  });
  const channel = await admin.post<{ id: string }>(
    '/api/channels',
    JSON.stringify({ name: 'bench robot', kind: 'dingtalk', url: receiver.url, secret: SECRET }),
  );
  if (channel.status !== 201) throw new Error(`channel: ${JSON.stringify(channel.body)}`);
  const wall: number[] = [];
  const robotMs: number[] = [];
  const diff: number[] = [];
  const posts: number[] = [];
  try {
    for (let round = 0; round < ROUNDS + WARMUP; round++) {
      const created = await admin.post<{ id: string }>(
        '/api/launches',
        pastLaunch({
          name: `bench notify ${round}`,
          durationMinutes: 60,
          startedMinutesAgo: 80,
          checkpoints: [T, 30],
          perMinuteForecast: true,
        }),
      );
      const launchId = created.body.id;
      const sub = (await socket.timeout(5000).emitWithAck('subscribe', { launchId })) as { ok: boolean };
      if (!sub.ok) throw new Error('subscribe failed');
      const fill = Array.from({ length: T - 1 }, (_, m) => reading(m, 2));
      await ingest.post(`/api/launches/${launchId}/readings`, JSON.stringify(fill));
      await sleep(SETTLE_MS);
      const pushed = new Promise<number>((res) => pushes.set(launchId, res));
      const t0 = wallNow();
      const res = await ingest.post<{ accepted: number }>(
        `/api/launches/${launchId}/readings`,
        JSON.stringify([reading(T - 1, 2)]),
      );
      const answered = wallNow() - t0;
      if (res.body.accepted !== 1) throw new Error(`completing reading: ${JSON.stringify(res.body)}`);
      const [w, r] = await Promise.all([pushed, receiver.arrived(launchId)]);
      socket.emit('unsubscribe', { launchId });
      if (round < WARMUP) continue;
      wall.push(w - t0);
      robotMs.push(r - t0);
      diff.push(r - w);
      posts.push(answered);
    }
  } finally {
    socket.close();
    admin.close();
    ingest.close();
    await server.stop();
    receiver.server.close();
  }
  const loadAfter = loadavg();
  const s = {
    wall: latencySummary(wall),
    robot: latencySummary(robotMs),
    diff: latencySummary(diff),
    post: latencySummary(posts),
  };
  if (values.json) {
    console.log(JSON.stringify({ rounds: ROUNDS, loadBefore, loadAfter, ...s }, null, 2));
    return;
  }
  const row = (label: string, x: ReturnType<typeof latencySummary>) =>
    `| ${label.padEnd(44)} | ${fmt(x.p50).padStart(7)} | ${fmt(x.p99).padStart(7)} | ${fmt(x.max).padStart(7)} |`;
  log(
    NAME,
    `${ROUNDS} rounds (+${WARMUP} warm-up), load average ${loadBefore.map((l) => fmt(l, 2)).join(' ')} → ${loadAfter.map((l) => fmt(l, 2)).join(' ')}`,
  );
  console.log('| from the completing reading’s POST to …     |  p50 ms |  p99 ms |  max ms |');
  console.log('| -------------------------------------------- | ------- | ------- | ------- |');
  console.log(row('the POST answered (floor)', s.post));
  console.log(row('the `alert` push at the wall', s.wall));
  console.log(row('the robot’s message at the local receiver', s.robot));
  console.log(row('robot − wall, same round', s.diff));
  const verdict = s.robot.p99 - s.wall.p99 <= TARGET_MS ? 'within' : 'NOT within';
  log(
    NAME,
    `robot p99 is ${fmt(s.robot.p99 - s.wall.p99)} ms after the wall's: ${verdict} the ${TARGET_MS} ms target`,
  );
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => void cleanupAll());
