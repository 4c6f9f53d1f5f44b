/** Starts the server: configuration from the environment, logging, listen, graceful close. */
import { resolve } from 'node:path';
import { buildApp } from './app';
import { type Config, ConfigError, loadConfig } from './config';

let config: Config;
try {
  config = loadConfig();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  // Refused before anything starts: one line naming the variable and what it must be.
  process.stderr.write(`warroom: ${e.message}\n`);
  process.exit(1);
}
const app = await buildApp({
  dataDir: resolve(config.DATA_DIR),
  clientDist: config.CLIENT_DIST ? resolve(config.CLIENT_DIST) : undefined,
  logger: { level: config.LOG_LEVEL },
  adminPassword: config.WARROOM_ADMIN_PASSWORD,
  trustProxy: config.TRUST_PROXY,
  redisUrl: config.REDIS_URL,
  redisClusterNodes: config.REDIS_CLUSTER_NODES,
  redisPrefix: config.REDIS_PREFIX,
  redisDurability: { waitReplicas: config.REDIS_WAIT_REPLICAS, waitTimeoutMs: config.REDIS_WAIT_TIMEOUT_MS },
  imports: { maxBytes: config.WARROOM_IMPORT_MAX_BYTES, batchRows: config.WARROOM_IMPORT_BATCH_ROWS },
  limits: {
    ingestPerMinute: config.WARROOM_INGEST_RATE_PER_MINUTE,
    loginPerAddressPerMinute: config.WARROOM_LOGIN_PER_ADDRESS_PER_MINUTE,
    loginPerUsernamePerMinute: config.WARROOM_LOGIN_PER_USERNAME_PER_MINUTE,
  },
});

/**
 * SIGTERM / SIGINT: stop accepting (new connections are refused, requests arriving meanwhile get
 * 503), let the requests in flight finish — their commands and the fsync or Redis write behind
 * each answer — then close the sockets without a disconnect packet (clients reconnect, to another
 * instance under Redis), let go of every lease at once (the others are told and take over), close
 * the store, exit 0. Past WARROOM_SHUTDOWN_TIMEOUT_MS it exits 1 regardless.
 */
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    const started = Date.now();
    app.log.info({ signal }, 'shutting down: finishing in-flight work');
    const force = setTimeout(() => {
      app.log.error({ afterMs: Date.now() - started }, 'shutdown took too long; exiting anyway');
      process.exit(1);
    }, config.WARROOM_SHUTDOWN_TIMEOUT_MS);
    force.unref();
    app.close().then(
      () => {
        app.log.info({ tookMs: Date.now() - started }, 'shut down');
        process.exit(0);
      },
      (e: unknown) => {
        app.log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ port: config.PORT, host: config.HOST });

// WARROOM_DIAGNOSTICS=1 (the soak benchmark): one stdout line every WARROOM_DIAGNOSTICS_MS (1000)
// with heap and event-loop delay, so nothing diagnostic is exposed over the network.
if (config.WARROOM_DIAGNOSTICS) {
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const every = config.WARROOM_DIAGNOSTICS_MS;
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const line = {
      t: Date.now(),
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      rss: m.rss,
      external: m.external,
      lagP50: ms(delay.percentile(50)),
      lagP99: ms(delay.percentile(99)),
      lagMax: ms(delay.max),
      lagCount: delay.count,
      // The histogram records the time between its timer's runs, so every value includes this.
      lagResolutionMs: 10,
      // The distribution as (percentile, ms) points, so a reader can merge intervals exactly.
      lagPercentiles: [...delay.percentiles].map(([p, ns]) => [p, ms(ns)]),
    };
    delay.reset();
    process.stdout.write(`WARROOM_DIAGNOSTICS ${JSON.stringify(line)}\n`);
  }, every);
  timer.unref();
}
