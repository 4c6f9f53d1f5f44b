import { z } from 'zod';
import { issueError } from './i18n';
import { MetricValue, MetricValues, OrderMetricValues } from './metrics';
import { MAX_DURATION_MINUTES, PREHEAT_MINUTES, DateTimeText } from './launch';
import { ChannelBreakdown, ChannelReadingsInput } from './channels';

const Count = MetricValue.int(issueError('v.mustBeWholeNumber'));

/**
 * A reading as sent by a pusher: `{minute}` or `{at}` (a time inside the minute) plus the
 * metric increments for that minute. An omitted metric is 0; the order measures (placedOrders,
 * placedGmv, newBuyers) are kept only when sent.
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
    ...OrderMetricValues,
    /** Per channel (流量来源): visitors, paid buyers, GMV and spend of the minute. */
    channels: ChannelReadingsInput.optional(),
  })
  .refine((r) => (r.minute === undefined) !== (r.at === undefined), issueError('v.minuteOrAt'));
export type ReadingInput = z.infer<typeof ReadingInput>;

/** Up to this many readings in one POST. */
export const MAX_READINGS_PER_REQUEST = 10_000;

export const ReadingBatch = z.union([
  ReadingInput,
  z.array(z.unknown()).min(1, issueError('v.atLeastOneReading')).max(MAX_READINGS_PER_REQUEST),
]);

/** A stored reading: one minute, every metric present, the order measures when they were sent. */
export const Reading = z.object({
  minute: z.number().int(),
  ...MetricValues.shape,
  placedOrders: z.number().optional(),
  placedGmv: z.number().optional(),
  newBuyers: z.number().optional(),
  /** The channel breakdown, when sent (its totals need not equal the reading's). */
  channels: ChannelBreakdown.optional(),
});
export type Reading = z.infer<typeof Reading>;

export const IngestReport = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), message: z.string() })),
});
export type IngestReport = z.infer<typeof IngestReport>;
