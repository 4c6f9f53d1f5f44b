/** Replays and drills: start, control, acknowledge as a trainee, score. HTTP to manager calls only. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ReplayAckInput, ReplayInput, ReplaySeekInput, ReplaySpeedInput } from '@warroom/shared';
import { z } from 'zod';
import { HttpError, notFound, parseInput } from '../http-errors';
import type { Replay } from '../replay/replay';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const AlertParams = z.object({ id: z.string().min(1).max(100), alertId: z.string().min(1).max(200) });

/** The signed-in person's name (auth principals), or undefined for none or a token. */
export function personName(principal: unknown): string | undefined {
  const p = principal as { kind?: string; displayName?: string; username?: string } | null | undefined;
  return p?.kind === 'user' ? (p.displayName ?? p.username) : undefined;
}

/** Who is acting: the signed-in person once auth is on, else the name the caller gives. */
export function actingName(req: FastifyRequest, given: string | undefined): string | undefined {
  return personName((req as { principal?: unknown }).principal) ?? given;
}

export const replayRoutes: FastifyPluginAsync = async (app) => {
  // With several instances, a replay another instance owns (or owned, if it died) is taken over.
  const find = async (req: FastifyRequest): Promise<Replay> => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const r = await app.replays.obtain(id);
    if (!r) throw notFound(`replay ${id}`);
    return r;
  };
  const view = (r: Replay) => ({ info: r.info(), snapshot: r.snapshot() });

  app.post('/api/replays', { config: { access: 'user' } }, async (req, reply) => {
    const input = parseInput(ReplayInput, req.body, 'replay');
    const r = await app.replays.start(input);
    if (!r) throw notFound(`launch ${input.launchId}`);
    return reply.status(201).send({ replayId: r.id, info: r.info() });
  });

  app.get('/api/replays', { config: { access: 'read' } }, async () => app.replays.all().map((r) => r.info()));

  app.get('/api/replays/:id', { config: { access: 'read' } }, async (req) => view(await find(req)));

  const control = (name: string, fn: (r: Replay, body: unknown) => void) =>
    app.post(`/api/replays/:id/${name}`, { config: { access: 'user' } }, async (req) => {
      const r = await find(req);
      fn(r, req.body ?? {});
      await app.replays.record(r);
      return { info: r.info() };
    });
  control('pause', (r) => r.pause());
  control('resume', (r) => r.resume());
  control('step', (r) => r.step());
  control('end', (r) => r.end());
  control('seek', (r, body) => r.seek(parseInput(ReplaySeekInput, body, 'seek').minute));
  control('speed', (r, body) => r.setSpeed(parseInput(ReplaySpeedInput, body, 'speed').speed));

  app.post('/api/replays/:id/alerts/:alertId/ack', { config: { access: 'user' } }, async (req) => {
    const { id, alertId } = parseInput(AlertParams, req.params, 'path');
    const r = await app.replays.obtain(id);
    if (!r) throw notFound(`replay ${id}`);
    const input = parseInput(ReplayAckInput, req.body ?? {}, 'acknowledgement');
    // A drill scores its trainee, whoever's laptop the acknowledgement came from.
    const by = r.options.drill?.trainee ?? actingName(req, input.by);
    if (!by) throw new HttpError(400, 'invalid_input', 'say who is acknowledging: "by" is required');
    const alert = r.acknowledge(alertId, by, input.action, input.note);
    if (!alert) throw notFound(`alert ${alertId} in replay ${id}`);
    await app.replays.record(r);
    return alert;
  });

  app.get('/api/replays/:id/score', { config: { access: 'read' } }, async (req) =>
    app.replays.score(await find(req)),
  );

  app.delete('/api/replays/:id', { config: { access: 'user' } }, async (req, reply) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    if (!(await app.replays.delete(id))) throw notFound(`replay ${id}`);
    return reply.status(204).send();
  });
};
