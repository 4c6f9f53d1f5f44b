/**
 * JSON bodies are parsed by Fastify's own parser (secure-json-parse, which refuses a `__proto__` key
 * and a `constructor` holding a `prototype` anywhere in the body), but the refusal names the key:
 * Fastify calls such a body "not valid JSON", which sends the sender looking for a syntax error.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-errors';

/** The first key the parser refuses, or null when the text is not JSON at all. */
function refusedKey(text: string): string | null {
  let found: string | null = null;
  try {
    JSON.parse(text, (key, value: unknown) => {
      if (found === null && key === '__proto__') found = '"__proto__"';
      else if (found === null && key === 'constructor' && typeof value === 'object' && value !== null)
        if (Object.hasOwn(value, 'prototype')) found = '"constructor" holding a "prototype"';
      return value;
    });
  } catch {
    return null;
  }
  return found;
}

export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    parse(req, text, (err, value) => {
      const key = err ? refusedKey(text) : null;
      if (key === null) return done(err, value);
      done(new HttpError(400, 'invalid_input', { key: 'http.prototypeKey', params: { key } }), undefined);
    });
  });
}
