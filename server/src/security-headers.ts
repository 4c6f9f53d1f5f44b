/**
 * Helmet's security headers (CSP, X-Content-Type-Options, X-Frame-Options, …) on every answer,
 * static files, errors and 404s included.
 *
 * The options are fixed, so the headers are too: helmet's own middleware is run once, at start,
 * against a response that records what it sets, and every request gets that list as reply headers.
 * @fastify/helmet built the middleware anew for each request (parsing the CSP directives every
 * time) and set each header on the raw response, which also sends Node's writeHead down its slow
 * path (every Fastify header set again one by one): together a tenth of a reading POST's CPU.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** The headers helmet sets with `options`, by lower-case name. */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  let ran = false;
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    // helmet removes X-Powered-By, which nothing here sets.
    removeHeader() {},
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    ran = true;
  });
  // Function-valued directives would vary by request (and run later); these options have none.
  if (!ran) throw new Error('helmet did not finish synchronously; the headers cannot be fixed at start');
  return Object.freeze(headers);
}

export function installSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}
