/** Launches: list, create, read one. Routes translate HTTP to engine and registry calls, nothing more. */
import type { FastifyPluginAsync } from 'fastify';
import {
  LaunchInput,
  Targets,
  DateTimeText,
  DEFAULT_TIMEZONE,
  isValidTimezone,
  parseDateTime,
  MAX_DURATION_MINUTES,
  DEFAULT_DURATION_MINUTES,
} from '@warroom/shared';
import { z } from 'zod';
import { createLaunch, snapshot, summary, templateForecast } from '../engine/index';
import { actorName } from '../accounts/policy';
import { notFound, parseInput } from '../http-errors';
import { newId } from '../launches/registry';

const IdParams = z.object({ id: z.string().min(1).max(100) });

const ForecastPreviewInput = z.strictObject({
  startAt: DateTimeText,
  timezone: z.string().max(64).refine(isValidTimezone, { error: 'must be an IANA time zone' }).optional(),
  durationMinutes: z.number().int().min(1).max(MAX_DURATION_MINUTES).optional(),
  targets: Targets,
});

export const launchRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/launches', { config: { access: 'read' } }, async () =>
    app.registry
      .all()
      .map((rt) => summary(rt.state))
      .sort((a, b) => b.startAt.localeCompare(a.startAt)),
  );

  app.post('/api/launches', { config: { access: 'admin' } }, async (req, reply) => {
    const input = parseInput(LaunchInput, req.body, 'launch');
    const launch = createLaunch(input, newId(), Date.now());
    await app.registry.create(launch);
    await app.audit.record(actorName(req.principal), 'launch.create', launch.id, { name: launch.name });
    return reply.status(201).send(launch);
  });

  app.get('/api/launches/:id', { config: { access: 'read' } }, async (req) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const rt = app.registry.get(id);
    if (!rt) throw notFound(`launch ${id}`);
    await rt.settled(); // show what is stored, not what is still being written
    return snapshot(rt.state, rt.clock.now(), rt.clock.speed);
  });

  /** The durable log after an offset, for tools and catch-up over HTTP. */
  app.get('/api/launches/:id/events', { config: { access: 'read' } }, async (req) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const { after } = parseInput(
      z.object({ after: z.coerce.number().int().min(0).default(0) }),
      req.query,
      'query',
    );
    const rt = app.registry.get(id);
    if (!rt) throw notFound(`launch ${id}`);
    return { offset: rt.durableOffset, events: rt.eventsAfter(after) };
  });

  /** The template curve for targets, so the planner sees it before saving. */
  app.post('/api/forecast/preview', { config: { access: 'admin' } }, async (req) => {
    const input = parseInput(ForecastPreviewInput, req.body, 'forecast preview');
    const zone = input.timezone ?? DEFAULT_TIMEZONE;
    const forecast = templateForecast(
      input.targets,
      input.durationMinutes ?? DEFAULT_DURATION_MINUTES,
      parseDateTime(input.startAt, zone),
      zone,
    );
    return { forecast };
  });
};
