/**
 * Request limits, counted by @fastify/rate-limit. With Redis (several instances behind a proxy) the
 * counts live in Redis, through the library's Redis store on this instance's connection, so a limit
 * holds however the requests are spread; embedded, they are in this process's memory. Routes take
 * a counter with `app.limiter(max, key)` and refuse with `tooManyRequests`.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DEFAULT_LIMITS } from '../config';
import { HttpError } from '../http-errors';
import { StorageUnavailableError } from '../store/event-store';

export interface RequestLimits {
  /** WARROOM_INGEST_RATE_PER_MINUTE: requests one ingest token may send to the readings route. */
  ingestPerMinute: number;
  /** WARROOM_LOGIN_PER_ADDRESS_PER_MINUTE: login attempts from one address, across usernames. */
  loginPerAddressPerMinute: number;
  /** WARROOM_LOGIN_PER_USERNAME_PER_MINUTE: login attempts on one username, across addresses. */
  loginPerUsernamePerMinute: number;
  /** The window the per-minute counts run over (a minute; tests shorten it to see one end). */
  windowMs: number;
}

/** One counted request: whether it is over the limit, and when the window ends. */
export interface LimitAnswer {
  exceeded: boolean;
  limit: number;
  remaining: number;
  /** Until the window ends and counting starts again. */
  resetMs: number;
}

export type Limiter = (req: FastifyRequest) => Promise<LimitAnswer>;

declare module 'fastify' {
  interface FastifyInstance {
    limits: RequestLimits;
    /** A counter per `key(req)`: each call counts one request and says whether it is over `max`. */
    limiter(max: number, key: (req: FastifyRequest) => string): Limiter;
  }
}

/** What a 429 refused, each a message in the caller's language (shared/src/i18n). */
export type LimitedWhat = 'loginAddress' | 'loginUsername' | 'ingest';

/** The 429 a person can act on: what was refused and, in words and in Retry-After, when to try again. */
export function tooManyRequests(reply: FastifyReply, answer: LimitAnswer, what: LimitedWhat): HttpError {
  const seconds = Math.max(1, Math.ceil(answer.resetMs / 1000));
  reply.header('retry-after', seconds);
  reply.header('x-ratelimit-limit', answer.limit);
  reply.header('x-ratelimit-remaining', 0);
  reply.header('x-ratelimit-reset', seconds);
  return new HttpError(429, 'rate_limited', {
    key: `http.rateLimited.${what}`,
    params: { seconds },
  });
}

export default fp<Partial<RequestLimits>>(
  async (app, opts) => {
    const limits: RequestLimits = { ...DEFAULT_LIMITS, windowMs: 60_000, ...opts };
    const redis = app.redisBackend;
    await app.register(rateLimit, {
      global: false,
      ...(redis ? { redis: redis.redis, nameSpace: `${redis.prefix}rate-limit:` } : {}),
    });
    app.decorate('limits', limits);
    app.decorate('limiter', (max: number, key: (req: FastifyRequest) => string): Limiter => {
      const count = app.createRateLimit({ max, timeWindow: limits.windowMs, keyGenerator: key });
      return async (req) => {
        let answer: Awaited<ReturnType<typeof count>>;
        try {
          answer = await count(req);
        } catch (e) {
          // Counted in Redis, which is not answering: refuse as any write would now, rather than
          // let requests through uncounted.
          throw new StorageUnavailableError('the request limit could not be checked (Redis unavailable?)', e);
        }
        if (answer.isAllowed) return { exceeded: false, limit: max, remaining: max, resetMs: 0 };
        return {
          exceeded: answer.isExceeded,
          limit: answer.max,
          remaining: answer.remaining,
          resetMs: answer.ttl,
        };
      };
    });
  },
  { name: 'rate-limits', dependencies: ['registry'] },
);
