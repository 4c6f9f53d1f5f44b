/** Launches: list, create, read one. Routes translate HTTP to engine and registry calls, nothing more. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  EVENTS_PAGE_MAX,
  LaunchInput,
  Targets,
  DateTimeText,
  DEFAULT_TIMEZONE,
  isValidTimezone,
  parseDateTime,
  MAX_DURATION_MINUTES,
  DEFAULT_DURATION_MINUTES,
  type Lang,
  type SavedLaunch,
  SavedLaunchAnswer,
  launchWarnings,
  summary,
  toSnapshot,
  ForecastPoint,
  type Launch,
  LaunchEvent,
  FORECAST_RANGE_MAX,
  preheatOf,
  ForecastRange,
  LaunchSnapshotAnswer,
  LaunchSummary,
} from '@warroom/shared';
import { z } from 'zod';
import { templateForecast } from '../engine/index';
import { actorOf } from '../accounts/policy';
import { languageOf, parseInput } from '../http-errors';
import { errorResponse } from '../plugins/openapi';

const IdParams = z.object({ id: z.string().min(1).max(100) });

const ForecastPreviewInput = z.strictObject({
  startAt: DateTimeText,
  timezone: z.string().max(64).refine(isValidTimezone, { error: 'must be an IANA time zone' }).optional(),
  durationMinutes: z.number().int().min(1).max(MAX_DURATION_MINUTES).optional(),
  targets: Targets,
});
/** `Prefer: return=minimal` (RFC 7240): answer the saved launch without its per-minute curves. */
const PreferHeaders = z.object({ prefer: z.string().optional() });
const SnapshotQuery = z.object({
  /** `forecast`: the launch's whole per-minute curve too (without it, the launch without it). */
  include: z.enum(['forecast']).optional(),
});
const RangeQuery = z
  .object({
    from: z.coerce
      .number()
      .int()
      .min(-366 * 24 * 60)
      .max(366 * 24 * 60)
      .default(0),
    to: z.coerce
      .number()
      .int()
      .min(-366 * 24 * 60)
      .max(366 * 24 * 60)
      .optional(),
  })
  .refine((q) => q.to === undefined || q.to > q.from, { error: '"to" must be after "from"', path: ['to'] })
  .refine((q) => q.to === undefined || q.to - q.from <= FORECAST_RANGE_MAX, {
    error: `at most ${FORECAST_RANGE_MAX} minutes at once`,
    path: ['to'],
  });
const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(EVENTS_PAGE_MAX).default(EVENTS_PAGE_MAX),
});
const EventsPage = z.object({
  /** The latest durable offset. */
  offset: z.number().int(),
  events: z.array(LaunchEvent),
  /** True when the page stops short of `offset`: ask again with `after` = the last event's offset. */
  more: z.boolean(),
});

const tags = ['launches'];
/** What the OpenAPI document says of each route (plugins/openapi.ts). */
const docs = {
  list: { summary: 'Every launch, latest 开团 first', tags, response: { 200: z.array(LaunchSummary) } },
  create: {
    summary: 'Create a launch',
    description:
      '`forecast` is per-minute points or `{ "template": { "uv", "units", "gmv" } }`. The answer is the saved launch with its curves; with `Prefer: return=minimal`, without them (`Preference-Applied: return=minimal`).',
    tags,
    body: LaunchInput,
    headers: PreferHeaders,
    response: { 201: SavedLaunchAnswer },
  },
  update: {
    summary: "Replace a launch's settings (checkpoints and alerts are re-evaluated)",
    description: '409 when 开团 or the zone would move, or minutes be cut off, once readings are in.',
    tags,
    params: IdParams,
    body: LaunchInput,
    headers: PreferHeaders,
    response: { 200: SavedLaunchAnswer, 409: errorResponse(409) },
  },
  get: {
    summary: 'A launch as a screen draws it',
    description:
      'The launch comes without its per-minute curve (`launch.forecast`) unless `?include=forecast` asks for it; `GET /api/launches/:id/forecast` serves a part of it.',
    tags,
    params: IdParams,
    querystring: SnapshotQuery,
    response: { 200: LaunchSnapshotAnswer },
  },
  forecast: {
    summary: "A part of the launch's planned curve, minute by minute",
    description: `Minutes [from, to) (default from 0, a day), at most ${FORECAST_RANGE_MAX} at once; negative minutes are the preheat's plan.`,
    tags,
    params: IdParams,
    querystring: RangeQuery,
    response: { 200: ForecastRange },
  },
  events: {
    summary: "The launch's durable log after an offset, a page at a time",
    description: `At most \`limit\` events (${EVENTS_PAGE_MAX} and by default) after \`after\`; \`more\` says whether to ask again from the last one.`,
    tags,
    params: IdParams,
    querystring: EventsQuery,
    response: { 200: EventsPage },
  },
  preview: {
    summary: 'The template curve for targets, before saving',
    tags,
    body: ForecastPreviewInput,
    response: { 200: z.object({ forecast: z.array(ForecastPoint) }) },
  },
};

/** The launch, with `warnings` when there is something to look at again (absent otherwise). */
function withWarnings(launch: Launch, lang: Lang): SavedLaunch {
  const warnings = launchWarnings(launch, lang);
  return warnings.length > 0 ? { ...launch, warnings } : launch;
}

/**
 * The saved launch as answered: whole, or — when the request says `Prefer: return=minimal`
 * (RFC 7240) — without its per-minute curves, which for a year-long launch are tens of megabytes
 * the planner's form does not need back (`GET /api/launches/:id/forecast` serves them).
 */
function answerSaved(req: FastifyRequest, reply: FastifyReply, launch: Launch): SavedLaunchAnswer {
  const saved = withWarnings(launch, languageOf(req));
  if (!prefersMinimal(req.headers.prefer)) return saved;
  void reply.header('preference-applied', 'return=minimal');
  const { forecast: _f, preheatForecast: _p, ...head } = saved;
  return head;
}

/** Whether a Prefer header (RFC 7240: preferences separated by commas, parameters by `;`) asks for return=minimal. */
function prefersMinimal(header: string | string[] | undefined): boolean {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values.some((v) =>
    v.split(',').some((pref) => {
      const [token] = pref.split(';');
      const [name, value] = (token ?? '').split('=').map((x) => x.trim().toLowerCase());
      return name === 'return' && (value === 'minimal' || value === '"minimal"');
    }),
  );
}

export const launchRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/launches', { config: { access: 'read' }, schema: docs.list }, async () =>
    app.registry
      .all()
      .map((rt) => summary(rt.state, rt.clock.now(), rt.clock.speed))
      .sort((a, b) => b.startAt.localeCompare(a.startAt)),
  );

  app.post('/api/launches', { config: { access: 'admin' }, schema: docs.create }, async (req, reply) => {
    const input = parseInput(LaunchInput, req.body, 'launch');
    const launch = await app.launches.create(input, actorOf(req.principal));
    // Saved all the same; the planner is told what to look at again (stock under 3× the plan).
    return reply.status(201).send(answerSaved(req, reply, launch));
  });

  /**
   * Edits a launch: the body is a whole LaunchInput (as for create) that replaces the settings.
   * The id, creation time and clock stay; the run sheet stays unless the body has one (it has its
   * own editor). The engine re-evaluates the checkpoints and alerts under the new settings, and
   * refuses (409) moving 开团 or the zone, or cutting minutes off, once readings are in.
   */
  app.put('/api/launches/:id', { config: { access: 'admin' }, schema: docs.update }, async (req, reply) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    app.launches.runtime(id); // 404 before the body's 400
    const input = parseInput(LaunchInput, req.body, 'launch');
    const launch = await app.launches.update(id, input, actorOf(req.principal));
    return answerSaved(req, reply, launch);
  });

  app.get('/api/launches/:id', { config: { access: 'read' }, schema: docs.get }, async (req) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const rt = app.launches.runtime(id);
    const { include } = parseInput(SnapshotQuery, req.query, 'query');
    await rt.settled(); // show what is stored, not what is still being written
    const snapshot = toSnapshot(rt.state, rt.clock.now(), rt.clock.speed);
    if (include === 'forecast') return snapshot;
    const { forecast: _, ...launch } = snapshot.launch;
    return { ...snapshot, launch };
  });

  app.get(
    '/api/launches/:id/forecast',
    { config: { access: 'read' }, schema: docs.forecast },
    async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const { from, to = from + 24 * 60 } = parseInput(RangeQuery, req.query, 'query');
      const { launch } = app.launches.runtime(id).state;
      const preheatMinutes = preheatOf(launch);
      const before = (launch.preheatForecast ?? []).slice(
        Math.max(0, from + preheatMinutes),
        Math.max(0, Math.min(0, to) + preheatMinutes),
      );
      const after = launch.forecast.slice(Math.max(0, from), Math.max(0, to));
      return {
        launchId: launch.id,
        from,
        to,
        durationMinutes: launch.durationMinutes,
        preheatMinutes,
        points: [...before, ...after],
      };
    },
  );

  /** The durable log after an offset, a bounded page at a time, for tools and catch-up over HTTP. */
  app.get('/api/launches/:id/events', { config: { access: 'read' }, schema: docs.events }, async (req) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const { after, limit } = parseInput(EventsQuery, req.query, 'query');
    const rt = app.launches.runtime(id);
    const offset = rt.durableOffset;
    const events = after < offset ? rt.eventsAfter(after, Math.min(limit, offset - after)) : [];
    return { offset, events, more: (events.at(-1)?.offset ?? after) < offset };
  });

  /** The template curve for targets, so the planner sees it before saving. */
  app.post('/api/forecast/preview', { config: { access: 'admin' }, schema: docs.preview }, async (req) => {
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
