import type { FastifyPluginAsync } from 'fastify';
import { AckInput, type Alert } from '@warroom/shared';
import { z } from 'zod';
import { acknowledge } from '../engine/index';
import { actorName } from '../accounts/policy';
import { HttpError, notFound, parseInput } from '../http-errors';

const AlertQuery = z.object({
  status: z.enum(['open', 'acknowledged', 'cleared', 'all']).default('all'),
  launchId: z.string().max(100).optional(),
});

export const alertRoutes: FastifyPluginAsync = async (app) => {
  /** The inbox across launches, newest first. */
  app.get('/api/alerts', { config: { access: 'read' } }, async (req) => {
    const q = parseInput(AlertQuery, req.query, 'query');
    const alerts: Alert[] = [];
    for (const rt of app.registry.all()) {
      if (q.launchId && rt.id !== q.launchId) continue;
      for (const a of rt.state.alerts.values())
        if (q.status === 'all' || a.status === q.status) alerts.push(a);
    }
    return alerts.sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt));
  });

  app.post('/api/alerts/:id/ack', { config: { access: 'supervisor' } }, async (req) => {
    const { id } = parseInput(z.object({ id: z.string().min(1).max(200) }), req.params, 'path');
    const input = parseInput(AckInput, req.body ?? {}, 'acknowledgement');
    const rt = app.registry.forAlert(id);
    if (!rt) throw notFound(`alert ${id}`);
    // The acknowledgement names the logged-in person; a typed name is not trusted.
    const by = req.principal?.kind === 'user' ? req.principal.displayName : null;
    if (!by) throw new HttpError(403, 'forbidden', 'only a logged-in supervisor can acknowledge');
    // Decided again if another instance appended first (Redis).
    const outcome = await rt.execute((state, now) => {
      const decided = acknowledge(state, id, { by, action: input.action, note: input.note }, now);
      return { events: decided.ok ? decided.events : [], result: decided };
    });
    if (!outcome.ok) throw notFound(`alert ${id}`);
    if (outcome.events.length > 0)
      await app.audit.record(actorName(req.principal), 'alert.ack', id, { action: input.action ?? null });
    return outcome.alert;
  });
};
