import { z } from 'zod';
import { Alert } from './alert';
import { Incident } from './incident';
import { CheckpointResult } from './checkpoint';
import { type LaunchEvent } from './events';
import { FeedState, LaunchSnapshot } from './snapshot';
import { Launch } from './launch';
import { Reading } from './reading';
import { AckInput } from './alert';
import type { Principal } from './auth';
import { ReplayInfo } from './replay';
import { RunSheetTask, RunSheetTick } from './runsheet';
import { Group, MAX_GROUP_LAUNCHES } from './group';

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

/**
 * `group:subscribe`: the group wall joins the group's room (`group:<id>`), which gets every commit
 * of every launch in the group as one `events` push, the group's changes (`group`) and its
 * launches' clocks once a second (`group:clock`). `after` names the last offset seen per launch.
 */
export const GroupSubscribeInput = z.strictObject({
  groupId: z.string().min(1).max(100),
  after: z
    .array(z.strictObject({ launchId: z.string().min(1).max(100), offset: z.number().int().min(0) }))
    .max(MAX_GROUP_LAUNCHES)
    .optional(),
});
export type GroupSubscribeInput = z.infer<typeof GroupSubscribeInput>;
export const GroupUnsubscribeInput = z.strictObject({ groupId: z.string().min(1).max(100) });
/** Group rooms one connection may be in at once (a wall, a console filter, a review). */
export const MAX_GROUP_ROOMS = 4;

/** `subscribe` to a replay (room `replay:<id>`): answered like a launch subscription. */
export const ReplaySubscribeInput = z.strictObject({
  replayId: z.string().min(1).max(100),
  after: z.number().int().min(0).optional(),
  /** As for a launch: each step's facts as one `events` push. */
  batch: z.boolean().optional(),
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

export const SocketIncidentAckInput = z.strictObject({
  incidentId: z.string().min(1).max(200),
  ...AckInput.shape,
});

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
/** An incident opened, changed in place, worsened, was acknowledged, escalated, resolved or reopened. */
export const IncidentPush = z.object({
  ...Envelope,
  incident: Incident,
  change: z.enum(['opened', 'updated', 'worsened', 'acknowledged', 'escalated', 'resolved', 'reopened']),
});
export type IncidentPush = z.infer<typeof IncidentPush>;
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
/**
 * The most events one catch-up answer carries (a socket `subscribe`, `GET /api/launches/:id/events`);
 * a client further behind asks again from the last offset it got (`more` says there is more).
 */
export const EVENTS_PAGE_MAX = 1000;
/** The inbox (`inbox:subscribe`, `GET /api/alerts`) answers with at most this many alerts, the newest. */
export const INBOX_MAX_ALERTS = 500;

/**
 * The answer to `subscribe`: a snapshot, or the events after `after` — at most EVENTS_PAGE_MAX of
 * them; `offset` is the latest durable one, and `more` is true when the page stops short of it.
 */
export type SubscribeData =
  | { kind: 'snapshot'; snapshot: LaunchSnapshot }
  | { kind: 'events'; events: LaunchEvent[]; offset: number; more?: boolean };

/** What `group:subscribe` answers: the group, and per launch what `subscribe` would. */
export interface GroupSubscribeData {
  group: Group;
  launches: { launchId: string; data: SubscribeData }[];
}

/** The group changed (its launches, name or target), or was deleted (`group: null`). */
export const GroupPush = z.object({ groupId: z.string(), group: Group.nullable() });
export type GroupPush = z.infer<typeof GroupPush>;
/** The group's launches' clocks, once a second: each names its latest offset, as `clock` does. */
export const GroupClockPush = z.object({
  groupId: z.string(),
  clocks: z.array(
    z.object({ launchId: z.string(), offset: z.number().int(), now: z.string(), speed: z.number() }),
  ),
});
export type GroupClockPush = z.infer<typeof GroupClockPush>;

/**
 * A batch subscriber's push: the facts one commit recorded, in log order (`offset` is the last).
 * From a replay it carries `replayId`, and the offsets are the replay's own.
 */
export interface EventsPush {
  launchId: string;
  replayId?: string;
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
  incident: (p: IncidentPush) => void;
  clock: (p: ClockPush) => void;
  feed: (p: FeedPush) => void;
  runsheet: (p: RunSheetPush) => void;
  launch: (p: LaunchPush) => void;
  replay: (p: ReplayPush) => void;
  group: (p: GroupPush) => void;
  'group:clock': (p: GroupClockPush) => void;
  /** This connection is being closed by the server, and why (e.g. `memory_budget`: it did not read). */
  dropped: (p: { code: string; message: string }) => void;
}

export interface ClientToServerEvents {
  subscribe: (input: unknown, ack: (r: AckEnvelope<SubscribeData>) => void) => void;
  unsubscribe: (input: unknown, ack: (r: AckEnvelope<null>) => void) => void;
  'alert:ack': (input: unknown, ack: (r: AckEnvelope<Alert>) => void) => void;
  /** Acknowledges an incident and its open alerts (supervisor), as POST /api/incidents/:id/ack. */
  'incident:ack': (input: unknown, ack: (r: AckEnvelope<Incident>) => void) => void;
  /** Joins the inbox: every launch's alert pushes; answered with all current alerts. */
  'inbox:subscribe': (input: unknown, ack: (r: AckEnvelope<Alert[]>) => void) => void;
  'group:subscribe': (input: unknown, ack: (r: AckEnvelope<GroupSubscribeData>) => void) => void;
  'group:unsubscribe': (input: unknown, ack: (r: AckEnvelope<null>) => void) => void;
}

export interface SocketData {
  /** Who opened the connection: a logged-in person or a kiosk screen token. */
  principal: Principal | null;
}
