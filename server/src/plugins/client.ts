/** Serves the built client (client/dist) with the SPA's routes falling back to index.html. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export interface ClientPluginOptions {
  dist: string;
}

const SPA_ROUTES = ['/', '/console', '/admin', '/screen/*', '/replay/*', '/review/*', '/login'];

export default fp<ClientPluginOptions>(
  async (app, opts) => {
    const index = join(opts.dist, 'index.html');
    if (!existsSync(index)) {
      app.log.warn(`no built client at ${opts.dist}; run "npm run build" to serve the screens`);
      app.get('/', async (_req, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .send('War room API is running. Build the client with "npm run build".'),
      );
      return;
    }
    await app.register(fastifyStatic, { root: opts.dist, prefix: '/', wildcard: false, index: false });
    for (const route of SPA_ROUTES) {
      app.get(route, async (_req, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
    }
  },
  { name: 'client' },
);
