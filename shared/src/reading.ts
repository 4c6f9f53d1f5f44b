import { z } from 'zod';
import { MetricValue } from './metrics';
import { MAX_DURATION_MINUTES, PREHEAT_MINUTES, DateTimeText } from './launch';

const Count = MetricValue.int({ error: 'must be a whole number' });

/**
 * A reading as sent by a pusher: `{minute}` or `{at}` (a time inside the minute) plus the
 * metric increments for that minute. An omitted metric is 0.
 */
export const ReadingInput = z
  .strictObject({
    minute: z
      .number()
      .int()
      .min(-PREHEAT_MINUTES)
      .max(MAX_DURATION_MINUTES - 1)
      .optional(),
    at: DateTimeText.optional(),
    uv: Count.optional(),
    pv: Count.optional(),
    fav: Count.optional(),
    cart: Count.optional(),
    orders: Count.optional(),
    units: Count.optional(),
    gmv: MetricValue.optional(),
  })
  .refine((r) => (r.minute === undefined) !== (r.at === undefined), {
    error: 'give either "minute" or "at" (a time inside the minute), not both and not neither',
  });
export type ReadingInput = z.infer<typeof ReadingInput>;

/** Up to this many readings in one POST. */
export const MAX_READINGS_PER_REQUEST = 10_000;

export const ReadingBatch = z.union([
  ReadingInput,
  z.array(z.unknown()).min(1, { error: 'send at least one reading' }).max(MAX_READINGS_PER_REQUEST),
]);

/** A stored reading: one minute, every metric present. */
export const Reading = z.object({
  minute: z.number().int(),
  uv: z.number(),
  pv: z.number(),
  fav: z.number(),
  cart: z.number(),
  orders: z.number(),
  units: z.number(),
  gmv: z.number(),
});
export type Reading = z.infer<typeof Reading>;

export const IngestReport = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), message: z.string() })),
});
export type IngestReport = z.infer<typeof IngestReport>;
