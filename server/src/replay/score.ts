/**
 * A drill's score sheet: for every alert the replay raised, how fast the trainee acknowledged it and
 * with which action, next to what the real team did. Pure.
 *
 * Scoring (0–100 per alert): speed up to 70 — full marks within a minute, falling linearly to none
 * at the launch's escalation time (the alert would have gone to the manager); action up to 30 —
 * 30 for the team's own action, 20 for another action of the plan, 0 for none or one off the plan.
 * An alert nobody acknowledged scores 0.
 */
import type { Alert, DrillAlertScore, DrillScoreSheet } from '@warroom/shared';

const FULL_MARKS_WITHIN_S = 60;

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function speedPoints(responseSeconds: number, escalateAfterSeconds: number): number {
  if (responseSeconds <= FULL_MARKS_WITHIN_S) return 70;
  if (responseSeconds >= escalateAfterSeconds) return 0;
  const span = Math.max(1, escalateAfterSeconds - FULL_MARKS_WITHIN_S);
  return Math.round((70 * (escalateAfterSeconds - responseSeconds)) / span);
}

export function scoreAlert(
  alert: Alert,
  team: Alert | undefined,
  escalateAfterSeconds: number,
): DrillAlertScore {
  const planActions = alert.plan.owners.flatMap((o) => o.actions);
  const teamAck =
    team?.ackedBy && team.ackedAt
      ? {
          ackedBy: team.ackedBy,
          ackedAt: team.ackedAt,
          responseSeconds: seconds(team.raisedAt, team.ackedAt),
          action: team.action,
        }
      : null;
  const trainee =
    alert.ackedBy && alert.ackedAt
      ? {
          ackedBy: alert.ackedBy,
          ackedAt: alert.ackedAt,
          responseSeconds: seconds(alert.raisedAt, alert.ackedAt),
          action: alert.action,
          note: alert.note,
        }
      : null;
  const action = trainee?.action ?? null;
  const actionInPlan = action !== null && planActions.includes(action);
  const sameActionAsTeam = action !== null && teamAck?.action === action;
  let score = 0;
  if (trainee) {
    score =
      speedPoints(trainee.responseSeconds, escalateAfterSeconds) +
      (sameActionAsTeam ? 30 : actionInPlan ? 20 : 0);
  }
  return {
    alertId: alert.id,
    checkpoint: alert.checkpoint,
    metric: alert.metric,
    direction: alert.direction,
    severity: alert.severity,
    raisedAt: alert.raisedAt,
    trainee,
    team: teamAck,
    actionInPlan,
    sameActionAsTeam,
    score,
  };
}

export function scoreSheet(input: {
  replayId: string;
  launchId: string;
  trainee: string | null;
  alerts: Iterable<Alert>;
  teamAlerts: ReadonlyMap<string, Alert>;
  escalateAfterSeconds: number;
}): DrillScoreSheet {
  const rows = [...input.alerts]
    .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id))
    .map((a) => scoreAlert(a, input.teamAlerts.get(a.id), input.escalateAfterSeconds));
  const acked = rows.filter((r) => r.trainee);
  return {
    replayId: input.replayId,
    launchId: input.launchId,
    trainee: input.trainee,
    alerts: rows,
    acknowledged: acked.length,
    missed: rows.length - acked.length,
    medianResponseSeconds: median(acked.map((r) => r.trainee!.responseSeconds)),
    teamMedianResponseSeconds: median(rows.flatMap((r) => (r.team ? [r.team.responseSeconds] : []))),
    score: rows.length === 0 ? 0 : Math.round(rows.reduce((s, r) => s + r.score, 0) / rows.length),
  };
}
