/**
 * Replay benchmark: a 24-hour launch (1,440 minutes of readings, its checkpoints and alerts)
 * recorded through the engine, then seek to random minutes (p50/p99) and a full replay at max speed.
 * Run with `npm run bench:replay`.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { recordedLaunch } from '../../tests/replay/record';
import { Replay } from '../../server/src/replay/replay';
import { baseFacts, sourceFrom } from '../../server/src/replay/timeline';

const MINUTES = 24 * 60;
const SEEKS = 500;

const t0 = performance.now();
const { events } = recordedLaunch({ scenario: 'traffic-shortfall', seed: 42, durationMinutes: MINUTES });
const recordMs = performance.now() - t0;

const t1 = performance.now();
const src = sourceFrom(events);
const base = baseFacts(src);
const precomputeMs = performance.now() - t1;

const outputs = { facts: () => undefined, info: () => undefined };
const options = { speed: 'max' as const, paused: true, drill: null, startedBy: null, teamAlerts: new Map() };

const t2 = performance.now();
const full = new Replay('bench', src, base, { ...options, paused: false }, outputs);
const fullMs = performance.now() - t2;
if (!full.ended) throw new Error('the max-speed replay did not reach the end');

const replay = new Replay('bench-seek', src, base, options, outputs);
let seed = 7;
const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const times: number[] = [];
// Warm-up: let the JIT compile the fold before measuring.
for (let i = 0; i < 50; i++) replay.seek(Math.floor(next() * (MINUTES + 1)));
for (let i = 0; i < SEEKS; i++) {
  const minute = Math.floor(next() * (MINUTES + 1));
  const s = performance.now();
  replay.seek(minute);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;

const readings = events.filter((e) => e.type === 'reading.ingested').length;
const alerts = events.filter((e) => e.type === 'alert.raised').length;
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, node ${process.version}`);
console.log(
  `launch: ${MINUTES} minutes, ${events.length} log events, ${readings} readings, ${alerts} alerts`,
);
console.log(
  `recorded in ${recordMs.toFixed(0)} ms; timeline precomputed in ${precomputeMs.toFixed(1)} ms (${base.length} facts)`,
);
console.log(
  `seek (${SEEKS} random minutes): p50 ${pct(50).toFixed(2)} ms, p99 ${pct(99).toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms`,
);
console.log(`full replay at max speed: ${fullMs.toFixed(1)} ms`);
