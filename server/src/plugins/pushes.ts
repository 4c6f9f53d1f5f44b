/**
 * The one adapter from log facts to what sockets receive, for live launches and replays alike:
 * screens (batch subscribers) get each commit as one `events` push — the facts in log order — and
 * everyone else (integrations, the supervisors' inbox) the contract's named pushes, one per fact.
 */
import type { BroadcastOperator } from 'socket.io';
import { type LaunchEvent, type ServerToClientEvents, isIncidentFact } from '@warroom/shared';

type Name = keyof ServerToClientEvents;
export interface NamedPush {
  event: Name;
  payload: Record<string, unknown>;
  /** Alert facts also go to the inbox room. */
  inbox: boolean;
}

export function namedPush(
  e: LaunchEvent,
  base: Record<string, unknown>,
  clock: () => { now: string; speed: number },
): NamedPush | null {
  const push = (event: Name, payload: Record<string, unknown>, inbox = false): NamedPush => ({
    event,
    payload: { ...base, ...payload },
    inbox,
  });
  if (isIncidentFact(e))
    return push('incident', { incident: e.incident, change: e.type.slice('incident.'.length) }, true);
  switch (e.type) {
    case 'reading.ingested':
      return push('reading', { reading: e.reading });
    case 'checkpoint.evaluated':
      return push('checkpoint', { result: e.result });
    case 'alert.raised':
      return push('alert', { alert: e.alert, change: 'raised' }, true);
    case 'alert.updated':
      return push('alert', { alert: e.alert, change: 'updated' }, true);
    case 'alert.acknowledged':
      return push('alert:ack', { alert: e.alert }, true);
    case 'alert.escalated':
      return push('alert:escalated', { alert: e.alert }, true);
    case 'clock.advanced':
    case 'simulation.started':
    case 'simulation.stopped':
      return push('clock', clock());
    case 'runsheet.updated':
      return push('runsheet', { change: 'updated', runSheet: e.runSheet });
    case 'runsheet.task.done':
      return push('runsheet', { change: 'done', tick: { taskId: e.taskId, by: e.by, at: e.at } });
    case 'launch.updated':
      return push('launch', { launch: e.launch, by: e.by, at: e.at });
    case 'notification.due':
    case 'notification.routed':
    case 'notification.delivery':
    case 'launch.created':
      // A new offset all the same: it moves named subscribers on as a clock tick does.
      return push('clock', clock());
  }
}

type Operator = BroadcastOperator<ServerToClientEvents, unknown>;

export interface FactAudience {
  /** Selects sockets by room (io.local.to for this instance's sockets, io.to cluster-wide). */
  to(rooms: string | string[]): Operator;
  /** Everyone watching the launch or replay. */
  room: string;
  /** Those of them that take `events` batches. */
  batchRoom: string;
  /** A room that also gets the alert facts as named pushes (the inbox), if any. */
  inboxRoom?: string;
  /** Whether anyone takes named pushes; unknown (true) when rooms span instances. */
  namedWanted: boolean;
  /** Whether anyone takes batches. */
  batchWanted: boolean;
}

/** Sends one commit's facts: one `events` push to batch subscribers, named pushes to the rest. */
export function pushFacts(
  audience: FactAudience,
  events: readonly LaunchEvent[],
  base: { launchId: string; replayId?: string },
  clock: () => { now: string; speed: number },
): void {
  if (events.length === 0) return;
  if (audience.batchWanted)
    audience
      .to(audience.batchRoom)
      .emit('events', { ...base, offset: events.at(-1)!.offset, events: [...events] });
  if (!audience.namedWanted) return;
  const room = audience.to(audience.room).except(audience.batchRoom);
  const withInbox = audience.inboxRoom
    ? audience.to([audience.room, audience.inboxRoom]).except(audience.batchRoom)
    : room;
  for (const e of events) {
    const push = namedPush(e, { ...base, offset: e.offset }, clock);
    if (!push) continue;
    // Typed per event by namedPush; the emitter's overloads cannot follow a computed name.
    (push.inbox ? withInbox : room).emit(push.event, push.payload as never);
  }
}
