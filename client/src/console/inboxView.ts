/** Filtering, ordering and grouping of the console's inbox. Pure. */
import type { Alert, OwnerRole } from '@warroom/shared';
import { rankAlerts } from '../derive';
import type { StatusFilter } from '../store';
import { PHASE_ORDER, type LaunchPhase } from './launchPhase';

export function ownsAlert(alert: Alert, role: OwnerRole): boolean {
  return alert.owner === role || alert.plan.owners.some((o) => o.role === role) || alert.escalatedTo === role;
}

/** `'all'` or one launch's id. */
export type LaunchFilter = string;

export interface InboxFilters {
  role: OwnerRole | 'all';
  status: StatusFilter;
  launch: LaunchFilter;
}

/**
 * The inbox's rows: alerts of live launches first, then of launches to come, then of ended ones;
 * within each, unacknowledged first, then escalated, most severe and newest.
 */
export function inboxView(
  alerts: Iterable<Alert>,
  filters: InboxFilters,
  phaseOf: (launchId: string) => LaunchPhase = () => 'live',
): Alert[] {
  const rank = (a: Alert) => PHASE_ORDER.indexOf(phaseOf(a.launchId));
  return rankAlerts(alerts)
    .filter(
      (a) =>
        (filters.role === 'all' || ownsAlert(a, filters.role)) &&
        (filters.status === 'all' || a.status === filters.status) &&
        (filters.launch === 'all' || a.launchId === filters.launch),
    )
    .map((a, i) => ({ a, i, r: rank(a) }))
    .sort((x, y) => x.r - y.r || x.i - y.i)
    .map((x) => x.a);
}

/** A line of the inbox: an alert, or an ended launch's alerts folded into one line. */
export type InboxLine =
  { kind: 'alert'; alert: Alert } | { kind: 'ended'; launchId: string; alerts: Alert[]; open: boolean };

/**
 * The rows as lines: an ended launch's alerts fold into one line (opened on request), so an old
 * launch from a previous day does not push the live one's alerts out of sight. Picking one
 * launch in the filter shows its alerts unfolded.
 */
export function inboxLines(
  rows: readonly Alert[],
  phaseOf: (launchId: string) => LaunchPhase,
  expanded: ReadonlySet<string>,
  launchFilter: LaunchFilter,
): InboxLine[] {
  const out: InboxLine[] = [];
  const folded = new Map<string, Extract<InboxLine, { kind: 'ended' }>>();
  for (const a of rows) {
    if (launchFilter !== 'all' || phaseOf(a.launchId) !== 'ended') {
      out.push({ kind: 'alert', alert: a });
      continue;
    }
    let line = folded.get(a.launchId);
    if (!line) {
      line = { kind: 'ended', launchId: a.launchId, alerts: [], open: expanded.has(a.launchId) };
      folded.set(a.launchId, line);
      out.push(line);
    }
    line.alerts.push(a);
  }
  return out.flatMap((l) =>
    l.kind === 'ended' && l.open ? [l, ...l.alerts.map((alert) => ({ kind: 'alert' as const, alert }))] : [l],
  );
}
