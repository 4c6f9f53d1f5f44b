/** Starts the server: configuration from the environment, logging, listen, graceful close. */
import { resolve } from 'node:path';
import { buildApp } from './app';
import { loadConfig } from './config';

const config = loadConfig();
const app = await buildApp({
  dataDir: resolve(config.DATA_DIR),
  clientDist: config.CLIENT_DIST ? resolve(config.CLIENT_DIST) : undefined,
  logger: { level: config.LOG_LEVEL },
  adminPassword: config.WARROOM_ADMIN_PASSWORD,
  trustProxy: config.TRUST_PROXY,
  redisUrl: config.REDIS_URL,
  redisPrefix: config.REDIS_PREFIX,
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void app.close().then(() => process.exit(0));
  });
}

await app.listen({ port: config.PORT, host: config.HOST });

// WARROOM_DIAGNOSTICS=1 (the soak benchmark): one stdout line every WARROOM_DIAGNOSTICS_MS (1000)
// with heap and event-loop delay, so nothing diagnostic is exposed over the network.
if (process.env.WARROOM_DIAGNOSTICS === '1') {
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const every = Number(process.env.WARROOM_DIAGNOSTICS_MS) || 1000;
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
