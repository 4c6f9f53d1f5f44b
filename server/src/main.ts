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
