/** T+15 ✓ ▲4.0%   T+45 × 访客 ▼21.0%   T+60 ◌ 11:00 后 · 预计 ▼33% … */
import { type ComponentType, type RefObject, useLayoutEffect, useRef, useState } from 'react';
import type { CheckpointState } from '@warroom/shared';
import { checkpointViews, levelOf, type CheckpointView } from '../derive';
import { IconCheck, IconCross, IconPending, IconUnknown } from '../icons';
import { usePace } from './usePace';
import { useLang, useT } from '../hooks';
import { formatClock, formatSigned } from '../format';
import { metricShortLabel } from '../i18n';
import type { LaunchView } from '../store/launchFold';

/** How many checkpoints fit on the strip; the window slides to keep the current ones visible. */
const VISIBLE = 7;

const MARK: Record<CheckpointState, ComponentType> = {
  pending: IconPending,
  within: IconCheck,
  breached: IconCross,
  incomplete: IconUnknown,
};

function visibleWindow(views: CheckpointView[], visible: number): CheckpointView[] {
  const firstPending = views.findIndex((v) => v.state === 'pending');
  const pivot = firstPending === -1 ? views.length : firstPending;
  const before = Math.min(4, Math.max(1, visible - 2));
  const start = Math.max(0, Math.min(pivot - before, views.length - visible));
  return views.slice(start, start + visible);
}

/**
 * As many checkpoints as fit the strip's width (at most VISIBLE): nothing is ever cut off at the
 * right edge. Re-measured after every render and when the strip is resized.
 */
function useFit(ref: RefObject<HTMLElement | null>, total: number, content: string): number {
  const [fit, setFit] = useState(VISIBLE);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && el.scrollWidth > el.clientWidth + 1 && fit > 2) setFit(fit - 1);
  }, [ref, fit, total, content]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    let width = el.clientWidth;
    const ro = new ResizeObserver(() => {
      if (el.clientWidth !== width) {
        width = el.clientWidth;
        setFit(VISIBLE);
      }
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return Math.min(fit, total);
}

export function CheckpointTimeline({ state, nowMs }: { state: LaunchView; nowMs: number }) {
  const t = useT();
  const lang = useLang();
  const ref = useRef<HTMLElement>(null);
  const all = checkpointViews(state);
  // The next checkpoint's pace, in amber when it projects a breach (never an alert: shared/pace).
  const pace = usePace(state, nowMs);
  const paceWorst = pace?.worst ?? null;
  // What the strip shows changes its width: states, worst metrics, the pace, the language.
  const content =
    all.map((v) => `${v.t}${v.state}${v.worst?.metric ?? ''}`).join() +
    `${pace?.checkpoint}${paceWorst?.metric}${paceWorst?.comparison.breach}${lang}`;
  const views = visibleWindow(all, useFit(ref, all.length, content));
  return (
    <section className="strip panel" data-testid="checkpoint-timeline" ref={ref}>
      <span className="strip-title">{t('checkpoints')}</span>
      {views.map((cp) => {
        const level = levelOf(cp.worst?.severity);
        const levelClass =
          cp.state === 'breached'
            ? `level-${level === 'ok' ? 'warning' : level}`
            : cp.state === 'within'
              ? 'level-ok'
              : '';
        const dev = cp.worst?.deviation ?? null;
        const Mark = MARK[cp.state];
        const paced = pace?.checkpoint === cp.t && paceWorst !== null ? paceWorst : null;
        const paceDev = paced?.comparison.deviation ?? null;
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
            <span className="t">{cp.t < 0 ? `T−${-cp.t}` : `T+${cp.t}`}</span>
            <span className="mark" aria-label={stateWord}>
              <Mark />
            </span>
            {cp.state === 'pending' ? (
              <>
                <span className="num">
                  {cp.dueAtMs > nowMs
                    ? t('cpDueAt', { time: formatClock(cp.dueAtMs, state.launch.timezone, false) })
                    : ''}
                </span>
                {paced && paceDev !== null && (
                  <span
                    className={`num cp-pace${paced.comparison.breach ? ' level-warning' : ''}`}
                    data-testid="checkpoint-pace"
                  >
                    · {paced.comparison.breach ? metricShortLabel(lang, paced.metric) : ''}
                    {formatSigned(lang, paceDev)}
                  </span>
                )}
              </>
            ) : (
              dev !== null &&
              cp.worst && (
                <span className="num">
                  {cp.state === 'breached' ? metricShortLabel(lang, cp.worst.metric) : ''}
                  {formatSigned(lang, dev)}
                </span>
              )
            )}
          </span>
        );
      })}
    </section>
  );
}
