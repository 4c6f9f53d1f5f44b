import type { FastifyPluginAsync } from 'fastify';
import { AckInput, Alert, INBOX_MAX_ALERTS, Incident, newestAlerts } from '@warroom/shared';
import { z } from 'zod';
import { actorOf } from '../accounts/policy';
import { parseInput } from '../http-errors';

const IncidentQuery = z.object({
  status: z.enum(['open', 'acknowledged', 'resolved', 'all']).default('all'),
  launchId: z.string().max(100).optional(),
});

const AlertQuery = z.object({
  status: z.enum(['open', 'acknowledged', 'cleared', 'all']).default('all'),
  launchId: z.string().max(100).optional(),
  /** The newest this many (at most INBOX_MAX_ALERTS, the socket inbox's bound too). */
  limit: z.coerce.number().int().min(1).max(INBOX_MAX_ALERTS).default(INBOX_MAX_ALERTS),
});
const AlertParams = z.object({ id: z.string().min(1).max(200) });

const tags = ['alerts'];
/** What the OpenAPI document says of each route (plugins/openapi.ts). */
const docs = {
  inbox: {
    summary: 'The alert inbox across launches, newest first',
    description: `At most \`limit\` alerts (${INBOX_MAX_ALERTS} and by default), the newest.`,
    tags,
    querystring: AlertQuery,
    response: { 200: z.array(Alert) },
  },
  ack: {
    summary: 'Acknowledge an alert (the first acknowledgement stands)',
    description: 'The acknowledgement names the logged-in person; a second one returns the first unchanged.',
    tags,
    params: AlertParams,
    body: AckInput.nullable(),
    response: { 200: Alert },
  },
  incidents: {
    summary: 'Incidents across launches: open first, then the most recently changed',
    description:
      'An incident is the breaches that tell one story (one cause, carried across checkpoints), handled once.',
    tags,
    querystring: IncidentQuery,
    response: { 200: z.array(Incident) },
  },
  incidentAck: {
    summary: 'Acknowledge an incident and its open alerts (the first acknowledgement stands)',
    tags,
    params: AlertParams,
    body: AckInput.nullable(),
    response: { 200: Incident },
  },
};

export const alertRoutes: FastifyPluginAsync = async (app) => {
  /** The inbox across launches, newest first. */
  app.get('/api/alerts', { config: { access: 'read' }, schema: docs.inbox }, async (req) => {
    const q = parseInput(AlertQuery, req.query, 'query');
    const alerts: Alert[] = [];
    for (const rt of app.registry.all()) {
      if (q.launchId && rt.id !== q.launchId) continue;
      for (const a of rt.state.alerts.values())
        if (q.status === 'all' || a.status === q.status) alerts.push(a);
    }
    return newestAlerts(alerts, q.limit);
  });

  app.post('/api/alerts/:id/ack', { config: { access: 'supervisor' }, schema: docs.ack }, async (req) => {
    const { id } = parseInput(AlertParams, req.params, 'path');
    const input = parseInput(AckInput, req.body ?? {}, 'acknowledgement');
    return app.launches.acknowledge(id, input, actorOf(req.principal), 'http');
  });

  /** Incidents across launches: open first, then the most recently changed. */
  app.get('/api/incidents', { config: { access: 'read' }, schema: docs.incidents }, async (req) => {
    const q = parseInput(IncidentQuery, req.query, 'query');
    const out: Incident[] = [];
    for (const rt of app.registry.all()) {
      if (q.launchId && rt.id !== q.launchId) continue;
      for (const i of rt.state.incidents.values())
        if (q.status === 'all' || i.status === q.status) out.push(i);
    }
    return out.sort(
      (a, b) =>
        Number(b.status === 'open') - Number(a.status === 'open') ||
        Date.parse(b.updatedAt) - Date.parse(a.updatedAt),
    );
  });

  app.post(
    '/api/incidents/:id/ack',
    { config: { access: 'supervisor' }, schema: docs.incidentAck },
    async (req) => {
      const { id } = parseInput(AlertParams, req.params, 'path');
      const input = parseInput(AckInput, req.body ?? {}, 'acknowledgement');
      return app.launches.acknowledgeIncident(id, input, actorOf(req.principal), 'http');
    },
  );
};
