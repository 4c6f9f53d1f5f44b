import {
  type Launch,
  type LaunchInput,
  DEFAULT_COMPARED_METRICS,
  DEFAULT_DURATION_MINUTES,
  DEFAULT_ESCALATE_AFTER_SECONDS,
  DEFAULT_GRACE_SECONDS,
  DEFAULT_TIMEZONE,
  DEFAULT_TOLERANCE,
  defaultCheckpoints,
  defaultPlaybook,
  formatIsoInZone,
  parseDateTime,
  defaultRunSheet,
  resolveRunSheet,
} from '@warroom/shared';
import { resolveForecast } from './forecast';

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
  const checkpoints = [...(input.checkpoints ?? defaultCheckpoints(durationMinutes))].sort((a, b) => a - b);
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
    graceSeconds: input.graceSeconds ?? DEFAULT_GRACE_SECONDS,
    escalateAfterSeconds: input.escalateAfterSeconds ?? DEFAULT_ESCALATE_AFTER_SECONDS,
    stock: input.stock ?? null,
    price: input.price ?? null,
    targets: input.targets ?? (Array.isArray(input.forecast) ? null : input.forecast.template),
    playbook,
    forecast: resolveForecast(input.forecast, durationMinutes, startMs, timezone),
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
