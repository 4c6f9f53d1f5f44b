/**
 * Serves the built client (client/dist). Files are looked up per request, so a rebuild is served
 * without a restart; GETs of the SPA's routes fall back to index.html.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export interface ClientPluginOptions {
  dist: string;
}

const SPA_ROUTES = [
  '/',
  '/console',
  '/admin',
  '/screen/*',
  '/wall/*',
  '/groups/*',
  '/replay/*',
  '/review/*',
  '/ack/*',
  '/login',
];

export default fp<ClientPluginOptions>(
  async (app, opts) => {
    if (!existsSync(join(opts.dist, 'index.html'))) {
      app.log.warn(`no built client at ${opts.dist}; run "npm run build" to serve the screens`);
    }
    await app.register(fastifyStatic, { root: opts.dist, prefix: '/', wildcard: true, index: false });
    for (const route of SPA_ROUTES) {
      app.get(route, async (_req, reply) => {
        if (!existsSync(join(opts.dist, 'index.html')))
          return reply
            .type('text/plain; charset=utf-8')
            .send('War room API is running. Build the screens with "npm run build".');
        return reply.header('cache-control', 'no-cache').sendFile('index.html');
      });
    }
  },
  { name: 'client' },
);
