import { Socket } from 'node:net';
import { type ViteUserConfig, defineConfig } from 'vitest/config';

/**
 * Two projects: `file` runs every test against the embedded store; `redis` runs the tests that
 * build a server (HTTP, sockets, processes, imports, replays) again with WARROOM_TEST_STORE=redis,
 * plus the multi-instance and Redis durability tests. `redis` is left out when no Redis answers at
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
      ],
    },
  };
});
