/**
 * Incidents: which breaches tell one story, and how that story is handled once.
 *
 * A breach's story is its key: a traffic-side metric (visitors, page views, favourites, add-to-cart)
 * off plan is `traffic-<direction>`; a sales metric (buyers, units, GMV) off plan is the story of its
 * cause — `traffic-`, `conversion-` or `order-value-<direction>` by the funnel diagnosis — so a
 * traffic shortfall's visitors, units and GMV breaches are one incident with the traffic plan;
 * conversion, order value and payment rate breaches are their own stories. Data gaps, stock and
 * unpaid orders are one story each. One incident per story and launch, carried across checkpoints.
 *
 * Truth table of an incident after a checkpoint's look at it (`active`: its latest breach is not
 * followed by a checkpoint that shows the story over):
 *
 * | was          | active | materially worse | becomes                                   |
 * |--------------|--------|------------------|-------------------------------------------|
 * | (none)       | yes    | —                | open (opened: notify)                     |
 * | open / acked | yes    | no               | as it was, figures in place (updated)     |
 * | open / acked | yes    | yes              | open (worsened: notify, escalation anew)  |
 * | open / acked | no     | —                | resolved                                  |
 * | resolved     | yes    | —                | open (reopened: notify, escalation anew)  |
 *
 * Materially worse: into critical, or strictly more than another tolerance step further from plan
 * than the room was last told.
 */
import {
  type Alert,
  CHANNEL_ACTIONS,
  CHANNEL_LABELS,
  type TrafficChannel,
  type Cause,
  type CheckpointResult,
  type ComparedMetric,
  type Direction,
  ESCALATION_ROLE,
  type Incident,
  type IncidentEvaluation,
  type LaunchEventBody,
  type LaunchState,
  MAX_INCIDENT_EVALUATIONS,
  type MetricComparison,
  type PlaybookEntry,
  type Severity,
  checkpointMetricsOf,
  incidentEscalationDueMs,
  incidentId,
  launchTime,
  playbookFor,
  toMicro,
} from '@warroom/shared';
import { record } from './record';

export interface Story {
  key: string;
  kind: Incident['kind'];
  cause: Cause | null;
  direction: Direction | null;
  plan: PlaybookEntry;
  /** A traffic shortfall: the channels short of plan (the plan leads with their actions). */
  shortChannels?: TrafficChannel[];
}

/** A checkpoint's comparisons: the launch's metrics, then the channels' visitors. */
export function comparisonsOf(result: CheckpointResult): MetricComparison[] {
  return result.channels ? [...result.metrics, ...result.channels] : result.metrics;
}

/** The channels short of plan at a checkpoint, the furthest short first. */
export function shortChannelsOf(result: CheckpointResult): TrafficChannel[] {
  return (result.channels ?? [])
    .filter((c) => c.breach === 'under' && c.channel)
    .sort((a, b) => (a.deviation ?? 0) - (b.deviation ?? 0))
    .map((c) => c.channel!);
}

/** Actions that belong to one channel (the team's traffic plan names them as well). */
const CHANNEL_TIED = new Set<string>([...Object.values(CHANNEL_ACTIONS).flat(), '短信/旺旺/社群召回老客']);

/**
 * The traffic plan when channels are short: its title names them and its first owner's actions
 * are the short channels' (直通车 → 直通车加价/放开限额, 淘客 → 佣金上调, 站外 → 社群/短信召回, 钻展 →
 * 钻展加投) followed by the plan's actions that belong to no channel.
 */
export function channelPlan(plan: PlaybookEntry, short: readonly TrafficChannel[]): PlaybookEntry {
  if (short.length === 0) return plan;
  const [first, ...rest] = plan.owners;
  if (!first) return plan;
  const actions = [
    ...new Set([
      ...short.flatMap((c) => CHANNEL_ACTIONS[c]),
      ...first.actions.filter((a) => !CHANNEL_TIED.has(a)),
    ]),
  ].slice(0, 20);
  const names = short.map((c) => CHANNEL_LABELS[c].zh).join('、');
  return {
    ...plan,
    title: `${plan.title} · ${names}`.slice(0, 100),
    owners: [{ ...first, actions }, ...rest],
  };
}

const TRAFFIC_SIDE: readonly ComparedMetric[] = ['uv', 'pv', 'fav', 'cart'];
export const SALES_SIDE: readonly ComparedMetric[] = [
  'orders',
  'units',
  'gmv',
  'placedOrders',
  'placedGmv',
  'newBuyers',
];
/** The plan each cause takes (the playbook entry of its metric). */
const CAUSE_METRIC: Record<Cause, ComparedMetric> = {
  traffic: 'uv',
  conversion: 'conversion',
  'order-value': 'orderValue',
};
const RANK: Record<Severity, number> = { warning: 1, critical: 2 };

/** Sales below plan after a sell-out are not a miss; traffic plans then turn to related items. */
export const SALES_METRICS: readonly ComparedMetric[] = [
  ...SALES_SIDE,
  'conversion',
  'orderValue',
  'payRate',
];

/** The story a breach at a checkpoint tells, and the plan (and so the owner) it takes. */
export function storyOf(state: LaunchState, result: CheckpointResult, cmp: MetricComparison): Story | null {
  const d = cmp.breach;
  if (!d) return null;
  const pb = state.launch.playbook;
  const soldOut = result.soldOutMinute !== null && result.soldOutMinute !== undefined;
  // A channel over its plan is no alert of its own (the checkpoint shows it); short, it is traffic short.
  if (cmp.channel && d === 'over') return null;
  const short = d === 'under' && !soldOut ? shortChannelsOf(result) : [];
  const story = (key: string, cause: Cause | null, plan: PlaybookEntry): Story => ({
    key,
    kind: 'breach',
    cause,
    direction: d,
    plan,
    ...(cause === 'traffic' && short.length > 0 ? { shortChannels: short } : {}),
  });
  const trafficPlan = (m: ComparedMetric) =>
    soldOut ? playbookFor(pb, 'sold-out-traffic', null) : channelPlan(playbookFor(pb, m, d), short);
  if (TRAFFIC_SIDE.includes(cmp.metric)) return story(`traffic-${d}`, 'traffic', trafficPlan(cmp.metric));
  if (SALES_SIDE.includes(cmp.metric)) {
    const diag = result.diagnosis;
    const sameWay = diag && (d === 'under' ? diag.gmv < 0 : diag.gmv > 0);
    // Without paid buyers the funnel can tell traffic from the rest, not conversion from order value.
    const told = diag && (!diag.withoutBuyers || diag.cause === 'traffic');
    if (!diag || !sameWay || !told) return story(`sales-${d}`, null, playbookFor(pb, cmp.metric, d));
    const plan = diag.cause === 'traffic' ? trafficPlan('uv') : playbookFor(pb, CAUSE_METRIC[diag.cause], d);
    return story(`${diag.cause}-${d}`, diag.cause, plan);
  }
  if (cmp.metric === 'conversion')
    return story(`conversion-${d}`, 'conversion', playbookFor(pb, 'conversion', d));
  if (cmp.metric === 'orderValue')
    return story(`order-value-${d}`, 'order-value', playbookFor(pb, 'orderValue', d));
  return story(`payment-${d}`, null, playbookFor(pb, cmp.metric, d));
}

/** Breaching comparisons of a checkpoint by story, with the evaluation entry each gives. */
export function storiesAt(
  state: LaunchState,
  result: CheckpointResult,
): Map<string, { story: Story; entry: IncidentEvaluation; lead: MetricComparison }> {
  const out = new Map<string, { story: Story; cmps: MetricComparison[] }>();
  for (const cmp of comparisonsOf(result)) {
    const story = storyOf(state, result, cmp);
    if (!story) continue;
    const group = out.get(story.key) ?? { story, cmps: [] };
    group.cmps.push(cmp);
    out.set(story.key, group);
  }
  const entries = new Map<string, { story: Story; entry: IncidentEvaluation; lead: MetricComparison }>();
  for (const [key, { story, cmps }] of out) {
    const lead = leadOf(cmps);
    // The plan of the story is the lead breach's (a sales story's lead is GMV).
    const plan = storyOf(state, result, lead)!.plan;
    entries.set(key, {
      story: { ...story, plan },
      lead,
      entry: {
        checkpoint: result.checkpoint,
        at: result.evaluatedAt,
        severity: cmps.some((c) => c.severity === 'critical') ? 'critical' : 'warning',
        deviation: lead.deviation,
        metric: lead.metric,
        metrics: cmps.map((c) => ({
          metric: c.metric,
          ...(c.channel ? { channel: c.channel } : {}),
          deviation: c.deviation,
          severity: c.severity,
        })),
        diagnosis: story.cause && SALES_SIDE.includes(lead.metric) ? (result.diagnosis ?? null) : null,
      },
    });
  }
  return entries;
}

/** GMV leads a sales story; otherwise the metric furthest from plan (a launch metric before a channel). */
function leadOf(cmps: readonly MetricComparison[]): MetricComparison {
  const gmv = cmps.find((c) => c.metric === 'gmv');
  if (gmv) return gmv;
  const launchWide = cmps.filter((c) => !c.channel);
  return (launchWide.length > 0 ? launchWide : cmps).reduce((a, b) =>
    Math.abs(b.deviation ?? 0) > Math.abs(a.deviation ?? 0) ? b : a,
  );
}

/** A decided change to an incident, recorded once the alerts of the same decision are. */
export interface IncidentChange {
  type:
    'incident.opened' | 'incident.updated' | 'incident.worsened' | 'incident.resolved' | 'incident.reopened';
  incident: Incident;
}

function withEntry(evals: readonly IncidentEvaluation[], entry: IncidentEvaluation): IncidentEvaluation[] {
  const out = evals.filter((e) => e.checkpoint !== entry.checkpoint);
  out.push(entry);
  out.sort((a, b) => a.checkpoint - b.checkpoint);
  return out.slice(-MAX_INCIDENT_EVALUATIONS);
}

function latestBreach(evals: readonly IncidentEvaluation[]): IncidentEvaluation | null {
  for (let i = evals.length - 1; i >= 0; i--) if (evals[i]!.severity !== null) return evals[i]!;
  return null;
}

/** Whether a checkpoint after `after` looked at the story's metrics and found it over. */
function overAfter(state: LaunchState, key: string, after: IncidentEvaluation): boolean {
  const metrics = new Set(after.metrics.map((m) => m.metric));
  for (const t of state.launch.checkpoints) {
    if (t <= after.checkpoint) continue;
    const result = state.checkpoints.get(t);
    if (!result) continue;
    if (!checkpointMetricsOf(state.launch, t).some((m) => metrics.has(m))) continue;
    if (!storiesAt(state, result).has(key)) return true;
  }
  return false;
}

/**
 * Strictly more than a tolerance step further from plan than the room was last told, or into
 * critical: the room is told again.
 */
export function materiallyWorse(
  state: LaunchState,
  told: Incident['notified'],
  severity: Severity,
  deviation: number | null,
): boolean {
  if (RANK[severity] > RANK[told.severity]) return true;
  if (deviation === null || told.deviation === null || Math.sign(deviation) !== Math.sign(told.deviation))
    return false;
  const step = toMicro(state.launch.tolerance);
  return toMicro(Math.abs(deviation)) - toMicro(Math.abs(told.deviation)) > step;
}

/**
 * What a checkpoint's evaluation does to the breach incidents: the stories it shows, and those it
 * no longer shows (revised away, or over). Decided before the checkpoint's alerts, so an alert
 * raised into an incident someone is on is acknowledged with it; recorded after them.
 */
export function decideBreachIncidents(
  state: LaunchState,
  result: CheckpointResult,
  nowMs: number,
): IncidentChange[] {
  const at = launchTime(state, nowMs);
  const stories = storiesAt(state, result);
  const changes: IncidentChange[] = [];
  const keys = new Set(stories.keys());
  for (const i of state.incidents.values()) if (i.kind === 'breach') keys.add(i.key);
  for (const key of keys) {
    const id = incidentId(state.launch.id, key);
    const existing = state.incidents.get(id);
    const here = stories.get(key);
    if (!existing && !here) continue;
    let evaluations = existing?.evaluations ?? [];
    const hadEntry = evaluations.some((e) => e.checkpoint === result.checkpoint);
    if (here) evaluations = withEntry(evaluations, here.entry);
    else if (hadEntry)
      evaluations = withEntry(evaluations, {
        ...evaluations.find((e) => e.checkpoint === result.checkpoint)!,
        at,
        severity: null,
        metrics: [],
      });
    const latest = latestBreach(evaluations);
    const active = latest !== null && !overAfter(state, key, latest);
    const figures = latest
      ? {
          severity: latest.severity!,
          deviation: latest.deviation,
          checkpoint: latest.checkpoint,
          diagnosis: latest.diagnosis,
          metric: latest.metrics.find((m) => m.metric === 'gmv')?.metric ?? latest.metrics[0]?.metric ?? null,
        }
      : null;
    const planned = here && latest?.checkpoint === result.checkpoint ? here.story : null;
    if (!existing) {
      if (!here || !figures) continue;
      changes.push({
        type: 'incident.opened',
        incident: openIncident(state, here.story, figures, evaluations, at),
      });
      continue;
    }
    const base: Incident = {
      ...existing,
      ...(figures ?? {}),
      ...(planned
        ? {
            plan: planned.plan,
            owner: planned.plan.owners[0]!.role,
            cause: planned.cause,
            ...(planned.shortChannels || existing.shortChannels
              ? { shortChannels: planned.shortChannels ?? [] }
              : {}),
          }
        : {}),
      evaluations,
      updatedAt: at,
    };
    if (active && figures) {
      if (existing.status === 'resolved')
        changes.push({ type: 'incident.reopened', incident: reopen(base, figures, at, 'reopened') });
      else if (materiallyWorse(state, existing.notified, figures.severity, figures.deviation))
        changes.push({ type: 'incident.worsened', incident: reopen(base, figures, at, 'worsened') });
      // Figures in place: the evaluations say what changed; the history keeps what people act on.
      else if (differs(existing, base)) changes.push({ type: 'incident.updated', incident: base });
    } else if (existing.status !== 'resolved') {
      changes.push({
        type: 'incident.resolved',
        incident: {
          ...base,
          status: 'resolved',
          history: [...existing.history, historyOf('resolved', base, at)],
        },
      });
    } else if (differs(existing, base)) {
      changes.push({ type: 'incident.updated', incident: base });
    }
  }
  return changes;
}

type Figures = Pick<Incident, 'severity' | 'deviation' | 'checkpoint' | 'diagnosis' | 'metric'>;

function historyOf(
  type: Incident['history'][number]['type'],
  i: Figures,
  at: string,
): Incident['history'][number] {
  return { type, at, checkpoint: i.checkpoint, severity: i.severity, deviation: i.deviation };
}

function openIncident(
  state: LaunchState,
  story: Story,
  f: Figures,
  evaluations: IncidentEvaluation[],
  at: string,
): Incident {
  return {
    id: incidentId(state.launch.id, story.key),
    launchId: state.launch.id,
    key: story.key,
    kind: story.kind,
    cause: story.cause,
    direction: story.direction,
    ...f,
    status: 'open',
    plan: story.plan,
    owner: story.plan.owners[0]!.role,
    alertCount: 0,
    evaluations,
    openedAt: at,
    updatedAt: at,
    notified: { severity: f.severity, deviation: f.deviation, at },
    escalated: false,
    escalatedAt: null,
    escalatedTo: null,
    ackedBy: null,
    ackedAt: null,
    action: null,
    note: null,
    history: [historyOf('opened', f, at)],
    ...(story.shortChannels ? { shortChannels: story.shortChannels } : {}),
  };
}

/** Open again for the room: told anew, escalation time anew, acknowledgement needed anew. */
function reopen(i: Incident, f: Figures, at: string, why: 'reopened' | 'worsened'): Incident {
  return {
    ...i,
    status: 'open',
    notified: { severity: f.severity, deviation: f.deviation, at },
    escalated: false,
    escalatedAt: null,
    escalatedTo: null,
    ackedBy: null,
    ackedAt: null,
    action: null,
    note: null,
    history: [...i.history, historyOf(why, f, at)],
  };
}

function differs(a: Incident, b: Incident): boolean {
  return (
    a.severity !== b.severity ||
    a.deviation !== b.deviation ||
    a.checkpoint !== b.checkpoint ||
    a.owner !== b.owner ||
    (a.shortChannels ?? []).join() !== (b.shortChannels ?? []).join() ||
    a.evaluations.length !== b.evaluations.length ||
    a.evaluations.some((e, i) => evaluationDiffers(e, b.evaluations[i]!)) ||
    JSON.stringify(a.plan) !== JSON.stringify(b.plan)
  );
}

/** Field by field, cheapest first: this runs for every open incident on every ingest. */
function evaluationDiffers(a: IncidentEvaluation, b: IncidentEvaluation): boolean {
  return (
    a.checkpoint !== b.checkpoint ||
    a.at !== b.at ||
    a.severity !== b.severity ||
    a.deviation !== b.deviation ||
    a.metric !== b.metric ||
    a.metrics.length !== b.metrics.length ||
    a.metrics.some(
      (m, i) =>
        m.metric !== b.metrics[i]!.metric ||
        m.channel !== b.metrics[i]!.channel ||
        m.deviation !== b.metrics[i]!.deviation ||
        m.severity !== b.metrics[i]!.severity,
    ) ||
    (a.diagnosis !== b.diagnosis && JSON.stringify(a.diagnosis) !== JSON.stringify(b.diagnosis))
  );
}

/**
 * Records decided incident changes once the decision's alerts are recorded: each incident counts
 * its alerts (they carry its id).
 */
export function recordIncidents(
  state: LaunchState,
  changes: readonly IncidentChange[],
  events: LaunchEventBody[],
): void {
  for (const c of changes) {
    const alertCount = countAlerts(state, c.incident.id);
    record(state, events, { type: c.type, incident: { ...c.incident, alertCount } } as LaunchEventBody);
  }
}

function countAlerts(state: LaunchState, id: string): number {
  let n = 0;
  for (const a of state.alerts.values()) if (a.incidentId === id) n++;
  return n;
}

/**
 * The story of alerts decided minute by minute (stock, unpaid) or by data gaps: the incident is
 * active while any of its alerts is, as severe as the most severe of them; it worsens when that
 * crosses into critical (low stock → sold out).
 */
export function reconcileAlertIncident(
  state: LaunchState,
  story: Story,
  checkpoint: number,
  nowMs: number,
  events: LaunchEventBody[],
): void {
  const id = incidentId(state.launch.id, story.key);
  const members = [...state.alerts.values()].filter((a) => a.incidentId === id);
  const live = members.filter((a) => a.status !== 'cleared');
  const existing = state.incidents.get(id);
  const at = launchTime(state, nowMs);
  if (!existing && live.length === 0) return;
  const worst = live.reduce<Alert | null>(
    (w, a) => (!w || RANK[a.severity] > RANK[w.severity] ? a : w),
    null,
  );
  const figures: Figures = worst
    ? {
        severity: worst.severity,
        deviation: worst.deviation,
        checkpoint,
        diagnosis: null,
        metric: worst.metric,
      }
    : {
        severity: existing!.severity,
        deviation: existing!.deviation,
        checkpoint: existing!.checkpoint,
        diagnosis: null,
        metric: existing!.metric,
      };
  const entry: IncidentEvaluation = {
    checkpoint,
    at,
    severity: worst ? worst.severity : null,
    deviation: figures.deviation,
    metrics: [],
    diagnosis: null,
  };
  const plan = worst?.plan ?? existing?.plan ?? story.plan;
  const changes: IncidentChange[] = [];
  if (!existing) {
    changes.push({
      type: 'incident.opened',
      incident: openIncident(state, { ...story, plan }, figures, [entry], at),
    });
  } else {
    const lastEntry = existing.evaluations.at(-1);
    const evaluations =
      lastEntry?.severity === entry.severity ? existing.evaluations : withEntry(existing.evaluations, entry);
    const base: Incident = {
      ...existing,
      ...figures,
      plan,
      owner: plan.owners[0]!.role,
      evaluations,
      updatedAt: at,
    };
    if (worst) {
      if (existing.status === 'resolved')
        changes.push({ type: 'incident.reopened', incident: reopen(base, figures, at, 'reopened') });
      else if (RANK[figures.severity] > RANK[existing.notified.severity])
        changes.push({ type: 'incident.worsened', incident: reopen(base, figures, at, 'worsened') });
      else if (differs(existing, base) || existing.alertCount !== members.length)
        changes.push({ type: 'incident.updated', incident: base });
    } else if (existing.status !== 'resolved') {
      changes.push({
        type: 'incident.resolved',
        incident: {
          ...base,
          status: 'resolved',
          history: [...existing.history, historyOf('resolved', base, at)],
        },
      });
    }
  }
  recordIncidents(state, changes, events);
}

/**
 * An incident's acknowledgement: the first stands. It acknowledges the incident's open alerts
 * (and `alsoAlert`, the one a person acknowledged by its own id, even if it had cleared).
 */
export function acknowledgeIncident(
  state: LaunchState,
  incident: Incident,
  ack: { by: string; action?: string | undefined; note?: string | undefined },
  nowMs: number,
  events: LaunchEventBody[],
  alsoAlert?: string,
): Incident {
  const at = launchTime(state, nowMs);
  let current = incident;
  if (incident.ackedBy === null) {
    current = {
      ...incident,
      status: incident.status === 'resolved' ? 'resolved' : 'acknowledged',
      ackedBy: ack.by,
      ackedAt: at,
      action: ack.action ?? null,
      note: ack.note ?? null,
      updatedAt: at,
      history: [
        ...incident.history,
        { type: 'acknowledged', at, by: ack.by, action: ack.action ?? null, note: ack.note ?? null },
      ],
    };
  }
  for (const a of [...state.alerts.values()]) {
    if (a.incidentId !== incident.id || a.ackedBy !== null) continue;
    if (a.status !== 'open' && a.id !== alsoAlert) continue;
    const direct = a.id === alsoAlert;
    const alert: Alert = {
      ...a,
      status: a.status === 'cleared' ? 'cleared' : 'acknowledged',
      ackedBy: ack.by,
      ackedAt: at,
      action: ack.action ?? null,
      note: ack.note ?? null,
      updatedAt: at,
      history: [
        ...a.history,
        { type: 'acknowledged', at, by: ack.by, ...(direct ? {} : { incident: true }) },
      ],
    };
    record(state, events, { type: 'alert.acknowledged', alert });
  }
  if (current !== incident)
    record(state, events, {
      type: 'incident.acknowledged',
      incident: { ...current, alertCount: countAlerts(state, incident.id) },
    });
  return current;
}

/**
 * Incidents past their escalation time go to the manager (电商经理), each at the instant its time
 * ran out (shared escalation rule), with their open alerts.
 */
export function escalateIncidents(state: LaunchState, nowMs: number, events: LaunchEventBody[]): void {
  const due: { incident: Incident; atMs: number }[] = [];
  for (const i of state.incidents.values()) {
    const atMs = incidentEscalationDueMs(state, i);
    if (atMs !== null && atMs <= nowMs) due.push({ incident: i, atMs });
  }
  due.sort((x, y) => x.atMs - y.atMs);
  for (const { incident: i, atMs } of due) {
    const at = launchTime(state, Math.max(atMs, Date.parse(i.updatedAt)));
    for (const a of [...state.alerts.values()]) {
      if (a.incidentId !== i.id || a.status !== 'open' || a.escalated) continue;
      const alert: Alert = {
        ...a,
        escalated: true,
        escalatedAt: at,
        escalatedTo: ESCALATION_ROLE,
        updatedAt: at,
        history: [...a.history, { type: 'escalated', at }],
      };
      record(state, events, { type: 'alert.escalated', alert });
    }
    const incident: Incident = {
      ...i,
      escalated: true,
      escalatedAt: at,
      escalatedTo: ESCALATION_ROLE,
      updatedAt: at,
      history: [...i.history, { type: 'escalated', at }],
    };
    record(state, events, { type: 'incident.escalated', incident });
  }
}

/** The next launch-clock instant at which an incident escalates, or null. */
export function nextIncidentEscalationMs(state: LaunchState): number | null {
  let next: number | null = null;
  for (const i of state.incidents.values()) {
    const at = incidentEscalationDueMs(state, i);
    if (at !== null && (next === null || at < next)) next = at;
  }
  return next;
}
