import { spawnSync } from 'node:child_process';
import { Socket } from 'node:net';
import { type ViteUserConfig, defineConfig } from 'vitest/config';

/**
 * Three projects: `file` runs every test against the embedded store; `redis` runs the tests that
 * build a server (HTTP, sockets, processes, imports, replays) again with WARROOM_TEST_STORE=redis,
 * plus the multi-instance and Redis durability tests; `redis-cluster` runs those same tests once
 * more against a local three-master Redis Cluster it starts (tests/redis-cluster-setup.ts), with
 * the failover test. `redis` is left out when no Redis answers at
 * REDIS_URL (default redis://127.0.0.1:6379), except with CI=true, where it must run.
 */
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function reachable(url: string, timeoutMs = 500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 6379), hostname || '127.0.0.1', () => done(true));
  });
}

/** The local Redis Cluster of the `redis-cluster` project: three masters, then their replicas. */
const CLUSTER_PORTS = [7301, 7302, 7303, 7304, 7305, 7306];

const REDIS_TESTS = [
  'tests/server/**/*.test.ts',
  'tests/process/**/*.test.ts',
  'tests/import/**/*.test.ts',
  'tests/replay/**/*.test.ts',
  'tests/cluster/**/*.test.ts',
  'tests/notify/**/*.test.ts',
  'tests/groups/**/*.test.ts',
];

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  const withRedis = ci || (await reachable(REDIS_URL));
  if (!withRedis) console.warn(`[vitest] no Redis at ${REDIS_URL}: skipping the redis project`);
  // The cluster project starts its own nodes: it needs redis-server and redis-cli, not a server.
  const withCluster = ci || (withRedis && spawnSync('redis-server', ['--version']).status === 0);
  if (withRedis && !withCluster)
    console.warn('[vitest] no redis-server binary: skipping the redis-cluster project');
  return {
    test: {
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: 'forks' as const,
      // Browser and process tests start servers and Chromium; two cores do better with few at once.
      maxWorkers: 2,
      projects: [
        {
          extends: true as const,
          test: {
            name: 'file',
            include: ['tests/**/*.test.ts'],
            exclude: ['tests/cluster/**'],
            env: { WARROOM_TEST_STORE: 'file' },
          },
        },
        ...(withRedis
          ? [
              {
                extends: true as const,
                test: {
                  name: 'redis',
                  include: REDIS_TESTS,
                  env: { WARROOM_TEST_STORE: 'redis', REDIS_URL },
                },
              },
            ]
          : []),
        ...(withCluster
          ? [
              {
                extends: true as const,
                test: {
                  name: 'redis-cluster',
                  include: REDIS_TESTS,
                  // A server of its own that the test kills: one Redis, not a cluster.
                  exclude: ['tests/cluster/redis-durability.test.ts'],
                  globalSetup: ['tests/redis-cluster-setup.ts'],
                  env: {
                    WARROOM_TEST_STORE: 'redis',
                    REDIS_URL,
                    REDIS_CLUSTER_NODES: CLUSTER_PORTS.map((p) => `127.0.0.1:${p}`).join(','),
                    // Every append waits for its master's replica (the README's advice for a cluster).
                    REDIS_WAIT_REPLICAS: '1',
                  },
                },
              },
            ]
          : []),
      ],
    },
  };
});
