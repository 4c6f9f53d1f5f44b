/** The due and next tasks of the launch's run sheet (作战时间表), with owners; overdue ones flagged. */
import { runSheetStatus } from '@warroom/shared';
import { runSheet, type RunSheetItem } from '../derive';
import { useLang, useT, type Translate } from '../hooks';
import { formatClock } from '../format';
import { roleLabel } from '../i18n';
import type { LaunchState } from '../store/launchFold';

const SHOW = 3;

export function runSheetWhen(t: Translate, i: RunSheetItem, zone: string): string {
  if (i.label.kind === 'nextDay') return t('rsNextDay');
  if (i.label.kind === 'clock') return formatClock(i.atMs, zone, false);
  const m = i.label.minutes;
  return `${m < 0 ? 'T−' : 'T+'}${Math.abs(m)} · ${formatClock(i.atMs, zone, false)}`;
}

export function RunSheetStrip({ state, nowMs }: { state: LaunchState; nowMs: number }) {
  const t = useT();
  const lang = useLang();
  const items = runSheet(state).map((i) => ({
    ...i,
    status: runSheetStatus(i.atMs, i.tick ?? undefined, nowMs),
  }));
  // Overdue tasks stay on the strip until someone ticks them off; then the due and next ones.
  const overdue = items.filter((i) => i.status === 'overdue');
  const rest = items.filter((i) => i.status === 'due' || i.status === 'upcoming');
  const shown = [...overdue, ...rest].slice(0, SHOW);
  const lastDone = [...items].reverse().find((i) => i.tick);
  if (shown.length < SHOW && lastDone && !shown.includes(lastDone)) shown.unshift(lastDone);
  return (
    <section className="strip panel" data-testid="run-sheet">
      <span className="strip-title">{t('runSheet')}</span>
      {shown.slice(0, SHOW).map((i) => (
        <span key={i.key} className={`rs rs-${i.status}`} data-testid={`rs-${i.key}`} data-status={i.status}>
          <span className="when num">{runSheetWhen(t, i, state.launch.timezone)}</span>
          {i.task ? t(i.task) : i.title}
          <span className="who">· {roleLabel(lang, i.owner)}</span>
          {i.status === 'overdue' && <span className="rs-flag">{t('rs_overdue')}</span>}
          {i.status === 'due' && <span className="rs-flag">{t('rs_due')}</span>}
          {i.tick && <span className="who">✓ {i.tick.by}</span>}
        </span>
      ))}
    </section>
  );
}
