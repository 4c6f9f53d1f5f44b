import { z } from 'zod';
import { Alert } from './alert';
import { CheckpointResult } from './checkpoint';
import { type LaunchEvent } from './events';
import { FeedState, type LaunchSnapshot } from './snapshot';
import { Reading } from './reading';
import { AckInput } from './alert';

/** Every client → server event is acknowledged with this envelope. */
export type AckEnvelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export const SubscribeInput = z.strictObject({
  launchId: z.string().min(1).max(100),
  /** The last offset this client saw; the answer is then the events after it. */
  after: z.number().int().min(0).optional(),
});
export type SubscribeInput = z.infer<typeof SubscribeInput>;

export const UnsubscribeInput = z.strictObject({ launchId: z.string().min(1).max(100) });

export const SocketAckInput = z.strictObject({
  alertId: z.string().min(1).max(200),
  ...AckInput.shape,
});
export type SocketAckInput = z.infer<typeof SocketAckInput>;

const Envelope = { launchId: z.string(), offset: z.number().int() };

export const ReadingPush = z.object({ ...Envelope, reading: Reading });
export const CheckpointPush = z.object({ ...Envelope, result: CheckpointResult });
export const AlertPush = z.object({
  ...Envelope,
  alert: Alert,
  change: z.enum(['raised', 'updated']),
});
export const AlertAckPush = z.object({ ...Envelope, alert: Alert });
export const ClockPush = z.object({ ...Envelope, now: z.string(), speed: z.number() });
export const FeedPush = z.object({ ...Envelope, state: FeedState, lastReadingAt: z.string().nullable() });

export type ReadingPush = z.infer<typeof ReadingPush>;
export type CheckpointPush = z.infer<typeof CheckpointPush>;
export type AlertPush = z.infer<typeof AlertPush>;
export type AlertAckPush = z.infer<typeof AlertAckPush>;
export type ClockPush = z.infer<typeof ClockPush>;
export type FeedPush = z.infer<typeof FeedPush>;

/** What `subscribe` answers: the whole state, or the log events after `after`. */
export type SubscribeData =
  { kind: 'snapshot'; snapshot: LaunchSnapshot } | { kind: 'events'; events: LaunchEvent[]; offset: number };

export interface ServerToClientEvents {
  reading: (p: ReadingPush) => void;
  checkpoint: (p: CheckpointPush) => void;
  alert: (p: AlertPush) => void;
  'alert:ack': (p: AlertAckPush) => void;
  'alert:escalated': (p: AlertAckPush) => void;
  clock: (p: ClockPush) => void;
  feed: (p: FeedPush) => void;
}

export interface ClientToServerEvents {
  subscribe: (input: unknown, ack: (r: AckEnvelope<SubscribeData>) => void) => void;
  unsubscribe: (input: unknown, ack: (r: AckEnvelope<null>) => void) => void;
  'alert:ack': (input: unknown, ack: (r: AckEnvelope<Alert>) => void) => void;
  /** Joins the inbox: every launch's alert pushes; answered with all current alerts. */
  'inbox:subscribe': (input: unknown, ack: (r: AckEnvelope<Alert[]>) => void) => void;
}

export interface SocketData {
  user: { name: string; role: string } | null;
}
