/**
 * The subscribe flood of issue #11 (defect 1), shared by its test (tests/process/subscribe-flood,
 * which asserts what the server does) and `npm run bench:flood` (which prints how long /healthz
 * took, beside its floor): a wall TV's screen token opens a few sockets and floods them with
 * `subscribe {after: 0}` (and `inbox:subscribe`) without waiting for the answers, on a launch whose
 * log is far longer than a catch-up page. Before it, the floor: /healthz timed the same way while as
 * many well-behaved screens join at once, each taking its snapshot and waiting for it.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import type { AckEnvelope, SubscribeData } from '@warroom/shared';

export const FLOOD = {
  /** The launch's length: 20,000 readings, far more than a catch-up page (1,000). */
  minutes: 20_000,
  sockets: 4,
  emitsPerSocket: 2_000,
  rounds: 3,
} as const;

export interface ProbeResult {
  checks: number;
  slowest: number;
  failed: number;
}

export interface FloodAnswers {
  ok: number;
  inFlight: number;
  limited: number;
  other: number;
  dropped: number;
}

export interface FloodResult {
  /** /healthz while well-behaved screens joined. */
  floor: ProbeResult;
  /** /healthz during the flood. */
  flooded: ProbeResult;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  answers: FloodAnswers;
}

const PROBE = fileURLToPath(new URL('./healthz-probe.mjs', import.meta.url));

export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) / 1024;
}

/** Times GET /healthz from its own process, back to back, while `during` runs. */
export async function probeHealthz(baseUrl: string, during: () => Promise<unknown>): Promise<ProbeResult> {
  const probe = spawn(process.execPath, [PROBE, `${baseUrl}/healthz`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  probe.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => probe.once('exit', () => resolve()));
  const ready = Date.now() + 15_000;
  while (!out.includes('ready')) {
    if (probe.exitCode !== null || Date.now() > ready) throw new Error('the /healthz probe did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    await during();
  } finally {
    probe.stdin.end();
    await exited;
  }
  return JSON.parse(out.slice(out.indexOf('{'))) as ProbeResult;
}

/** The readings of the flooded launch, in POST bodies of 10,000. */
export function floodReadings(): { minute: number; uv: number; units: number; gmv: number }[][] {
  const bodies = [];
  for (let from = 0; from < FLOOD.minutes; from += 10_000)
    bodies.push(
      Array.from({ length: Math.min(10_000, FLOOD.minutes - from) }, (_, i) => ({
        minute: from + i,
        uv: 50 + (i % 7),
        units: 5,
        gmv: 500,
      })),
    );
  return bodies;
}

/** Asks for a snapshot until the token's allowance lets it through (a screen asks again too). */
export async function snapshotWhenAllowed(
  socket: Socket,
  launchId: string,
  opts: { batch?: boolean; timeoutMs?: number } = {},
): Promise<AckEnvelope<SubscribeData>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const r = (await socket.timeout(30_000).emitWithAck('subscribe', {
      launchId,
      ...(opts.batch ? { batch: true } : {}),
    })) as AckEnvelope<SubscribeData>;
    if (r.ok || r.error.code !== 'rate_limited') return r;
    if (Date.now() > deadline) throw new Error('the snapshot allowance did not come back');
    await new Promise((res) => setTimeout(res, 500));
  }
}

/**
 * Runs the floor, then the flood (dropped sockets come back and flood again, `rounds` times),
 * sampling the server's RSS meanwhile. `connect` opens a socket with the screen token.
 */
export async function runFlood(opts: {
  baseUrl: string;
  pid: number;
  launchId: string;
  connect: () => Promise<Socket>;
}): Promise<FloodResult> {
  const { baseUrl, pid, launchId, connect } = opts;
  const floor = await probeHealthz(baseUrl, async () => {
    for (let round = 0; round < FLOOD.rounds; round++) {
      await Promise.all(
        Array.from({ length: FLOOD.sockets }, async () => {
          const s = await connect();
          const r = await snapshotWhenAllowed(s, launchId);
          if (!r.ok || r.data.kind !== 'snapshot')
            throw new Error(`a screen got no snapshot: ${JSON.stringify(r)}`);
          s.disconnect();
        }),
      );
    }
  });

  const rssBeforeMiB = await rssMiB(pid);
  let rssPeakMiB = rssBeforeMiB;
  let flooding = true;
  const answers: FloodAnswers = { ok: 0, inFlight: 0, limited: 0, other: 0, dropped: 0 };
  const sampler = (async () => {
    while (flooding) {
      rssPeakMiB = Math.max(rssPeakMiB, await rssMiB(pid));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  /** One socket's flood: every emit at once, never waiting; done when all are answered or it is dropped. */
  const flood = async () => {
    const s = await connect();
    await new Promise<void>((resolve) => {
      let left = FLOOD.emitsPerSocket + 10;
      const count = (r: AckEnvelope<unknown>) => {
        if (r.ok) answers.ok += 1;
        else if (r.error.code === 'subscription_in_flight') answers.inFlight += 1;
        else if (r.error.code === 'rate_limited') answers.limited += 1;
        else answers.other += 1;
        if (--left === 0) resolve();
      };
      s.on('disconnect', () => {
        answers.dropped += 1;
        resolve();
      });
      for (let i = 0; i < FLOOD.emitsPerSocket; i++)
        s.emit('subscribe', { launchId, after: i % 2 === 0 ? 0 : undefined }, count);
      for (let i = 0; i < 10; i++) s.emit('inbox:subscribe', {}, count);
    });
    s.disconnect();
  };
  let flooded: ProbeResult;
  try {
    flooded = await probeHealthz(baseUrl, async () => {
      for (let round = 0; round < FLOOD.rounds; round++)
        await Promise.all(Array.from({ length: FLOOD.sockets }, flood));
    });
  } finally {
    flooding = false;
    await sampler;
  }
  return { floor, flooded, rssBeforeMiB, rssPeakMiB, answers };
}

export function describeFlood(r: FloodResult): string {
  return (
    `RSS ${r.rssBeforeMiB.toFixed(0)} → peak ${r.rssPeakMiB.toFixed(0)} MiB; ` +
    `/healthz slowest ${r.flooded.slowest.toFixed(1)} ms over ${r.flooded.checks} during the flood, ` +
    `${r.floor.slowest.toFixed(1)} ms over ${r.floor.checks} while screens joined (floor); ` +
    `answers ${JSON.stringify(r.answers)}`
  );
}
