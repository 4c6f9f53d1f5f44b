/** Filtering and ordering of the console's inbox. Pure. */
import type { Alert, OwnerRole } from '@warroom/shared';
import { rankAlerts } from '../derive';
import type { StatusFilter } from '../store';

export function ownsAlert(alert: Alert, role: OwnerRole): boolean {
  return alert.owner === role || alert.plan.owners.some((o) => o.role === role) || alert.escalatedTo === role;
}

/** Unacknowledged first, then escalated, most severe and newest. */
export function inboxView(alerts: Iterable<Alert>, role: OwnerRole | 'all', status: StatusFilter): Alert[] {
  return rankAlerts(alerts).filter(
    (a) => (role === 'all' || ownsAlert(a, role)) && (status === 'all' || a.status === status),
  );
}
