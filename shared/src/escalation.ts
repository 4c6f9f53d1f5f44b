/**
 * When an open incident (or an alert outside any incident, in logs from before incidents) goes to
 * the manager (电商经理): its owner gets the launch's full escalation time from when it last opened
 * (opened, reopened, or made materially worse). The time is for people, so it runs in real seconds:
 * a simulation at 30× still gives its owner five real minutes (30 × 300 s of launch clock). A replay
 * counts on its own clock (its speed is the trainer's setting). The engine decides escalations with
 * this rule, live and in replays; screens count down with it.
 */
import type { Alert } from './alert';
import type { LaunchState } from './fold';
import type { Incident } from './incident';

/** Launch-clock ms at which an alert last opened for its owner. */
export function openedAtMs(alert: Alert): number {
  for (let i = alert.history.length - 1; i >= 0; i--) {
    const h = alert.history[i]!;
    if (h.type === 'raised' || h.type === 'reopened') return Date.parse(h.at);
  }
  return Date.parse(alert.raisedAt);
}

/** Launch-clock ms at which an incident last opened for its owner (opened, reopened, worsened). */
export function incidentOpenedAtMs(incident: Incident): number {
  for (let i = incident.history.length - 1; i >= 0; i--) {
    const h = incident.history[i]!;
    if (h.type === 'opened' || h.type === 'reopened' || h.type === 'worsened') return Date.parse(h.at);
  }
  return Date.parse(incident.openedAt);
}

/** Launch-clock ms per real ms for people's timers: a simulation's speed, else 1. */
export function peopleSpeed(state: Pick<LaunchState, 'simulation'>): number {
  return state.simulation && state.simulation.speed > 0 ? state.simulation.speed : 1;
}

/** A launch-clock span as the real time people lived it (a simulation runs faster). */
export function realMs(state: Pick<LaunchState, 'simulation'>, launchMs: number): number {
  return launchMs / peopleSpeed(state);
}

type Timing = Pick<LaunchState, 'launch' | 'simulation'>;

/** Launch-clock ms at which an incident escalates if still open; null when it never will. */
export function incidentEscalationDueMs(state: Timing, incident: Incident): number | null {
  if (incident.status !== 'open' || incident.escalated) return null;
  return incidentOpenedAtMs(incident) + state.launch.escalateAfterSeconds * 1000 * peopleSpeed(state);
}

/**
 * Launch-clock ms at which `alert` escalates if still open and unacknowledged; null when it never
 * will (acknowledged, cleared, escalated already — or its incident is handled or over). An alert
 * in an incident escalates with it.
 */
export function escalationDueMs(
  state: Timing & Partial<Pick<LaunchState, 'incidents'>>,
  alert: Alert,
): number | null {
  if (alert.status !== 'open' || alert.escalated) return null;
  const incident = alert.incidentId ? state.incidents?.get(alert.incidentId) : undefined;
  if (incident) return incidentEscalationDueMs(state, incident);
  return openedAtMs(alert) + state.launch.escalateAfterSeconds * 1000 * peopleSpeed(state);
}
