/** Replays and drills: start, control, acknowledge as a trainee, score. HTTP to manager calls only. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  Alert,
  DrillScoreSheet,
  LaunchSnapshot,
  ReplayAckInput,
  ReplayInfo,
  ReplayInput,
  ReplaySeekInput,
  ReplaySpeedInput,
} from '@warroom/shared';
import { z } from 'zod';
import { mayAcknowledgeInReplay, mayControlReplay, personName } from '../accounts/policy';
import { HttpError, notFound, parseInput } from '../http-errors';
import { noContent } from '../plugins/openapi';
import type { Replay } from '../replay/replay';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const AlertParams = z.object({ id: z.string().min(1).max(100), alertId: z.string().min(1).max(200) });

const tags = ['replays'];
const Info = z.object({ info: ReplayInfo });
/** The body each control takes, if any. */
const CONTROL_BODIES: Record<string, z.ZodType | undefined> = {
  seek: ReplaySeekInput,
  speed: ReplaySpeedInput,
};
/** What the OpenAPI document says of each route (plugins/openapi.ts). */
const docs = {
  start: {
    summary: 'Replay a launch (or run it as a drill)',
    tags,
    body: ReplayInput,
    response: { 201: z.object({ replayId: z.string(), info: ReplayInfo }) },
  },
  list: {
    summary: 'Every replay, on every instance, where it stands now (oldest first)',
    tags,
    response: { 200: z.array(ReplayInfo) },
  },
  get: {
    summary: 'A replay where it stands',
    tags,
    params: IdParams,
    response: { 200: z.object({ info: ReplayInfo, snapshot: LaunchSnapshot }) },
  },
  control: (name: string) => ({
    summary: `Replay control: ${name}`,
    description: 'The trainer who started the replay and admins only; everyone else watches (403).',
    tags,
    params: IdParams,
    ...(CONTROL_BODIES[name] ? { body: CONTROL_BODIES[name] } : {}),
    response: { 200: Info },
  }),
  ack: {
    summary: "Acknowledge a replayed alert (a drill scores its trainee); the launch's alerts are untouched",
    tags,
    params: AlertParams,
    body: ReplayAckInput.nullable(),
    response: { 200: Alert },
  },
  score: { summary: "A drill's score sheet", tags, params: IdParams, response: { 200: DrillScoreSheet } },
  delete: {
    summary: 'End and forget a replay',
    description: 'The trainer who started it and admins only (403 for anyone else).',
    tags,
    params: IdParams,
    response: { 204: noContent },
  },
};

export const replayRoutes: FastifyPluginAsync = async (app) => {
  // With several instances, a replay another instance owns (or owned, if it died) is taken over.
  const find = async (req: FastifyRequest): Promise<Replay> => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const r = await app.replays.obtain(id);
    if (!r) throw notFound(`replay ${id}`);
    return r;
  };
  const view = (r: Replay) => ({ info: r.info(), snapshot: r.snapshot() });
  /** The trainer who started a replay and admins control it; everyone else watches (403). */
  const mustControl = (req: FastifyRequest, r: Replay) => {
    if (!mayControlReplay(req.principal, r.options.startedBy))
      throw new HttpError(403, 'forbidden', {
        key: 'replay.notYours',
        params: { who: r.options.startedBy ?? '—' },
      });
  };

  app.post('/api/replays', { config: { access: 'user' }, schema: docs.start }, async (req, reply) => {
    const input = parseInput(ReplayInput, req.body, 'replay');
    const p = req.principal;
    const r = await app.replays.start(input, p?.kind === 'user' ? p.username : null);
    if (!r) throw notFound(`launch ${input.launchId}`);
    return reply.status(201).send({ replayId: r.id, info: r.info() });
  });

  app.get('/api/replays', { config: { access: 'read' }, schema: docs.list }, async () => app.replays.list());

  app.get('/api/replays/:id', { config: { access: 'read' }, schema: docs.get }, async (req) =>
    view(await find(req)),
  );

  const control = (name: string, fn: (r: Replay, body: unknown) => void) =>
    app.post(
      `/api/replays/:id/${name}`,
      { config: { access: 'user' }, schema: docs.control(name) },
      async (req) => {
        const r = await find(req);
        mustControl(req, r);
        fn(r, req.body ?? {});
        await app.replays.record(r);
        return { info: r.info() };
      },
    );
  control('pause', (r) => r.pause());
  control('resume', (r) => r.resume());
  control('step', (r) => r.step());
  control('end', (r) => r.end());
  control('seek', (r, body) => r.seek(parseInput(ReplaySeekInput, body, 'seek').minute));
  control('speed', (r, body) => r.setSpeed(parseInput(ReplaySpeedInput, body, 'speed').speed));

  app.post(
    '/api/replays/:id/alerts/:alertId/ack',
    { config: { access: 'user' }, schema: docs.ack },
    async (req) => {
      const { id, alertId } = parseInput(AlertParams, req.params, 'path');
      const r = await app.replays.obtain(id);
      if (!r) throw notFound(`replay ${id}`);
      if (!mayAcknowledgeInReplay(req.principal, r.options))
        throw new HttpError(403, 'forbidden', { key: 'replay.notYourDrill' });
      const input = parseInput(ReplayAckInput, req.body ?? {}, 'acknowledgement');
      // A drill scores its trainee, whoever's laptop the acknowledgement came from.
      const by = r.options.drill?.trainee ?? personName(req.principal) ?? input.by;
      if (!by) throw new HttpError(400, 'invalid_input', { key: 'http.sayWhoAcksBy' });
      const alert = r.acknowledge(alertId, by, input.action, input.note);
      if (!alert) throw notFound(`alert ${alertId} in replay ${id}`);
      await app.replays.record(r);
      return alert;
    },
  );

  app.get('/api/replays/:id/score', { config: { access: 'read' }, schema: docs.score }, async (req) =>
    app.replays.score(await find(req)),
  );

  app.delete('/api/replays/:id', { config: { access: 'user' }, schema: docs.delete }, async (req, reply) => {
    mustControl(req, await find(req));
    const { id } = parseInput(IdParams, req.params, 'path');
    if (!(await app.replays.delete(id))) throw notFound(`replay ${id}`);
    return reply.status(204).send();
  });
};
