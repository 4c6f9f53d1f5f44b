/**
 * The floor for single-reading ingest: a bare Fastify 5 server, as a child process like the real
 * server, with one no-op `POST /api/launches/:id/readings` that takes the same JSON body (Fastify's
 * own JSON parser, the route's body limit) and answers an ingest report of the same shape. No
 * logging, helmet, auth, rate limit, validation, engine or disk: what Fastify itself costs for
 * these requests on this machine. PORT from the environment; listens on 127.0.0.1 only.
 */
import Fastify from 'fastify';
import { READINGS_BODY_LIMIT } from '../../server/src/routes/readings';

const app = Fastify({ bodyLimit: 1024 * 1024 });
const REPLY = { accepted: 1, duplicates: 0, rejected: [] };
app.post('/api/launches/:id/readings', { bodyLimit: READINGS_BODY_LIMIT }, async () => REPLY);
app.get('/healthz', async () => ({ ok: true }));

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    void app.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  });

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
