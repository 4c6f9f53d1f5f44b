/**
 * The group review (场次组总结): the launches side by side — plan against actual, sell-out,
 * incidents and response times — and the group's totals; and the group's run sheet, every
 * launch's tasks merged by time. Built from each launch's own review, so the numbers are the ones
 * its review shows.
 */
import {
  type Group,
  type GroupReview,
  type GroupReviewRow,
  type GroupRunSheetRow,
  type LaunchState,
  MINUTE_MS,
  fromMicro,
  launchTime,
  stockStatus,
  toMicro,
} from '@warroom/shared';
import { review } from './review';

export interface GroupMember {
  state: LaunchState;
  nowMs: number;
}

function row(state: LaunchState, nowMs: number): { row: GroupReviewRow; responses: number[] } {
  const r = review(state, nowMs);
  const kpi = (k: string) => r.kpis.find((x) => x.key === k);
  const responses = r.alerts.flatMap((a) => (a.responseSeconds === null ? [] : [a.responseSeconds]));
  const stock = stockStatus(state);
  const soldOutMinute = stock?.soldOutMinute ?? null;
  const incidents = [...state.incidents.values()];
  return {
    responses,
    row: {
      launchId: state.launch.id,
      name: state.launch.name,
      startAt: state.launch.startAt,
      planGmv: kpi('gmv')?.target ?? null,
      actualGmv: kpi('gmv')?.actual ?? 0,
      completion: kpi('gmv')?.completion ?? null,
      planUnits: kpi('units')?.target ?? null,
      actualUnits: kpi('units')?.actual ?? 0,
      stock: state.launch.stock,
      soldOutMinute,
      soldOutAt:
        soldOutMinute === null ? null : launchTime(state, state.startMs + (soldOutMinute + 1) * MINUTE_MS),
      incidents: incidents.length,
      criticalIncidents: incidents.filter((i) => i.severity === 'critical').length,
      alerts: r.alerts.length,
      acknowledged: responses.length,
      meanResponseSeconds: mean(responses),
      maxResponseSeconds: responses.length ? Math.max(...responses) : null,
    },
  };
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const sum = (xs: readonly number[]) => fromMicro(xs.reduce((s, x) => s + toMicro(x), 0n));

export function groupReview(group: Group, members: readonly GroupMember[], generatedAt: string): GroupReview {
  const rows = members
    .map((m) => row(m.state, m.nowMs))
    .sort(
      (a, b) => Date.parse(a.row.startAt) - Date.parse(b.row.startAt) || a.row.name.localeCompare(b.row.name),
    );
  const launches = rows.map((r) => r.row);
  const responses = rows.flatMap((r) => r.responses);
  const planGmv = group.target?.gmv ?? sum(launches.map((l) => l.planGmv ?? 0));
  const actualGmv = sum(launches.map((l) => l.actualGmv));
  return {
    group,
    generatedAt,
    launches,
    totals: {
      planGmv,
      actualGmv,
      completion: planGmv > 0 ? actualGmv / planGmv : null,
      actualUnits: sum(launches.map((l) => l.actualUnits)),
      soldOut: launches.filter((l) => l.soldOutMinute !== null).length,
      incidents: launches.reduce((s, l) => s + l.incidents, 0),
      criticalIncidents: launches.reduce((s, l) => s + l.criticalIncidents, 0),
      alerts: launches.reduce((s, l) => s + l.alerts, 0),
      acknowledged: responses.length,
      meanResponseSeconds: mean(responses),
      maxResponseSeconds: responses.length ? Math.max(...responses) : null,
    },
  };
}

/** Every launch's run-sheet tasks, in time order (then launch, then the launch's own order). */
export function groupRunSheet(members: readonly GroupMember[]): GroupRunSheetRow[] {
  const rows = members.flatMap((m) =>
    review(m.state, m.nowMs).runSheet.map((t, i) => ({
      at: Date.parse(t.dueAt),
      i,
      row: { launchId: m.state.launch.id, launchName: m.state.launch.name, ...t },
    })),
  );
  return rows
    .sort((a, b) => a.at - b.at || a.row.launchName.localeCompare(b.row.launchName) || a.i - b.i)
    .map((r) => r.row);
}
