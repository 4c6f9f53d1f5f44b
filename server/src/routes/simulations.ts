import type { FastifyPluginAsync } from 'fastify';
import { SimulationInfo, SimulationInput, SimulationStarted, formatLocal, translate } from '@warroom/shared';
import { z } from 'zod';
import { actorName, actorOf } from '../accounts/policy';
import { notFound, parseInput } from '../http-errors';
import { noContent } from '../plugins/openapi';

const SimulationParams = z.object({ id: z.string().min(1).max(100) });

const tags = ['simulations'];
/** What the OpenAPI document says of each route (plugins/openapi.ts). */
const docs = {
  list: { summary: 'Simulations on this instance', tags, response: { 200: z.array(SimulationInfo) } },
  start: {
    summary: 'Start a simulated launch, or a batch of them in a new group',
    description:
      'With `group: { count, intervalMinutes, name? }`: `count` launches opening `intervalMinutes` apart ' +
      '(10:00, 10:05, 10:10 …) on one clock, in a new launch group (`groupId`).',
    tags,
    body: SimulationInput,
    response: { 201: SimulationStarted },
  },
  stop: { summary: 'Stop a simulation', tags, params: SimulationParams, response: { 204: noContent } },
};

export const simulationRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/simulations', { config: { access: 'read' }, schema: docs.list }, async () =>
    app.simulations.list(),
  );

  app.post('/api/simulations', { config: { access: 'admin' }, schema: docs.start }, async (req, reply) => {
    const input = parseInput(SimulationInput, req.body, 'simulation');
    if (!input.group) {
      const { simulationId, launchId } = await app.simulations.start(input, actorOf(req.principal));
      return reply.status(201).send({ simulationId, launchId });
    }
    const started = await app.simulations.startBatch(
      { ...input, group: input.group },
      actorOf(req.principal),
    );
    const first = started[0]!;
    const name =
      input.group.name ??
      translate('zh', 'sim.groupName', {
        n: started.length,
        time: formatLocal(Date.parse(first.launch.startAt), first.launch.timezone, 'zh'),
      });
    const by = actorName(req.principal);
    const group = await app.groups.create({ name, launchIds: started.map((s) => s.launchId) }, by);
    await app.audit.record(by, 'group.create', group.id, { name, launches: group.launchIds });
    return reply.status(201).send({
      simulationId: first.simulationId,
      launchId: first.launchId,
      groupId: group.id,
      simulations: started.map(({ simulationId, launchId }) => ({ simulationId, launchId })),
    });
  });

  app.delete(
    '/api/simulations/:id',
    { config: { access: 'admin' }, schema: docs.stop },
    async (req, reply) => {
      const { id } = parseInput(SimulationParams, req.params, 'path');
      if (!(await app.simulations.stop(id, actorOf(req.principal)))) throw notFound(`simulation ${id}`);
      return reply.status(204).send();
    },
  );
};
