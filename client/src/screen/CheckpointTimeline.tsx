/** T+15 ✓ ▲4.0%   T+45 ✗ 访客 ▼21.0%   T+60 ◌ 10:60 后 … */
import { CHECKPOINT_MARK, checkpointViews, levelOf, type CheckpointView } from '../derive';
import { useLang, useT } from '../hooks';
import { formatClock, formatDeviation } from '../format';
import { metricLabel } from '../i18n';
import type { LaunchState } from '../store/launchFold';

/** How many checkpoints fit on the strip; the window slides to keep the current ones visible. */
const VISIBLE = 7;

function visibleWindow(views: CheckpointView[]): CheckpointView[] {
  const firstPending = views.findIndex((v) => v.state === 'pending');
  const pivot = firstPending === -1 ? views.length : firstPending;
  const start = Math.max(0, Math.min(pivot - 4, views.length - VISIBLE));
  return views.slice(start, start + VISIBLE);
}

export function CheckpointTimeline({ state, nowMs }: { state: LaunchState; nowMs: number }) {
  const t = useT();
  const lang = useLang();
  const tol = state.launch.tolerance;
  const views = visibleWindow(checkpointViews(state));
  return (
    <section className="strip panel" data-testid="checkpoint-timeline">
      <span className="strip-title">{t('checkpoints')}</span>
      {views.map((cp) => {
        const level = cp.worst ? levelOf(cp.worst.deviation, tol) : 'ok';
        const levelClass =
          cp.state === 'breached'
            ? `level-${level === 'ok' ? 'warning' : level}`
            : cp.state === 'within'
              ? 'level-ok'
              : '';
        const dev = cp.worst?.deviation ?? null;
        const stateWord =
          cp.state === 'pending'
            ? t('cpPending')
            : cp.state === 'within'
              ? t('cpWithin')
              : cp.state === 'breached'
                ? t('cpBreached')
                : t('cpIncomplete');
        return (
          <span
            key={cp.t}
            className={`cp ${cp.state} ${levelClass}`}
            data-testid={`checkpoint-${cp.t}`}
            data-state={cp.state}
            title={stateWord}
          >
            <span className="t">T+{cp.t}</span>
            <span className="mark" aria-label={stateWord}>
              {CHECKPOINT_MARK[cp.state]}
            </span>
            {cp.state === 'pending' ? (
              <span className="num">
                {cp.dueAtMs > nowMs
                  ? t('cpDueAt', { time: formatClock(cp.dueAtMs, state.launch.timezone, false) })
                  : ''}
              </span>
            ) : (
              dev !== null &&
              cp.worst && (
                <span className="num">
                  {cp.state === 'breached' ? metricLabel(lang, cp.worst.metric) : ''}
                  {dev >= 0 ? '▲' : '▼'}
                  {formatDeviation(lang, dev)}
                </span>
              )
            )}
          </span>
        );
      })}
    </section>
  );
}
