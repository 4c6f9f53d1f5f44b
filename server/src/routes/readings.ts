import type { FastifyPluginAsync } from 'fastify';
import {
  IngestReport,
  MAX_READINGS_PER_REQUEST,
  ReadingBatch,
  ReadingInput,
  describeIssues,
} from '@warroom/shared';
import { z } from 'zod';
import { HttpError, parseInput } from '../http-errors';
import { errorResponse } from '../plugins/openapi';
import { tooManyRequests } from '../plugins/rate-limits';

const IdParams = z.object({ id: z.string().min(1).max(100) });

/**
 * The launch id of the path. The router always gives a string, and one of 1 to 100 characters is
 * what IdParams accepts: only anything else goes through zod, for its 400 in the caller's language.
 */
function launchIdOf(params: unknown): string {
  const id = (params as { id?: unknown }).id;
  if (typeof id === 'string' && id.length >= 1 && id.length <= 100) return id;
  return parseInput(IdParams, params, 'path').id;
}

/** What the OpenAPI document says of the route (plugins/openapi.ts). */
const docs = {
  ingest: {
    summary: 'Push readings: one, or an array of up to 10,000',
    description:
      'Each reading is `{minute}` or `{at}` plus metric increments (ReadingInput). Each item of an ' +
      'array is checked on its own: invalid ones are rejected by index and the valid ones go on; ' +
      '`duplicates` are identical re-sends.',
    tags: ['readings'],
    params: IdParams,
    body: ReadingBatch,
    response: { 200: IngestReport, 413: errorResponse(413), 429: errorResponse(429) },
  },
};

/** Batched ingest is the fast path; a whole day of minutes fits in one request. */
export const READINGS_BODY_LIMIT = 4 * 1024 * 1024;

export const readingRoutes: FastifyPluginAsync = async (app) => {
  // Per pusher (WARROOM_INGEST_RATE_PER_MINUTE): a runaway feed is slowed down before it can starve
  // the screens. Counted once the pusher is known, before the body is read.
  const perPusher = app.limiter(app.limits.ingestPerMinute, (req) =>
    req.principal?.kind === 'token' ? `ingest:token:${req.principal.tokenId}` : `ingest:ip:${req.ip}`,
  );
  app.post(
    '/api/launches/:id/readings',
    {
      bodyLimit: READINGS_BODY_LIMIT,
      config: { access: 'ingest' },
      schema: docs.ingest,
      onRequest: async (req, reply) => {
        const answer = await perPusher(req);
        if (answer.exceeded) throw tooManyRequests(reply, answer, 'ingest');
      },
    },
    async (req) => {
      const id = launchIdOf(req.params);
      app.launches.runtime(id); // 404 before reading the body
      const body: unknown = req.body;
      const valid: { index: number; reading: ReadingInput }[] = [];
      const rejected: { index: number; message: string }[] = [];
      if (Array.isArray(body)) {
        if (body.length === 0 || body.length > MAX_READINGS_PER_REQUEST)
          throw new HttpError(400, 'invalid_input', {
            key: 'http.readingsCount',
            params: { max: MAX_READINGS_PER_REQUEST, count: body.length },
          });
        body.forEach((item, index) => {
          const r = ReadingInput.safeParse(item);
          if (r.success) valid.push({ index, reading: r.data });
          else rejected.push({ index, message: describeIssues(r.error.issues) });
        });
      } else {
        valid.push({ index: 0, reading: parseInput(ReadingInput, body, 'reading') });
      }
      const outcome = await app.launches.ingest(id, valid);
      return {
        accepted: outcome.accepted,
        duplicates: outcome.duplicates,
        rejected: [...rejected, ...outcome.rejected].sort((a, b) => a.index - b.index),
      };
    },
  );
};
