/**
 * The one error shape: `{ error: { code, message, details? } }`. Bad input is a 4xx a person can act
 * on; anything unexpected is logged in full and answered with a 500 that leaks nothing.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { type ErrorCode, describeIssues } from '@warroom/shared';
import type { z } from 'zod';
import { StorageUnavailableError } from './store/event-store';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} does not exist`);

/** Parses with a zod schema or throws a 400 listing what is wrong, field by field. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what = 'request body',
): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new HttpError(400, 'invalid_input', `${what} is invalid: ${describeIssues(r.error.issues)}`, {
    issues: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: 'the body is empty; send JSON',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'send the body as application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_input' },
  FST_ERR_CTP_INVALID_CHARSET: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_VALIDATION: { status: 400, code: 'invalid_input' },
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof HttpError) {
      return reply.status(err.statusCode).send({
        error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      });
    }
    if (err instanceof StorageUnavailableError) {
      req.log.error({ err }, 'storage unavailable');
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({
          error: {
            code: 'storage_unavailable',
            message: 'the data could not be stored right now, so nothing was recorded; try again shortly',
          },
        });
    }
    const fe = err as FastifyError;
    const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (known) {
      return reply
        .status(known.status)
        .send({ error: { code: known.code, message: known.message ?? fe.message } });
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({
        error: { code: fe.statusCode === 429 ? 'rate_limited' : 'invalid_input', message: fe.message },
      });
    }
    req.log.error({ err }, 'unexpected error');
    return reply
      .status(500)
      .send({ error: { code: 'internal', message: 'something went wrong on our side' } });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url}` } });
  });
}
