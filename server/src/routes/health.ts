import type { FastifyPluginAsync } from 'fastify';

export const healthRoutes: FastifyPluginAsync = async (app) => {
  /** 200 once ready; lists any damaged log found at start so operators see it. */
  app.get('/healthz', { config: { access: 'public' } }, async () => ({
    status: 'ok',
    store: app.registry.store.kind,
    launches: app.registry.all().length,
    problems: app.registry.problems,
  }));
};
