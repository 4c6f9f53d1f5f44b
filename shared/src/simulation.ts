import { z } from 'zod';
import { Scenario } from './events';

/** POST /api/simulations. `launch` overrides fields of the simulated launch. */
export const SimulationInput = z.strictObject({
  scenario: Scenario,
  speed: z.number().min(0.1).max(10_000),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  launch: z.record(z.string(), z.unknown()).optional(),
  /**
   * A batch (分批开团): `count` launches opening `intervalMinutes` apart on one shared clock, put in
   * a new launch group (named `name`, or after the batch).
   */
  group: z
    .strictObject({
      count: z.number().int().min(1).max(50),
      intervalMinutes: z.number().int().min(0).max(240),
      name: z.string().trim().min(1).max(120).optional(),
    })
    .optional(),
});
export type SimulationInput = z.infer<typeof SimulationInput>;

/** POST /api/simulations answers: the (first) simulation, and with `group` the batch and its group. */
export const SimulationStarted = z.object({
  simulationId: z.string(),
  launchId: z.string(),
  groupId: z.string().optional(),
  simulations: z.array(z.object({ simulationId: z.string(), launchId: z.string() })).optional(),
});
export type SimulationStarted = z.infer<typeof SimulationStarted>;
