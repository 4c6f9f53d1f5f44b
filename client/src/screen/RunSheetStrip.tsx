/** The next timed tasks of the run sheet (作战时间表), with their owners. */
import { runSheet, type RunSheetItem } from '../derive';
import { useLang, useT } from '../hooks';
import { formatClock } from '../format';
import { roleLabel } from '../i18n';
import type { LaunchState } from '../store/launchFold';

const SHOW = 3;

export function RunSheetStrip({ state, nowMs }: { state: LaunchState; nowMs: number }) {
  const t = useT();
  const lang = useLang();
  const items = runSheet(state);
  const nextIndex = items.findIndex((i) => i.atMs >= nowMs);
  const from = nextIndex === -1 ? Math.max(0, items.length - SHOW) : Math.max(0, nextIndex - 1);
  const shown = items.slice(from, from + SHOW);
  const when = (i: RunSheetItem) => {
    if (i.label.kind === 'nextDay') return t('rsNextDay');
    if (i.label.kind === 'clock') return formatClock(i.atMs, state.launch.timezone, false);
    const m = i.label.minutes;
    return `${m < 0 ? 'T−' : 'T+'}${Math.abs(m)} · ${formatClock(i.atMs, state.launch.timezone, false)}`;
  };
  return (
    <section className="strip panel" data-testid="run-sheet">
      <span className="strip-title">{t('runSheet')}</span>
      {shown.map((i) => {
        const past = i.atMs < nowMs;
        const next = items[nextIndex] === i;
        return (
          <span key={i.key} className={`rs${past ? ' past' : ''}${next ? ' next' : ''}`}>
            <span className="when num">{when(i)}</span>
            {t(i.task)}
            <span className="who">· {roleLabel(lang, i.owner)}</span>
            {past && <span className="who">({t('done')})</span>}
          </span>
        );
      })}
    </section>
  );
}
