/**
 * Alert records: raising one, updating it in place, clearing it. The checkpoint, stock and payment
 * rules decide when; these build the facts the same way for all of them.
 */
import type { Alert, AlertKind, Incident, LaunchEventBody, LaunchState } from '@warroom/shared';
import { record } from './record';

/** What a rule says about an alert; the rest of a new alert is the same for every kind. */
export type AlertFacts = Pick<
  Alert,
  | 'kind'
  | 'metric'
  | 'direction'
  | 'severity'
  | 'deviation'
  | 'actual'
  | 'forecast'
  | 'missingMinutes'
  | 'plan'
  | 'owner'
> &
  Partial<
    Pick<Alert, 'incidentId' | 'diagnosis' | 'stock' | 'unpaid' | 'channel' | 'shortChannels' | 'budget'>
  >;

export function alertId(launchId: string, checkpoint: number, metric: string): string {
  return `${launchId}-t${checkpoint}-${metric}`;
}

/**
 * A new alert for checkpoint (or minute) `t`, raised at `at`. Raised into an incident someone is
 * already on, it is acknowledged with it: the room is not told again for the same story.
 */
export function raiseAlert(
  state: LaunchState,
  id: string,
  t: number,
  at: string,
  facts: AlertFacts,
  incident: Incident | undefined,
  events: LaunchEventBody[],
): Alert {
  const handled = incident?.status === 'acknowledged' ? incident : null;
  const escalation = escalationWith(incident, at);
  const alert: Alert = {
    id,
    launchId: state.launch.id,
    checkpoint: t,
    ...facts,
    status: handled ? 'acknowledged' : 'open',
    raisedAt: at,
    updatedAt: at,
    ...escalation,
    ackedBy: handled?.ackedBy ?? null,
    ackedAt: handled ? at : null,
    action: handled?.action ?? null,
    note: handled?.note ?? null,
    history: [
      facts.kind === 'breach'
        ? { type: 'raised', at, deviation: facts.deviation, severity: facts.severity }
        : { type: 'raised', at, severity: facts.severity },
      ...(handled ? [{ type: 'acknowledged' as const, at, by: handled.ackedBy ?? '', incident: true }] : []),
      ...(escalation.escalated ? [{ type: 'escalated' as const, at }] : []),
    ],
  };
  record(state, events, { type: 'alert.raised', alert });
  return alert;
}

/**
 * An open alert raised (or reopened) into an incident that has already gone to the manager, and
 * that nobody has taken on since, has gone there with it: it says so at once rather than count
 * down to an escalation that happened already. Otherwise it is not escalated.
 */
export function escalationWith(
  incident: Incident | undefined,
  at: string,
): Pick<Alert, 'escalated' | 'escalatedAt' | 'escalatedTo'> {
  return incident?.status === 'open' && incident.escalated
    ? { escalated: true, escalatedAt: at, escalatedTo: incident.escalatedTo }
    : { escalated: false, escalatedAt: null, escalatedTo: null };
}

/** Clears an alert that no longer applies (back within plan, or its checkpoint left the launch). */
export function clearAlert(
  state: LaunchState,
  existing: Alert,
  at: string,
  events: LaunchEventBody[],
  changes: Partial<Alert> = {},
): void {
  if (existing.status === 'cleared') return;
  const alert: Alert = {
    ...existing,
    ...changes,
    status: 'cleared',
    updatedAt: at,
    history: [
      ...existing.history,
      'deviation' in changes
        ? { type: 'cleared', at, deviation: changes.deviation ?? null }
        : { type: 'cleared', at },
    ],
  };
  record(state, events, { type: 'alert.updated', alert });
}

/** The kinds whose alerts open and close with a rule evaluated minute by minute (not a checkpoint). */
export const MINUTE_RULE_KINDS: readonly AlertKind[] = ['low-stock', 'sold-out', 'unpaid', 'budget'];
