/**
 * `npm run metrics:demo`: Debian's prometheus scrapes a running compiled server and a query through
 * Prometheus' HTTP API returns the ingest counter. Runs where `prometheus` is installed, and always
 * under CI=true (.ci/run installs it); the embedded store only (the demo starts its own server).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, TEST_STORE, buildServer } from '../helpers/server';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const hasPrometheus = spawnSync('prometheus', ['--version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(TEST_STORE === 'redis' || (!ci && !hasPrometheus))('npm run metrics:demo', () => {
  it('has Prometheus scrape the server and answer a query for the ingest counter', () => {
    buildServer();
    const run = spawnSync(process.execPath, ['scripts/metrics-demo.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(
      /^METRICS_DEMO query=sum\(warroom_readings_total\{source="http",outcome="accepted"\}\) value=12$/m,
    );
  }, 120_000);
});
