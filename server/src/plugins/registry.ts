import fp from 'fastify-plugin';
import { LaunchRegistry } from '../launches/registry';
import { SimulationManager } from '../simulator/manager';
import type { EventStore } from '../store/event-store';

declare module 'fastify' {
  interface FastifyInstance {
    registry: LaunchRegistry;
    simulations: SimulationManager;
  }
}

export interface RegistryPluginOptions {
  store: EventStore;
  /** Tick launch clocks on a timer (tests of pure HTTP behaviour may turn it off). */
  ticking?: boolean;
}

/** Loads every launch from the store, runs their clocks, resumes interrupted simulations. */
export default fp<RegistryPluginOptions>(
  async (app, opts) => {
    const registry = new LaunchRegistry(opts.store, app.log);
    await registry.load();
    const simulations = new SimulationManager(registry, app.log);
    app.decorate('registry', registry);
    app.decorate('simulations', simulations);
    app.addHook('onReady', async () => {
      if (opts.ticking !== false) registry.startTicking();
      await simulations.resumeAll();
    });
    app.addHook('onClose', async () => {
      await simulations.close();
      await registry.close();
      await opts.store.close();
    });
  },
  { name: 'registry' },
);
