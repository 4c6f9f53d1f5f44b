/**
 * `npm run bench [-- --only <name>[,<name>]]`: runs the benchmarks one after another against the
 * real server on 127.0.0.1, prints each figure against its target, and cleans up after itself.
 * It prints; it never fails on a timing (only on a broken run). Results go in docs/BENCHMARKS.md.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { alertLatency } from './alert-latency';
import { ingestBatched } from './ingest-batched';
import { ingestSingle } from './ingest-single';
import { type BenchResult, cleanupAll, fmt, loadText } from './lib';

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  'ingest-batched': ingestBatched,
  'ingest-single': ingestSingle,
  'alert-latency': alertLatency,
};

/** The whole run must stop by itself: past this, whatever is running is torn down. */
const HARD_LIMIT_MS = 4 * 60_000;

function parseOnly(argv: string[]): string[] {
  const i = argv.indexOf('--only');
  const inline = argv.find((a) => a.startsWith('--only='));
  const raw = inline ? inline.slice('--only='.length) : i >= 0 ? argv[i + 1] : undefined;
  if (raw === undefined) return Object.keys(BENCHES);
  const names = raw.split(',').filter(Boolean);
  for (const n of names)
    if (!(n in BENCHES)) {
      console.error(`unknown benchmark "${n}"; choose from ${Object.keys(BENCHES).join(', ')}`);
      process.exit(2);
    }
  return names;
}

function verdict(f: BenchResult['figures'][number]): string {
  if (!f.target) return '';
  const met = f.target.kind === 'min' ? f.value >= f.target.value : f.value <= f.target.value;
  return met ? 'met' : 'MISSED';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)));
      return (i === 1 ? widths.map((w) => '-'.repeat(w)).join('  ') + '\n' : '') + line.join('  ');
    })
    .join('\n');
}

async function main(): Promise<void> {
  const names = parseOnly(process.argv.slice(2));
  console.log(
    `War room benchmarks — ${new Date().toISOString()} — node ${process.version}, ` +
      `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM`,
  );
  const hardStop = setTimeout(() => {
    console.error(`benchmarks still running after ${HARD_LIMIT_MS / 1000} s; stopping`);
    void cleanupAll().then(() => process.exit(1));
  }, HARD_LIMIT_MS);
  hardStop.unref();

  const results: BenchResult[] = [];
  let failed = false;
  for (const name of names) {
    // Other work on the machine skews every figure: say how busy it was.
    console.log(`\n▶ ${name} (load average ${loadText()})`);
    const started = Date.now();
    try {
      results.push(await BENCHES[name]!());
    } catch (e) {
      failed = true;
      console.error(`  ${name} failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      await cleanupAll();
    }
    console.log(`  (${name} took ${fmt((Date.now() - started) / 1000, 1)} s)`);
  }

  const rows = [['benchmark', 'figure', 'value', 'target', '']];
  for (const r of results)
    for (const f of r.figures) {
      const digits = f.digits ?? (f.unit === 'ms' ? 2 : 0);
      rows.push([
        r.name,
        f.label,
        `${fmt(f.value, digits)} ${f.unit}`,
        f.target ? `${f.target.kind === 'min' ? '≥' : '≤'} ${fmt(f.target.value, digits)} ${f.unit}` : '',
        verdict(f),
      ]);
    }
  console.log(`\nSummary (load average now ${loadText()})\n${table(rows)}`);
  for (const r of results) for (const n of r.notes) console.log(`- ${r.name}: ${n}`);
  clearTimeout(hardStop);
  process.exitCode = failed ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    void cleanupAll().then(() => process.exit(130));
  });

await main();
