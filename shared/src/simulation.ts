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
});
export type SimulationInput = z.infer<typeof SimulationInput>;
