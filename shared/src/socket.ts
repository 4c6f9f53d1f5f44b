import { z } from 'zod';
import { Alert } from './alert';
import { CheckpointResult } from './checkpoint';
import { type LaunchEvent } from './events';
import { FeedState, LaunchSnapshot } from './snapshot';
import { Launch } from './launch';
import { Reading } from './reading';
import { AckInput } from './alert';
import type { Principal } from './auth';
import { ReplayInfo } from './replay';
import { RunSheetTask, RunSheetTick } from './runsheet';

/** Every client → server event is acknowledged with this envelope. */
export type AckEnvelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export const SubscribeInput = z.strictObject({
  launchId: z.string().min(1).max(100),
  /** The last offset this client saw; the answer is then the events after it. */
  after: z.number().int().min(0).optional(),
  /**
   * Receive each commit's facts as one `events` push (the log events, in order) instead of one
   * named push per fact: one frame per commit per screen, however many readings it holds.
   */
  batch: z.boolean().optional(),
});
export type SubscribeInput = z.infer<typeof SubscribeInput>;

export const UnsubscribeInput = z.strictObject({ launchId: z.string().min(1).max(100) });

/** `subscribe` to a replay (room `replay:<id>`): answered like a launch subscription. */
export const ReplaySubscribeInput = z.strictObject({
  replayId: z.string().min(1).max(100),
  after: z.number().int().min(0).optional(),
});
export type ReplaySubscribeInput = z.infer<typeof ReplaySubscribeInput>;
export const ReplayUnsubscribeInput = z.strictObject({ replayId: z.string().min(1).max(100) });

/** True when a client → server payload addresses a replay rather than a live launch. */
export function addressesReplay(input: unknown): input is { replayId: unknown } {
  return typeof input === 'object' && input !== null && 'replayId' in input;
}

export const SocketAckInput = z.strictObject({
  alertId: z.string().min(1).max(200),
  ...AckInput.shape,
});
export type SocketAckInput = z.infer<typeof SocketAckInput>;

/** A trainee acknowledging a replayed alert over the socket (`alert:ack` with `replayId`). */
export const ReplaySocketAckInput = z.strictObject({
  replayId: z.string().min(1).max(100),
  ...SocketAckInput.shape,
});

/**
 * Every push names the launch and the offset in its log. Pushes from a replay also carry
 * `replayId`, and their offset is the replay's own (they go only to the replay's room).
 */
const Envelope = { launchId: z.string(), offset: z.number().int(), replayId: z.string().optional() };

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

export const RunSheetPush = z.object({
  ...Envelope,
  change: z.enum(['updated', 'done']),
  runSheet: z.array(RunSheetTask).optional(),
  tick: RunSheetTick.optional(),
});
/** The planner edited the launch: the new settings replace the old (the `launch.updated` fact). */
export const LaunchPush = z.object({ ...Envelope, launch: Launch, by: z.string(), at: z.string() });
/** A replay's controls changed (play/pause/speed/seek/end); after a seek it carries the new state. */
export const ReplayPush = z.object({
  ...Envelope,
  replayId: z.string(),
  info: ReplayInfo,
  snapshot: LaunchSnapshot.optional(),
});

export type ReadingPush = z.infer<typeof ReadingPush>;
export type RunSheetPush = z.infer<typeof RunSheetPush>;
export type LaunchPush = z.infer<typeof LaunchPush>;
export type ReplayPush = z.infer<typeof ReplayPush>;
export type CheckpointPush = z.infer<typeof CheckpointPush>;
export type AlertPush = z.infer<typeof AlertPush>;
export type AlertAckPush = z.infer<typeof AlertAckPush>;
export type ClockPush = z.infer<typeof ClockPush>;
export type FeedPush = z.infer<typeof FeedPush>;

/** What `subscribe` answers: the whole state, or the log events after `after`. */
export type SubscribeData =
  { kind: 'snapshot'; snapshot: LaunchSnapshot } | { kind: 'events'; events: LaunchEvent[]; offset: number };

/** A batch subscriber's push: the facts one commit recorded, in log order (`offset` is the last). */
export interface EventsPush {
  launchId: string;
  offset: number;
  events: LaunchEvent[];
}

export interface ServerToClientEvents {
  events: (p: EventsPush) => void;
  /** Facts a screen may have seen were not stored after all: drop what you hold, subscribe afresh. */
  resync: (p: { launchId: string; offset: number }) => void;
  reading: (p: ReadingPush) => void;
  checkpoint: (p: CheckpointPush) => void;
  alert: (p: AlertPush) => void;
  'alert:ack': (p: AlertAckPush) => void;
  'alert:escalated': (p: AlertAckPush) => void;
  clock: (p: ClockPush) => void;
  feed: (p: FeedPush) => void;
  runsheet: (p: RunSheetPush) => void;
  launch: (p: LaunchPush) => void;
  replay: (p: ReplayPush) => void;
}

export interface ClientToServerEvents {
  subscribe: (input: unknown, ack: (r: AckEnvelope<SubscribeData>) => void) => void;
  unsubscribe: (input: unknown, ack: (r: AckEnvelope<null>) => void) => void;
  'alert:ack': (input: unknown, ack: (r: AckEnvelope<Alert>) => void) => void;
  /** Joins the inbox: every launch's alert pushes; answered with all current alerts. */
  'inbox:subscribe': (input: unknown, ack: (r: AckEnvelope<Alert[]>) => void) => void;
}

export interface SocketData {
  /** Who opened the connection: a logged-in person or a kiosk screen token. */
  principal: Principal | null;
}
