import type { FastifyPluginAsync } from 'fastify';
import { SimulationInput } from '@warroom/shared';
import { z } from 'zod';
import { actorName } from '../accounts/policy';
import { notFound, parseInput } from '../http-errors';

export const simulationRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/simulations', { config: { access: 'read' } }, async () => app.simulations.list());

  app.post('/api/simulations', { config: { access: 'admin' } }, async (req, reply) => {
    const input = parseInput(SimulationInput, req.body, 'simulation');
    const { simulationId, launchId } = await app.simulations.start(input);
    await app.audit.record(actorName(req.principal), 'simulation.start', launchId, {
      simulationId,
      scenario: input.scenario,
      speed: input.speed,
    });
    return reply.status(201).send({ simulationId, launchId });
  });

  app.delete('/api/simulations/:id', { config: { access: 'admin' } }, async (req, reply) => {
    const { id } = parseInput(z.object({ id: z.string().min(1).max(100) }), req.params, 'path');
    if (!(await app.simulations.stop(id))) throw notFound(`simulation ${id}`);
    await app.audit.record(actorName(req.principal), 'simulation.stop', id);
    return reply.status(204).send();
  });
};
