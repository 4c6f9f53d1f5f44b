import fp from 'fastify-plugin';
import { LaunchRegistry } from '../launches/registry';
import { LaunchService } from '../launches/service';
import type { RedisBackend } from '../cluster/redis-backend';
import { SimulationManager } from '../simulator/manager';
import type { EventStore } from '../store/event-store';

declare module 'fastify' {
  interface FastifyInstance {
    registry: LaunchRegistry;
    /** The one path by which anything changes a launch (launches/service.ts). */
    launches: LaunchService;
    simulations: SimulationManager;
    /** Set when REDIS_URL is: the shared store, leases, notifications, the adapter's connection. */
    redisBackend: RedisBackend | null;
  }
}

export interface RegistryPluginOptions {
  store: EventStore;
  /** Tick launch clocks on a timer (tests of pure HTTP behaviour may turn it off). */
  ticking?: boolean;
  /** Several instances on one Redis (the store is then `redis.store`). */
  redis?: RedisBackend;
}

/** Loads every launch from the store, runs their clocks, resumes interrupted simulations. */
export default fp<RegistryPluginOptions>(
  async (app, opts) => {
    const registry = new LaunchRegistry(opts.store, app.log);
    await registry.load();
    const launches = new LaunchService(registry, app.audit, app.log);
    const simulations = new SimulationManager(launches, app.log);
    app.decorate('registry', registry);
    app.decorate('launches', launches);
    app.decorate('simulations', simulations);
    app.decorate('redisBackend', opts.redis ?? null);
    app.addHook('onReady', async () => {
      // Follow the other instances (and take the leases) before ticking or resuming anything.
      if (opts.redis) await opts.redis.start(registry, app.log, () => simulations.adopt());
      if (opts.ticking !== false) launches.startTicking();
      await simulations.resumeAll();
    });
    app.addHook('onClose', async () => {
      await simulations.close();
      await launches.close();
      await opts.store.close();
      await opts.redis?.close();
    });
  },
  { name: 'registry', dependencies: ['auth'] },
);
