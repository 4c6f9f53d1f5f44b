/**
 * The outbox's own decisions: a due message's channels, and each delivery attempt, recorded once.
 * The sender (server/src/notify) decides nothing else: what is due comes from the incident rules
 * (record.ts), and a message a channel took is never sent to it again.
 */
import type { DeliveryAttempt, LaunchEventBody, LaunchState } from '@warroom/shared';
import { record } from './record';

/** Routes a due message to `channels`; nothing when it was routed already (by this or another instance). */
export function routeNotification(
  state: LaunchState,
  key: string,
  channels: readonly string[],
  atMs: number,
): LaunchEventBody[] {
  const n = state.notifications.get(key);
  if (!n || n.channels !== null) return [];
  const events: LaunchEventBody[] = [];
  record(state, events, {
    type: 'notification.routed',
    key,
    channels: [...channels],
    at: new Date(atMs).toISOString(),
  });
  return events;
}

/**
 * Records one delivery attempt for the keys still unsent to that channel; nothing when every one
 * was sent already (a second report of the same message, say after a takeover).
 */
export function recordDelivery(state: LaunchState, attempt: DeliveryAttempt): LaunchEventBody[] {
  const keys = attempt.keys.filter((k) => {
    const n = state.notifications.get(k);
    return n && n.deliveries[attempt.channelId]?.status !== 'sent';
  });
  if (keys.length === 0) return [];
  const events: LaunchEventBody[] = [];
  record(state, events, { type: 'notification.delivery', delivery: { ...attempt, keys } });
  return events;
}
