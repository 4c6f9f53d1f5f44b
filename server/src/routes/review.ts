/** The post-launch review and its exports, what-if re-evaluation, and the run sheet. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  ForecastInput,
  RunSheetDoneInput,
  RunSheetInput,
  WhatIfInput,
  resolveRunSheet,
} from '@warroom/shared';
import { z } from 'zod';
import { tickOffTask, updateRunSheet } from '../engine/index';
import { HttpError, notFound, parseInput } from '../http-errors';
import { reviewCsv, reviewXlsx } from '../review/export';
import { review } from '../review/review';
import { whatIf } from '../replay/whatif';
import { actingName } from './replays';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const TaskParams = z.object({ id: z.string().min(1).max(100), taskId: z.string().min(1).max(40) });
const ReviewQuery = z.object({ format: z.enum(['json', 'csv', 'xlsx']).default('json') });

/** A file name safe in a header: the launch id (names may hold any character). */
const fileName = (id: string, ext: string) => `review-${id.replace(/[^A-Za-z0-9_-]/g, '')}.${ext}`;

export const reviewRoutes: FastifyPluginAsync = async (app) => {
  const runtime = (req: FastifyRequest) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const rt = app.registry.get(id);
    if (!rt) throw notFound(`launch ${id}`);
    return rt;
  };

  app.get('/api/launches/:id/review', { config: { access: 'read' } }, async (req, reply) => {
    const rt = runtime(req);
    const { format } = parseInput(ReviewQuery, req.query, 'query');
    const r = review(rt.state, rt.clock.now());
    if (format === 'csv')
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(rt.id, 'csv')}"`)
        .send(reviewCsv(r));
    if (format === 'xlsx')
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${fileName(rt.id, 'xlsx')}"`)
        .send(await reviewXlsx(r));
    return r;
  });

  app.post('/api/launches/:id/what-if', { config: { access: 'read' } }, async (req) => {
    const rt = runtime(req);
    const input = parseInput(WhatIfInput, req.body ?? {}, 'what-if');
    const forecast =
      input.forecast === undefined ? undefined : parseInput(ForecastInput, input.forecast, 'forecast');
    const { src } = app.replays.timeline(rt.id, rt.events, rt.state.launch.runSheet);
    return whatIf(src, rt.state.alerts.values(), input, forecast);
  });

  app.put('/api/launches/:id/run-sheet', { config: { access: 'admin' } }, async (req) => {
    const rt = runtime(req);
    const body = req.body as { tasks?: unknown } | unknown[] | null;
    const tasks = parseInput(RunSheetInput, Array.isArray(body) ? body : (body?.tasks ?? body), 'run sheet');
    const runSheet = resolveRunSheet(tasks);
    const by = actingName(req, undefined) ?? 'admin';
    await rt.commit(updateRunSheet(rt.state, runSheet, by, rt.clock.now()));
    return { runSheet };
  });

  app.post('/api/launches/:id/run-sheet/:taskId/done', { config: { access: 'supervisor' } }, async (req) => {
    const { id, taskId } = parseInput(TaskParams, req.params, 'path');
    const rt = app.registry.get(id);
    if (!rt) throw notFound(`launch ${id}`);
    const input = parseInput(RunSheetDoneInput, req.body ?? {}, 'tick-off');
    const by = actingName(req, input.by);
    if (!by) throw new HttpError(400, 'invalid_input', 'say who ticks the task off: "by" is required');
    const outcome = tickOffTask(rt.state, taskId, by, rt.clock.now());
    if (!outcome.ok) throw notFound(`task ${taskId}`);
    await rt.commit(outcome.events);
    const tick = rt.state.runSheetDone.get(taskId)!;
    return tick;
  });
};
