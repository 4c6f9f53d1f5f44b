/**
 * The contract's named pushes for a log fact: which event, with what payload, and whether it also
 * belongs in the supervisors' inbox. Shared by live launches and replays so both speak alike.
 */
import type { LaunchEvent, ServerToClientEvents } from '@warroom/shared';

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
    case 'launch.created':
      return null;
  }
}
