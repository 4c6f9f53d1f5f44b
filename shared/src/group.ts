/**
 * Launch groups (活动 / 场次组): several launches going live together (聚划算's 10:00, 10:05, 10:10
 * batch). A group is configuration; what it shows is computed here from its launches' states —
 * one definition of a launch's tile, the group's totals and the combined forecast, used by the
 * server's answers and by the group wall alike.
 */
import { z } from 'zod';
import type { LaunchState } from './fold';
import type { Incident } from './incident';
import { fromMicro, toMicro } from './exact';
import { issueError } from './i18n';
import { MetricValue } from './metrics';
import { OwnerRole, PlaybookEntry } from './playbook';
import { Severity } from './alert';
import { FeedState } from './snapshot';
import { stockStatus } from './stock';
import { MINUTE_MS } from './time';
import { feedState, launchTime } from './view';

/** Launches one group holds (the group wall pages them; the room's pushes stay bounded). */
export const MAX_GROUP_LAUNCHES = 50;
/** Groups one deployment keeps. */
export const MAX_GROUPS = 500;

const LaunchIds = z
  .array(z.string().min(1).max(100))
  .min(1, issueError('v.groupNeedsLaunch'))
  .max(MAX_GROUP_LAUNCHES, issueError('v.groupTooMany', { n: MAX_GROUP_LAUNCHES }))
  .refine((ids) => new Set(ids).size === ids.length, issueError('v.groupDuplicate'));

export const GroupTarget = z.strictObject({ gmv: MetricValue.positive(issueError('v.mustBePositive')) });
export type GroupTarget = z.infer<typeof GroupTarget>;

/** POST /api/groups and PUT /api/groups/:id. */
export const GroupInput = z.strictObject({
  name: z.string().trim().min(1, issueError('v.mustNotBeEmpty')).max(120),
  launchIds: LaunchIds,
  /** The group's own GMV target; without one the launches' targets (or forecasts) add up. */
  target: GroupTarget.nullable().optional(),
});
export type GroupInput = z.infer<typeof GroupInput>;

export const Group = z.object({
  id: z.string(),
  name: z.string(),
  launchIds: z.array(z.string()),
  target: GroupTarget.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
});
export type Group = z.infer<typeof Group>;

/** A launch's worst open incident as a tile shows it, and the featured one with its plan. */
export const GroupIncident = z.object({
  id: z.string(),
  launchId: z.string(),
  key: z.string(),
  kind: z.string(),
  severity: Severity,
  status: z.enum(['open', 'acknowledged']),
  escalated: z.boolean(),
  checkpoint: z.number().int(),
  deviation: z.number().nullable(),
  owner: OwnerRole,
  plan: PlaybookEntry,
  openedAt: z.string(),
  ackedBy: z.string().nullable(),
});
export type GroupIncident = z.infer<typeof GroupIncident>;

export const LaunchPhase = z.enum(['before', 'live', 'ended']);
export type LaunchPhase = z.infer<typeof LaunchPhase>;

/** What a tile and the totals both show. */
const Figures = {
  uv: z.number(),
  orders: z.number(),
  units: z.number(),
  gmv: z.number(),
  /** The GMV target: a launch's targets (else its forecast's total); the group's, else their sum. */
  targetGmv: z.number(),
  /** The forecast's GMV over the minutes the actuals cover. */
  forecastGmvSoFar: z.number(),
  forecastGmvTotal: z.number(),
  completion: z.number().nullable(),
  stock: z.number().nullable(),
  remaining: z.number().nullable(),
};

/** One launch of a group, as its tile on the group wall shows it. */
export const GroupLaunch = z.object({
  id: z.string(),
  name: z.string(),
  startAt: z.string(),
  durationMinutes: z.number().int(),
  phase: LaunchPhase,
  /** Whole minutes since 开团 on the launch's clock (negative before it): T+mm. */
  minute: z.number().int(),
  now: z.string(),
  ...Figures,
  soldOut: z.boolean(),
  /** The minute in which it sold out (售罄), or null. */
  soldOutMinute: z.number().int().nullable(),
  worstIncident: GroupIncident.nullable(),
  openIncidents: z.number().int(),
  feed: FeedState,
  lastReadingAt: z.string().nullable(),
});
export type GroupLaunch = z.infer<typeof GroupLaunch>;

export const GroupTotals = z.object({
  launches: z.number().int(),
  live: z.number().int(),
  ...Figures,
  /** Launches sold out. */
  soldOut: z.number().int(),
  openIncidents: z.number().int(),
  /** Incidents nobody has acknowledged yet, and of them the critical ones. */
  unacknowledged: z.number().int(),
  unacknowledgedCritical: z.number().int(),
});
export type GroupTotals = z.infer<typeof GroupTotals>;

/** GET /api/groups/:id (and the answers of POST and PUT). */
export const GroupView = z.object({
  group: Group,
  launches: z.array(GroupLaunch),
  totals: GroupTotals,
});
export type GroupView = z.infer<typeof GroupView>;

/** One row of GET /api/groups: a group with its totals (no launch rows). */
export const GroupListItem = z.object({ group: Group, totals: GroupTotals });
export type GroupListItem = z.infer<typeof GroupListItem>;

const SEVERITY_RANK = { critical: 2, warning: 1 } as const;

/** Whether incident `a` is more pressing than `b`: unacknowledged, critical, escalated, recent. */
export function incidentBefore(a: Incident, b: Incident): boolean {
  return (
    (Number(a.status === 'open') - Number(b.status === 'open') ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      Number(a.escalated) - Number(b.escalated) ||
      a.updatedAt.localeCompare(b.updatedAt) ||
      a.id.localeCompare(b.id)) > 0
  );
}

function groupIncident(i: Incident): GroupIncident {
  return {
    id: i.id,
    launchId: i.launchId,
    key: i.key,
    kind: i.kind,
    severity: i.severity,
    status: i.status === 'open' ? 'open' : 'acknowledged',
    escalated: i.escalated,
    checkpoint: i.checkpoint,
    deviation: i.deviation,
    owner: i.owner,
    plan: i.plan,
    openedAt: i.openedAt,
    ackedBy: i.ackedBy,
  };
}

/** The worst incident not yet resolved (unacknowledged before acknowledged), or null. */
export function worstIncident(state: LaunchState): Incident | null {
  let best: Incident | null = null;
  for (const i of state.incidents.values()) {
    if (i.status === 'resolved') continue;
    if (!best || incidentBefore(i, best)) best = i;
  }
  return best;
}

/** A launch's tile at launch-clock `nowMs`. */
export function groupLaunch(state: LaunchState, nowMs: number): GroupLaunch {
  const { launch } = state;
  const n = launch.durationMinutes;
  const sums = { uv: 0n, orders: 0n, units: 0n, gmv: 0n };
  let last = -1;
  for (const r of state.readings.values()) {
    if (r.minute < 0 || r.minute >= n) continue;
    sums.uv += toMicro(r.uv);
    sums.orders += toMicro(r.orders);
    sums.units += toMicro(r.units);
    sums.gmv += toMicro(r.gmv);
    if (r.minute > last) last = r.minute;
  }
  let forecastSoFar = 0n;
  let forecastTotal = 0n;
  for (const p of launch.forecast) {
    if (p.minute < 0 || p.minute >= n) continue;
    forecastTotal += toMicro(p.gmv);
    if (p.minute <= last) forecastSoFar += toMicro(p.gmv);
  }
  const gmv = fromMicro(sums.gmv);
  const targetGmv = launch.targets?.gmv ?? fromMicro(forecastTotal);
  const stock = stockStatus(state);
  const endMs = state.startMs + n * MINUTE_MS;
  let open = 0;
  for (const i of state.incidents.values()) if (i.status !== 'resolved') open++;
  const worst = worstIncident(state);
  return {
    id: launch.id,
    name: launch.name,
    startAt: launch.startAt,
    durationMinutes: n,
    phase: nowMs < state.startMs ? 'before' : nowMs >= endMs ? 'ended' : 'live',
    minute: Math.floor((nowMs - state.startMs) / MINUTE_MS),
    now: launchTime(state, nowMs),
    uv: fromMicro(sums.uv),
    orders: fromMicro(sums.orders),
    units: fromMicro(sums.units),
    gmv,
    targetGmv,
    forecastGmvSoFar: fromMicro(forecastSoFar),
    forecastGmvTotal: fromMicro(forecastTotal),
    completion: targetGmv > 0 ? gmv / targetGmv : null,
    stock: stock ? stock.stock : null,
    remaining: stock ? stock.remaining : null,
    soldOut: stock ? stock.soldOutMinute !== null : false,
    soldOutMinute: stock ? stock.soldOutMinute : null,
    worstIncident: worst && groupIncident(worst),
    openIncidents: open,
    feed: feedState(state, nowMs),
    lastReadingAt: state.lastReadingAtMs === null ? null : launchTime(state, state.lastReadingAtMs),
  };
}

/** The group's totals: its launches' tiles added up (exactly, in micro-units). */
export function groupTotals(group: Pick<Group, 'target'>, tiles: readonly GroupLaunch[]): GroupTotals {
  const add = (pick: (t: GroupLaunch) => number) =>
    fromMicro(tiles.reduce((s, t) => s + toMicro(pick(t)), 0n));
  const withStock = tiles.filter((t) => t.stock !== null);
  const gmv = add((t) => t.gmv);
  const targetGmv = group.target?.gmv ?? add((t) => t.targetGmv);
  let unacknowledged = 0;
  let unacknowledgedCritical = 0;
  for (const t of tiles) {
    if (t.worstIncident?.status !== 'open') continue;
    unacknowledged++;
    if (t.worstIncident.severity === 'critical') unacknowledgedCritical++;
  }
  return {
    launches: tiles.length,
    live: tiles.filter((t) => t.phase === 'live').length,
    uv: add((t) => t.uv),
    orders: add((t) => t.orders),
    units: add((t) => t.units),
    gmv,
    targetGmv,
    forecastGmvSoFar: add((t) => t.forecastGmvSoFar),
    forecastGmvTotal: add((t) => t.forecastGmvTotal),
    completion: targetGmv > 0 ? gmv / targetGmv : null,
    stock: withStock.length ? add((t) => t.stock ?? 0) : null,
    remaining: withStock.length ? add((t) => t.remaining ?? 0) : null,
    soldOut: tiles.filter((t) => t.soldOut).length,
    openIncidents: tiles.reduce((s, t) => s + t.openIncidents, 0),
    unacknowledged,
    unacknowledgedCritical,
  };
}

/** Tiles and totals of a group, from its launches' states and each launch's clock. */
export function groupView(
  group: Group,
  launches: readonly { state: LaunchState; nowMs: number }[],
): GroupView {
  const tiles = launches.map((l) => groupLaunch(l.state, l.nowMs)).sort(byUrgency);
  return { group, launches: tiles, totals: groupTotals(group, tiles) };
}

const PHASE_RANK: Record<LaunchPhase, number> = { live: 0, before: 1, ended: 2 };
const incidentRank = (t: GroupLaunch) =>
  !t.worstIncident
    ? 0
    : (t.worstIncident.status === 'open' ? 4 : 0) + SEVERITY_RANK[t.worstIncident.severity];

/**
 * The group wall's order, most urgent first: an unacknowledged critical incident, then an
 * unacknowledged warning, then an acknowledged one; a stale feed; then live launches furthest
 * behind plan, those still to open (soonest first), and the ended ones.
 */
export function byUrgency(a: GroupLaunch, b: GroupLaunch): number {
  const pace = (t: GroupLaunch) => (t.forecastGmvSoFar > 0 ? t.gmv / t.forecastGmvSoFar : 1);
  return (
    incidentRank(b) - incidentRank(a) ||
    Number(b.feed === 'stale') - Number(a.feed === 'stale') ||
    PHASE_RANK[a.phase] - PHASE_RANK[b.phase] ||
    (a.phase === 'live' ? pace(a) - pace(b) : 0) ||
    a.startAt.localeCompare(b.startAt) ||
    a.id.localeCompare(b.id)
  );
}

/**
 * The unacknowledged incident the group wall features: of every launch's open incidents the most
 * severe, then the one that opened (or worsened) last. Null when every incident is taken on.
 */
export function featuredGroupIncident(states: Iterable<LaunchState>): Incident | null {
  let best: Incident | null = null;
  for (const s of states)
    for (const i of s.incidents.values()) {
      if (i.status !== 'open') continue;
      if (
        !best ||
        SEVERITY_RANK[i.severity] - SEVERITY_RANK[best.severity] > 0 ||
        (i.severity === best.severity && i.notified.at.localeCompare(best.notified.at) > 0)
      )
        best = i;
    }
  return best;
}

export interface CombinedCurve {
  /** Wall-clock minute starts (epoch ms) from the first 开团 to the last launch's end. */
  times: number[];
  /** Cumulative forecast GMV of every launch at the end of each minute, each on its own start. */
  forecast: number[];
  /** Cumulative actual GMV (null after the latest minute any launch has data for). */
  actual: (number | null)[];
}

/** Minutes the combined curve holds at most (a week-long group is drawn coarser). */
const MAX_CURVE_POINTS = 1440;

/**
 * The combined forecast against the combined actuals, on real time: each launch's curve starts at
 * its own 开团, so a 10:05 launch adds nothing to 10:00–10:05.
 */
export function combinedCurve(states: readonly LaunchState[]): CombinedCurve {
  const out: CombinedCurve = { times: [], forecast: [], actual: [] };
  if (states.length === 0) return out;
  const first = Math.min(...states.map((s) => s.startMs));
  const end = Math.max(...states.map((s) => s.startMs + s.launch.durationMinutes * MINUTE_MS));
  const total = Math.ceil((end - first) / MINUTE_MS);
  const step = Math.max(1, Math.ceil(total / MAX_CURVE_POINTS));
  const forecast = new Array<number>(Math.ceil(total / step)).fill(0);
  const actual = new Array<number>(forecast.length).fill(0);
  let lastAny = -1;
  for (const s of states) {
    const offset = Math.round((s.startMs - first) / MINUTE_MS);
    const n = s.launch.durationMinutes;
    const perF = new Array<number>(n).fill(0);
    for (const p of s.launch.forecast) if (p.minute >= 0 && p.minute < n) perF[p.minute] = p.gmv;
    let last = -1;
    const perA = new Array<number>(n).fill(0);
    for (const r of s.readings.values())
      if (r.minute >= 0 && r.minute < n) {
        perA[r.minute] = r.gmv;
        if (r.minute > last) last = r.minute;
      }
    let cf = 0;
    let ca = 0;
    for (let i = 0; i < forecast.length; i++) {
      // The launch's minutes that end by the end of this point.
      const through = Math.min(n, (i + 1) * step - offset);
      for (let m = Math.max(0, i * step - offset); m < through; m++) {
        cf += perF[m]!;
        ca += perA[m]!;
      }
      forecast[i]! += cf;
      actual[i]! += ca;
    }
    if (last >= 0) lastAny = Math.max(lastAny, Math.floor((offset + last) / step));
  }
  for (let i = 0; i < forecast.length; i++) {
    out.times.push(first + i * step * MINUTE_MS);
    out.forecast.push(forecast[i]!);
    out.actual.push(i <= lastAny ? actual[i]! : null);
  }
  return out;
}

/** One launch's task in the group's run sheet (every launch's tasks, merged by time). */
export const GroupRunSheetRow = z.object({
  launchId: z.string(),
  launchName: z.string(),
  taskId: z.string(),
  title: z.string(),
  owner: OwnerRole,
  dueAt: z.string(),
  status: z.enum(['done', 'late', 'due', 'overdue', 'upcoming']),
  doneBy: z.string().nullable(),
  doneAt: z.string().nullable(),
});
export type GroupRunSheetRow = z.infer<typeof GroupRunSheetRow>;

/** Incidents and alerts, and how fast the alerts were taken on (a review row and the totals). */
const Responses = {
  incidents: z.number().int(),
  criticalIncidents: z.number().int(),
  alerts: z.number().int(),
  acknowledged: z.number().int(),
  /** Real seconds from an alert to its acknowledgement: the mean and the slowest. */
  meanResponseSeconds: z.number().nullable(),
  maxResponseSeconds: z.number().nullable(),
};

/** One launch in the group review: plan against actual, sell-out, incidents and how fast they were taken on. */
export const GroupReviewRow = z.object({
  launchId: z.string(),
  name: z.string(),
  startAt: z.string(),
  planGmv: z.number().nullable(),
  actualGmv: z.number(),
  completion: z.number().nullable(),
  planUnits: z.number().nullable(),
  actualUnits: z.number(),
  stock: z.number().nullable(),
  /** When it sold out (售罄): the end of the minute sales reached the stock; null if it did not. */
  soldOutAt: z.string().nullable(),
  soldOutMinute: z.number().int().nullable(),
  ...Responses,
});
export type GroupReviewRow = z.infer<typeof GroupReviewRow>;

export const GroupReview = z.object({
  group: Group,
  generatedAt: z.string(),
  launches: z.array(GroupReviewRow),
  totals: z.object({
    planGmv: z.number(),
    actualGmv: z.number(),
    completion: z.number().nullable(),
    actualUnits: z.number(),
    soldOut: z.number().int(),
    ...Responses,
  }),
});
export type GroupReview = z.infer<typeof GroupReview>;
