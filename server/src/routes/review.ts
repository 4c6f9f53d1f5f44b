/** The post-launch review and its exports, what-if re-evaluation, and the run sheet. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  ForecastInput,
  LaunchReview,
  RunSheetDoneInput,
  RunSheetInput,
  RunSheetTask,
  RunSheetTick,
  WhatIfInput,
  WhatIfResult,
} from '@warroom/shared';
import { z } from 'zod';
import { actorOf } from '../accounts/policy';
import { HttpError, parseInput } from '../http-errors';
import { downloadable } from '../plugins/openapi';
import { reviewCsv, reviewXlsx, sendReview } from '../review/export';
import { review } from '../review/review';
import { whatIf } from '../replay/whatif';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const TaskParams = z.object({ id: z.string().min(1).max(100), taskId: z.string().min(1).max(40) });
const RunSheetBody = z.strictObject({ tasks: z.unknown() });
const ReviewQuery = z.object({ format: z.enum(['json', 'csv', 'xlsx']).default('json') });

const tags = ['review'];
/** What the OpenAPI document says of each route (plugins/openapi.ts). */
const docs = {
  review: {
    summary: 'The post-launch review (JSON, or a CSV or Excel download)',
    tags,
    params: IdParams,
    querystring: ReviewQuery,
    response: { 200: downloadable(LaunchReview, 'The review') },
  },
  whatIf: {
    summary: 'Re-evaluate the launch under other settings (nothing is stored)',
    tags,
    params: IdParams,
    body: WhatIfInput.nullable(),
    response: { 200: WhatIfResult },
  },
  runSheet: {
    summary: 'Replace the run sheet',
    description: 'The body is the task list, or `{ "tasks": [...] }`.',
    tags,
    params: IdParams,
    body: z.union([RunSheetInput, z.object({ tasks: RunSheetInput })]),
    response: { 200: z.object({ runSheet: z.array(RunSheetTask) }) },
  },
  done: {
    summary: 'Tick a run-sheet task off',
    tags,
    params: TaskParams,
    body: RunSheetDoneInput.nullable(),
    response: { 200: RunSheetTick },
  },
};

/** A file name safe in a header: the launch id (names may hold any character). */
const fileName = (id: string, ext: string) => `review-${id.replace(/[^A-Za-z0-9_-]/g, '')}.${ext}`;

export const reviewRoutes: FastifyPluginAsync = async (app) => {
  const runtime = (req: FastifyRequest) => app.launches.runtime(parseInput(IdParams, req.params, 'path').id);

  app.get(
    '/api/launches/:id/review',
    { config: { access: 'read' }, schema: docs.review },
    async (req, reply) => {
      const rt = runtime(req);
      const { format } = parseInput(ReviewQuery, req.query, 'query');
      const r = review(rt.state, rt.clock.now());
      return sendReview(reply, format, r, (ext) => fileName(rt.id, ext), reviewCsv, reviewXlsx);
    },
  );

  app.post('/api/launches/:id/what-if', { config: { access: 'read' }, schema: docs.whatIf }, async (req) => {
    const rt = runtime(req);
    const input = parseInput(WhatIfInput, req.body ?? {}, 'what-if');
    const forecast =
      input.forecast === undefined ? undefined : parseInput(ForecastInput, input.forecast, 'forecast');
    const { src } = app.replays.timeline(rt.id, rt.events, rt.state.launch.runSheet);
    return whatIf(src, rt.state.alerts.values(), input, forecast);
  });

  app.put(
    '/api/launches/:id/run-sheet',
    { config: { access: 'admin' }, schema: docs.runSheet },
    async (req) => {
      const rt = runtime(req);
      // The list itself, or {tasks}: any other key is refused, not silently passed over.
      const body: unknown = req.body;
      const list = Array.isArray(body) ? body : parseInput(RunSheetBody, body, 'run sheet').tasks;
      const tasks = parseInput(RunSheetInput, list, 'run sheet');
      return { runSheet: await app.launches.updateRunSheet(rt.id, tasks, actorOf(req.principal)) };
    },
  );

  app.post(
    '/api/launches/:id/run-sheet/:taskId/done',
    { config: { access: 'supervisor' }, schema: docs.done },
    async (req) => {
      const { id, taskId } = parseInput(TaskParams, req.params, 'path');
      app.launches.runtime(id);
      const input = parseInput(RunSheetDoneInput, req.body ?? {}, 'tick-off');
      const actor = actorOf(req.principal);
      const by = actor.person ?? input.by;
      if (!by) throw new HttpError(400, 'invalid_input', { key: 'http.sayWhoTicks' });
      return app.launches.tickTask(id, taskId, by, actor);
    },
  );
};
