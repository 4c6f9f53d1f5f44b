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
  resolveRunSheet,
} from '@warroom/shared';
import { z } from 'zod';
import { createLaunch, snapshot, summary, templateForecast, updateLaunch } from '../engine/index';
import { actorName } from '../accounts/policy';
import { HttpError, notFound, parseInput } from '../http-errors';
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

  /**
   * Edits a launch: the body is a whole LaunchInput (as for create) that replaces the settings.
   * The id, creation time and clock stay; the run sheet stays unless the body has one (it has its
   * own editor). The engine re-evaluates the checkpoints and alerts under the new settings, and
   * refuses (409) moving 开团 or the zone, or cutting minutes off, once readings are in.
   */
  app.put('/api/launches/:id', { config: { access: 'admin' } }, async (req) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const rt = app.registry.get(id);
    if (!rt) throw notFound(`launch ${id}`);
    const input = parseInput(LaunchInput, req.body, 'launch');
    const by = actorName(req.principal);
    const outcome = await rt.execute((state, now) => {
      const current = state.launch;
      const next = {
        ...createLaunch(input, current.id, Date.parse(current.createdAt), current.clock),
        createdAt: current.createdAt,
        runSheet: input.runSheet ? resolveRunSheet(input.runSheet) : current.runSheet,
      };
      if (next.runSheet === undefined) delete next.runSheet;
      const result = updateLaunch(state, next, by, now);
      return { events: result.ok ? result.events : [], result };
    });
    if (!outcome.ok)
      throw new HttpError(409, 'conflict', outcome.message, {
        issues: outcome.issues.map((i) => ({ path: i.path, message: i.message })),
      });
    await app.audit.record(by, 'launch.update', id, { name: outcome.launch.name });
    return outcome.launch;
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
