/**
 * The application as a plugin tree: store and registry, Socket.IO, routes, the client. `main.ts`
 * only configures logging and listening; tests build this app and use `inject` or listen on port 0.
 */
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { RedisBackend } from './cluster/redis-backend';
import type { RedisDurability } from './store/redis-store';
import { installErrorHandling } from './http-errors';
import { installJsonBodyParser } from './json-body';
import { lazyChildLogger, redactingLogger } from './logging';
import { installSecurityHeaders } from './security-headers';
import authPlugin from './plugins/auth';
import clientPlugin from './plugins/client';
import metricsPlugin from './plugins/metrics';
import openapiPlugin from './plugins/openapi';
import rateLimitsPlugin, { type RequestLimits } from './plugins/rate-limits';
import registryPlugin from './plugins/registry';
import replaysPlugin from './plugins/replays';
import groupsPlugin from './plugins/groups';
import socketPlugin from './plugins/socket';
import { accountRoutes } from './routes/accounts';
import { alertRoutes } from './routes/alerts';
import { groupRoutes } from './routes/groups';
import { healthRoutes } from './routes/health';
import { importRoutes } from './routes/imports';
import { importLimitsFromEnv, notifyOptionsFromEnv } from './config';
import notifyPlugin from './plugins/notify';
import type { SenderOptions } from './notify/sender';
import { channelRoutes } from './routes/channels';
import { launchRoutes } from './routes/launches';
import { readingRoutes } from './routes/readings';
import { replayRoutes } from './routes/replays';
import { reviewRoutes } from './routes/review';
import { simulationRoutes } from './routes/simulations';
import type { EventStore } from './store/event-store';
import { FileEventStore } from './store/file-store';

export interface AppOptions {
  dataDir: string;
  store?: EventStore;
  logger?: FastifyServerOptions['logger'];
  clientDist?: string;
  ticking?: boolean;
  /** REDIS_URL: logs, accounts and fan-out in Redis, for several instances (unset: embedded). */
  redisUrl?: string;
  /** REDIS_CLUSTER_NODES: the seed nodes of a Redis Cluster, in place of redisUrl. */
  redisClusterNodes?: string[];
  /** Key prefix in Redis (REDIS_PREFIX, default `warroom:`): deployments or tests sharing one Redis. */
  redisPrefix?: string;
  /** REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT_MS: replicas that must have an append before it is answered. */
  redisDurability?: RedisDurability;
  /** WARROOM_ADMIN_PASSWORD: sets the password of user `admin` (role admin) at start. */
  adminPassword?: string;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  trustProxy?: boolean;
  /** Request limits (WARROOM_INGEST_RATE_PER_MINUTE, WARROOM_LOGIN_…); unset ones keep their defaults. */
  limits?: Partial<RequestLimits>;
  /** WARROOM_IMPORT_MAX_BYTES / WARROOM_IMPORT_BATCH_ROWS; read from the environment when unset. */
  imports?: { maxBytes?: number; batchRows?: number };
  /** Notification sender (WARROOM_PUBLIC_URL, WARROOM_NOTIFY_…); read from the environment when unset. */
  notify?: Partial<SenderOptions>;
}

export const DEFAULT_CLIENT_DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Tokens and cookies are redacted wherever a request or an error is logged (logging.ts).
    logger: redactingLogger(opts.logger ?? false),
    childLoggerFactory: lazyChildLogger,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
    // Loading the launches (the registry plugin) takes as long as the data does: a start with one
    // 500k-event log on a busy machine took longer than Fastify's default 10 s and was refused.
    pluginTimeout: 0,
    // JSON bodies may not smuggle prototypes in.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // A URL the router cannot take (a broken %-escape, an over-long id) is answered in the one error
    // shape too, not Fastify's own; 404 for the id, as for any id that does not exist.
    frameworkErrors: (err, _req, res) => {
      const reply = res as unknown as FastifyReply;
      return err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? reply
            .status(404)
            .send({ error: { code: 'not_found', message: 'no such resource (the id is too long)' } })
        : reply.status(400).send({ error: { code: 'invalid_input', message: err.message } });
    },
    routerOptions: { maxParamLength: 200 },
  });
  installErrorHandling(app);
  // Closing: a keep-alive connection that was busy when close began goes idle once its answer is
  // sent, and would then hold server.close() for its keep-alive timeout (72 s); such connections
  // are closed as they go idle. Busy ones are left to finish their request.
  app.addHook('preClose', async () => {
    const timer = setInterval(() => app.server.closeIdleConnections(), 100);
    timer.unref();
    app.server.once('close', () => clearInterval(timer));
  });
  // The API speaks JSON: a text/plain body would reach the routes as a string and be refused as
  // "expected object", where the sender needs to hear that the content type is wrong (415).
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  installSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // React and ECharts set inline styles; no inline scripts are allowed.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // The screens are served over plain HTTP on the control-room LAN as often as behind TLS.
    hsts: false,
  });
  let redis: RedisBackend | undefined;
  const redisTarget = opts.redisClusterNodes?.length ? opts.redisClusterNodes : opts.redisUrl;
  if (redisTarget && !opts.store) {
    redis = new RedisBackend({
      url: redisTarget,
      prefix: opts.redisPrefix,
      durability: opts.redisDurability,
    });
    try {
      await redis.init();
    } catch (e) {
      await redis.close();
      throw e;
    }
  }
  const shared = redis && {
    accountLog: redis.accountLog,
    auditLog: redis.auditLog,
    onChange: (fn: () => void) => redis.onAccounts(fn),
  };
  await app.register(authPlugin, { dataDir: opts.dataDir, adminPassword: opts.adminPassword, shared });
  let store = opts.store ?? redis?.store;
  if (!store) {
    const fileStore = new FileEventStore(opts.dataDir);
    await fileStore.init();
    store = fileStore;
  }
  await app.register(registryPlugin, { store, ticking: opts.ticking ?? true, redis });
  await app.register(groupsPlugin, { dataDir: opts.dataDir });
  // Before every route: it documents each one as it is registered (and opens the docs page).
  await app.register(openapiPlugin);
  await app.register(metricsPlugin);
  // Before any route: counted in Redis when there is one (shared by every instance), else in memory.
  await app.register(rateLimitsPlugin, opts.limits ?? {});
  await app.register(notifyPlugin, { dataDir: opts.dataDir, options: opts.notify ?? notifyOptionsFromEnv() });
  await app.register(socketPlugin);
  await app.register(replaysPlugin);
  await app.register(healthRoutes);
  await app.register(accountRoutes);
  await app.register(launchRoutes);
  await app.register(readingRoutes);
  await app.register(alertRoutes);
  await app.register(simulationRoutes);
  await app.register(replayRoutes);
  await app.register(reviewRoutes);
  await app.register(groupRoutes);
  await app.register(channelRoutes);
  await app.register(importRoutes, opts.imports ?? importLimitsFromEnv());
  await app.register(clientPlugin, { dist: opts.clientDist ?? DEFAULT_CLIENT_DIST });
  return app;
}
