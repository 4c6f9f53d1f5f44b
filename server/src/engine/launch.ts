import {
  type Launch,
  type LaunchInput,
  DEFAULT_COMPARED_METRICS,
  DEFAULT_DURATION_MINUTES,
  DEFAULT_ESCALATE_AFTER_SECONDS,
  DEFAULT_GRACE_SECONDS,
  DEFAULT_TIMEZONE,
  DEFAULT_TOLERANCE,
  DEFAULT_CHECKPOINT_METRICS,
  defaultCheckpoints,
  defaultPlaybook,
  formatIsoInZone,
  parseDateTime,
  defaultRunSheet,
  resolveRunSheet,
} from '@warroom/shared';
import { resolveForecast, resolvePreheat } from './forecast';

/**
 * Resolves a planner's launch input into a stored launch: every default filled in, startAt as ISO
 * with the zone's offset, the forecast as one point per minute. `input` must already be valid.
 */
export function createLaunch(
  input: LaunchInput,
  id: string,
  createdAtMs: number,
  clock: Launch['clock'] = 'wall',
): Launch {
  const timezone = input.timezone ?? DEFAULT_TIMEZONE;
  const startMs = parseDateTime(input.startAt, timezone);
  const durationMinutes = input.durationMinutes ?? DEFAULT_DURATION_MINUTES;
  const metrics = input.metrics ?? [...DEFAULT_COMPARED_METRICS];
  const firstPlanned = Array.isArray(input.forecast)
    ? Math.min(0, ...input.forecast.map((p) => p.minute))
    : 0;
  const preheatMinutes = input.preheatMinutes ?? -firstPlanned;
  const given = input.checkpoints ?? defaultCheckpoints(durationMinutes, preheatMinutes);
  const checkpoints = given.map((c) => (typeof c === 'number' ? c : c.at)).sort((a, b) => a - b);
  // Checkpoints with metric sets of their own: the planner's, else the team's defaults (T−60, T−30, T+5).
  const own = input.checkpoints
    ? input.checkpoints.flatMap((c) => (typeof c === 'number' ? [] : [{ at: c.at, metrics: c.metrics }]))
    : DEFAULT_CHECKPOINT_METRICS.filter((c) => checkpoints.includes(c.at)).map((c) => ({
        ...c,
        metrics: [...c.metrics],
      }));
  const playbook = mergePlaybook(defaultPlaybook(metrics), input.playbook ?? []);
  return {
    id,
    name: input.name,
    startAt: formatIsoInZone(startMs, timezone),
    durationMinutes,
    timezone,
    checkpoints,
    tolerance: input.tolerance ?? DEFAULT_TOLERANCE,
    metrics,
    ...(own.length > 0 ? { checkpointMetrics: own.sort((a, b) => a.at - b.at) } : {}),
    graceSeconds: input.graceSeconds ?? DEFAULT_GRACE_SECONDS,
    escalateAfterSeconds: input.escalateAfterSeconds ?? DEFAULT_ESCALATE_AFTER_SECONDS,
    stock: input.stock ?? null,
    price: input.price ?? null,
    targets: input.targets ?? (Array.isArray(input.forecast) ? null : input.forecast.template),
    playbook,
    forecast: resolveForecast(input.forecast, durationMinutes, startMs, timezone),
    ...(preheatMinutes > 0
      ? { preheatMinutes, preheatForecast: resolvePreheat(input.forecast, preheatMinutes) }
      : {}),
    ...(input.paymentWindowMinutes !== undefined ? { paymentWindowMinutes: input.paymentWindowMinutes } : {}),
    ...(input.unpaidAlert !== undefined
      ? { unpaidAlert: { share: input.unpaidAlert.share ?? null, amount: input.unpaidAlert.amount ?? null } }
      : {}),
    ...(input.channelShares && Object.keys(input.channelShares).length > 0
      ? { channelShares: { ...input.channelShares } }
      : {}),
    ...(input.budgets
      ? { budgets: { total: input.budgets.total ?? null, channels: { ...(input.budgets.channels ?? {}) } } }
      : {}),
    clock,
    createdAt: formatIsoInZone(createdAtMs, timezone),
    runSheet: input.runSheet ? resolveRunSheet(input.runSheet) : defaultRunSheet(),
  };
}

/** The launch's own entries replace the defaults for the same (metric, direction). */
function mergePlaybook(defaults: Launch['playbook'], own: Launch['playbook']): Launch['playbook'] {
  const key = (e: Launch['playbook'][number]) => `${e.metric}/${e.direction}`;
  const ownKeys = new Set(own.map(key));
  return [...own, ...defaults.filter((e) => !ownKeys.has(key(e)))];
}
