import type { FastifyPluginAsync } from 'fastify';
import { MAX_READINGS_PER_REQUEST, ReadingInput, describeIssues } from '@warroom/shared';
import { z } from 'zod';
import { ingest, tick } from '../engine/index';
import { HttpError, notFound, parseInput } from '../http-errors';

const IdParams = z.object({ id: z.string().min(1).max(100) });

/** Generous: a feed pushes one reading a minute; imports and batches use few requests. */
export const INGEST_REQUESTS_PER_MINUTE = Number(process.env.WARROOM_INGEST_RATE_PER_MINUTE) || 1_200_000;

/** Batched ingest is the fast path; a whole day of minutes fits in one request. */
export const READINGS_BODY_LIMIT = 4 * 1024 * 1024;

export const readingRoutes: FastifyPluginAsync = async (app) => {
  app.post(
    '/api/launches/:id/readings',
    {
      bodyLimit: READINGS_BODY_LIMIT,
      config: {
        access: 'ingest',
        // Per pusher: a runaway feed is slowed down before it can starve the screens.
        rateLimit: {
          max: INGEST_REQUESTS_PER_MINUTE,
          timeWindow: '1 minute',
          keyGenerator: (req) =>
            req.principal?.kind === 'token' ? `token:${req.principal.tokenId}` : `ip:${req.ip}`,
        },
      },
    },
    async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const rt = app.registry.get(id);
      if (!rt) throw notFound(`launch ${id}`);
      const body: unknown = req.body;
      const valid: { index: number; reading: ReadingInput }[] = [];
      const rejected: { index: number; message: string }[] = [];
      if (Array.isArray(body)) {
        if (body.length === 0 || body.length > MAX_READINGS_PER_REQUEST)
          throw new HttpError(
            400,
            'invalid_input',
            `send between 1 and ${MAX_READINGS_PER_REQUEST} readings in one request (got ${body.length})`,
          );
        body.forEach((item, index) => {
          const r = ReadingInput.safeParse(item);
          if (r.success) valid.push({ index, reading: r.data });
          else rejected.push({ index, message: describeIssues(r.error.issues) });
        });
      } else {
        valid.push({ index: 0, reading: parseInput(ReadingInput, body, 'reading') });
      }
      // Decided again if another instance appended first (Redis).
      const outcome = await rt.execute((state, now) => {
        const decided = ingest(state, valid, now);
        return { events: [...decided.events, ...(rt.driven ? [] : tick(state, now))], result: decided };
      });
      return {
        accepted: outcome.accepted,
        duplicates: outcome.duplicates,
        rejected: [...rejected, ...outcome.rejected].sort((a, b) => a.index - b.index),
      };
    },
  );
};
