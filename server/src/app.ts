/**
 * The application as a plugin tree: store and registry, Socket.IO, routes, the client. `main.ts`
 * only configures logging and listening; tests build this app and use `inject` or listen on port 0.
 */
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { RedisBackend } from './cluster/redis-backend';
import { installErrorHandling } from './http-errors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import authPlugin from './plugins/auth';
import clientPlugin from './plugins/client';
import registryPlugin from './plugins/registry';
import replaysPlugin from './plugins/replays';
import socketPlugin from './plugins/socket';
import { accountRoutes } from './routes/accounts';
import { alertRoutes } from './routes/alerts';
import { healthRoutes } from './routes/health';
import { importRoutes } from './routes/imports';
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
  /** Key prefix in Redis (REDIS_PREFIX, default `warroom:`): deployments or tests sharing one Redis. */
  redisPrefix?: string;
  /** WARROOM_ADMIN_PASSWORD: sets the password of user `admin` (role admin) at start. */
  adminPassword?: string;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  trustProxy?: boolean;
}

export const DEFAULT_CLIENT_DIST = fileURLToPath(new URL('../../client/dist', import.meta.url));

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
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
  // The API speaks JSON: a text/plain body would reach the routes as a string and be refused as
  // "expected object", where the sender needs to hear that the content type is wrong (415).
  app.removeContentTypeParser('text/plain');
  await app.register(helmet, {
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
  await app.register(rateLimit, { global: false });
  let redis: RedisBackend | undefined;
  if (opts.redisUrl && !opts.store) {
    redis = new RedisBackend({ url: opts.redisUrl, prefix: opts.redisPrefix });
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
  await app.register(importRoutes);
  await app.register(clientPlugin, { dist: opts.clientDist ?? DEFAULT_CLIENT_DIST });
  return app;
}
