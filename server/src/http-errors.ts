/**
 * The one error shape: `{ error: { code, message, details? } }`. Bad input is a 4xx a person can act
 * on; anything unexpected is logged in full and answered with a 500 that leaks nothing.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import Negotiator from 'negotiator';
import {
  type ErrorCode,
  type Lang,
  type MessageKey,
  type MessageParams,
  describeInvalidInput,
  safeParseIn,
  translate,
} from '@warroom/shared';
import type { z } from 'zod';
import { StorageUnavailableError } from './store/event-store';

/** A message to render in the caller's language: a dictionary key and its placeholders. */
export interface Say {
  key: MessageKey;
  params?: MessageParams;
}

export class HttpError extends Error {
  /** Set when the message is translatable; `message` is then its English. */
  readonly say: Say | undefined;

  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string | Say,
    readonly details?: unknown,
  ) {
    super(typeof message === 'string' ? message : translate('en', message.key, message.params));
    this.say = typeof message === 'string' ? undefined : message;
  }

  /** The message for a caller asking in `lang` (English, as written, when they asked in none). */
  messageIn(lang: Lang | undefined): string {
    return this.say && lang ? translate(lang, this.say.key, this.say.params) : this.message;
  }

  /** The details for a caller asking in `lang`. */
  detailsIn(_lang: Lang | undefined): unknown {
    return this.details;
  }
}

/**
 * A 400 from `parseInput`: what is wrong, field by field. It is worded when it is answered, in the
 * language of whoever is answered (the schema is parsed again, in that language, on this failure
 * path only), so parsing itself needs no knowledge of the caller.
 */
export class InvalidInputError extends HttpError {
  constructor(
    private readonly schema: z.ZodType,
    private readonly value: unknown,
    private readonly what: string,
    englishIssues: readonly z.core.$ZodIssue[],
  ) {
    super(
      400,
      'invalid_input',
      describeInvalidInput(what, englishIssues, undefined),
      issueList(englishIssues),
    );
  }

  /** The issues worded in `lang`: parsed again once per language (the message and details share it). */
  private readonly worded = new Map<Lang, readonly z.core.$ZodIssue[]>();

  private issuesIn(lang: Lang): readonly z.core.$ZodIssue[] {
    let issues = this.worded.get(lang);
    if (!issues) {
      const r = safeParseIn(lang, this.schema, this.value);
      issues = r.success ? [] : r.error.issues;
      this.worded.set(lang, issues);
    }
    return issues;
  }

  override messageIn(lang: Lang | undefined): string {
    return lang ? describeInvalidInput(this.what, this.issuesIn(lang), lang) : this.message;
  }

  override detailsIn(lang: Lang | undefined): unknown {
    return lang ? issueList(this.issuesIn(lang)) : this.details;
  }
}

const issueList = (issues: readonly z.core.$ZodIssue[]) => ({
  issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })),
});

export const notFound = (what: string) =>
  new HttpError(404, 'not_found', { key: 'http.notFound', params: { what } });

// --- the caller's language ----------------------------------------------------------------------

/**
 * The language an Accept-Language header (or a socket's `auth.lang`) asks for; undefined when it
 * names none we speak (or is absent): such callers get the original English answers.
 */
export function acceptedLanguage(header: string | string[] | undefined): Lang | undefined {
  if (header === undefined || header === '') return undefined;
  const value = Array.isArray(header) ? header.join(', ') : header;
  const best = new Negotiator({ headers: { 'accept-language': value } }).language(['en', 'zh-CN', 'zh']);
  if (best === undefined) return undefined;
  return best.startsWith('zh') ? 'zh' : 'en';
}

/** The language a request asked for (Accept-Language), English when it names none we speak. */
export function languageOf(req: { headers: Record<string, string | string[] | undefined> }): Lang {
  return acceptedLanguage(req.headers['accept-language']) ?? 'en';
}

/**
 * Parses with a zod schema or throws a 400 listing what is wrong, field by field; the answer is
 * worded in the caller's language when it is sent (InvalidInputError).
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what = 'request body',
): z.infer<T> {
  const r = safeParseIn('en', schema, value);
  if (r.success) return r.data;
  throw new InvalidInputError(schema, value, what, r.error.issues);
}

/**
 * Fastify's own refusals. `message` is what a caller naming no language reads (as it always did;
 * absent: Fastify's text); `key` is the translated answer for one that names a language.
 */
const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message?: string; key?: MessageKey }> =
  {
    FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', key: 'http.invalidJson' },
    FST_ERR_CTP_EMPTY_JSON_BODY: {
      status: 400,
      code: 'invalid_json',
      message: 'the body is empty; send JSON',
      key: 'http.emptyJson',
    },
    FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', key: 'http.tooLarge' },
    FST_ERR_CTP_INVALID_MEDIA_TYPE: {
      status: 415,
      code: 'unsupported_media_type',
      message: 'send the body as application/json',
      key: 'http.mediaType',
    },
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_input', key: 'http.contentLength' },
    FST_ERR_CTP_INVALID_CHARSET: { status: 415, code: 'unsupported_media_type', key: 'http.charset' },
    FST_ERR_VALIDATION: { status: 400, code: 'invalid_input' },
  };

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const lang = acceptedLanguage(req.headers['accept-language']);
    const say = (key: MessageKey, english: string, params?: MessageParams) =>
      lang ? translate(lang, key, params) : english;
    if (err instanceof HttpError) {
      const details = err.detailsIn(lang);
      return reply.status(err.statusCode).send({
        error: { code: err.code, message: err.messageIn(lang), ...(details ? { details } : {}) },
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
            message: say('http.storageUnavailable', translate('en', 'http.storageUnavailable')),
          },
        });
    }
    const fe = err as FastifyError;
    const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (known) {
      const english = known.message ?? fe.message;
      const message = known.key ? say(known.key, english, { detail: fe.message }) : english;
      return reply.status(known.status).send({ error: { code: known.code, message } });
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const limited = fe.statusCode === 429;
      return reply.status(fe.statusCode).send({
        error: {
          code: limited ? 'rate_limited' : 'invalid_input',
          message: limited ? say('http.tooManyRequests', fe.message) : fe.message,
        },
      });
    }
    req.log.error({ err }, 'unexpected error');
    return reply
      .status(500)
      .send({ error: { code: 'internal', message: say('http.internal', translate('en', 'http.internal')) } });
  });
  app.setNotFoundHandler((req, reply) => {
    const lang = acceptedLanguage(req.headers['accept-language']) ?? 'en';
    reply.status(404).send({
      error: {
        code: 'not_found',
        message: translate(lang, 'http.noRoute', { method: req.method, url: req.url }),
      },
    });
  });
}
