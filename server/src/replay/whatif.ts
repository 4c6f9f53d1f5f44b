/**
 * What-if: the stored readings re-evaluated with another tolerance, other checkpoints, other compared
 * metrics or another forecast — which alerts would have fired. Pure; the stored launch is untouched.
 */
import {
  type Alert,
  type ForecastInput,
  type Launch,
  type WhatIfInput,
  type WhatIfResult,
  MINUTE_MS,
  defaultPlaybook,
} from '@warroom/shared';
import { resolveForecast } from '../engine/index';
import { type ReplaySource, type Step, TimelineRun } from './timeline';

const key = (a: Alert) => `T+${a.checkpoint} ${a.metric ?? 'data-gap'} ${a.direction ?? ''}`.trim();
const fired = (alerts: Iterable<Alert>) =>
  new Set([...alerts].filter((a) => a.status !== 'cleared').map(key));

export function whatIf(
  src: ReplaySource,
  actualAlerts: Iterable<Alert>,
  input: WhatIfInput,
  forecast: ForecastInput | undefined,
): WhatIfResult {
  // From the current settings: the original's edits are not replayed over the what-if's own.
  const original = src.finalLaunch;
  const metrics = input.metrics ?? original.metrics;
  const launch: Launch = {
    ...original,
    tolerance: input.tolerance ?? original.tolerance,
    checkpoints: [...(input.checkpoints ?? original.checkpoints)]
      .filter((t) => t <= original.durationMinutes)
      .sort((a, b) => a - b),
    metrics,
    playbook: [...original.playbook, ...defaultPlaybook(metrics)].filter(
      (e, i, all) => all.findIndex((o) => o.metric === e.metric && o.direction === e.direction) === i,
    ),
    forecast: forecast
      ? resolveForecast(forecast, original.durationMinutes, src.startMs, original.timezone)
      : original.forecast,
  };
  // New checkpoints are looked at when their grace runs out, as the live clock would have.
  const graceTicks: Step[] = launch.checkpoints.map((t) => {
    const at = src.startMs + t * MINUTE_MS + launch.graceSeconds * 1000;
    return { kind: 'tick', atMs: at, posMs: at };
  });
  const steps = [...src.steps.filter((s) => s.kind !== 'update'), ...graceTicks].sort(
    (a, b) => a.posMs - b.posMs,
  );
  const run = new TimelineRun({ ...src, launch, steps });
  run.advanceTo(src.endMs);
  const alerts = [...run.state.alerts.values()].sort(
    (a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id),
  );
  const now = fired(alerts);
  const before = fired(actualAlerts);
  return {
    launchId: original.id,
    settings: { tolerance: launch.tolerance, checkpoints: launch.checkpoints, metrics },
    alerts,
    checkpoints: [...run.state.checkpoints.values()].sort((a, b) => a.checkpoint - b.checkpoint),
    added: [...now].filter((k) => !before.has(k)),
    removed: [...before].filter((k) => !now.has(k)),
  };
}
