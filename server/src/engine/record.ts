import { type LaunchEventBody, type LaunchState, evolve, notificationFor } from '@warroom/shared';

/**
 * Records a decided fact: folds it into the state at once (so the rest of the decision, and the
 * next command, see it) and adds it to the facts the caller will write to the log. An incident fact
 * that announces something to the room (opened, worsened, re-opened, escalated, acknowledged) brings
 * its `notification.due`: the outbox entry the sender delivers, once per dedup key.
 */
export function record(state: LaunchState, events: LaunchEventBody[], event: LaunchEventBody): void {
  evolve(state, event);
  events.push(event);
  if (!event.type.startsWith('incident.')) return;
  const due = notificationFor(
    event.type,
    (event as { incident: Parameters<typeof notificationFor>[1] }).incident,
  );
  if (!due || state.notifications.has(due.key)) return;
  const fact: LaunchEventBody = { type: 'notification.due', notification: due };
  evolve(state, fact);
  events.push(fact);
}
