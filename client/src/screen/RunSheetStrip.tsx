/**
 * The due and next tasks of the launch's run sheet (作战时间表), with owners; overdue ones flagged.
 * Done tasks drop out; tasks due before the launch was set up show as 未记录 (muted) when there is
 * room, never as overdue.
 */
import { runSheet, runSheetView, type RunSheetItem } from '../derive';
import { useLang, useT, type Translate } from '../hooks';
import { formatClock } from '../format';
import { roleLabel } from '../i18n';
import type { LaunchView } from '../store/launchFold';

const SHOW = 3;

export function runSheetWhen(t: Translate, i: RunSheetItem, zone: string): string {
  if (i.label.kind === 'nextDay') return t('rsNextDay');
  if (i.label.kind === 'clock') return formatClock(i.atMs, zone, false);
  const m = i.label.minutes;
  return `${m < 0 ? 'T−' : 'T+'}${Math.abs(m)} · ${formatClock(i.atMs, zone, false)}`;
}

export function RunSheetStrip({ state, nowMs }: { state: LaunchView; nowMs: number }) {
  const t = useT();
  const lang = useLang();
  const items = runSheet(state).map((i) => ({ ...i, status: runSheetView(state, i, nowMs) }));
  // Overdue tasks stay on the strip until someone ticks them off; then the due and next ones.
  const overdue = items.filter((i) => i.status === 'overdue');
  const rest = items.filter((i) => i.status === 'due' || i.status === 'upcoming');
  const unrecorded = items.filter((i) => i.status === 'unrecorded');
  const shown = [...overdue, ...rest, ...unrecorded].slice(0, SHOW);
  return (
    <section className="strip panel" data-testid="run-sheet">
      <span className="strip-title">{t('runSheet')}</span>
      {shown.map((i) => (
        <span key={i.key} className={`rs rs-${i.status}`} data-testid={`rs-${i.key}`} data-status={i.status}>
          <span className="when num">{runSheetWhen(t, i, state.launch.timezone)}</span>
          {/* The flag before the title: a long title is what gets cut, never the flag. */}
          {i.status === 'overdue' && <span className="rs-flag">{t('rs_overdue')}</span>}
          {i.status === 'due' && <span className="rs-flag">{t('rs_due')}</span>}
          {i.status === 'unrecorded' && (
            <span className="rs-flag rs-flag-unrecorded" title={t('rsUnrecordedHint')}>
              {t('rs_unrecorded')}
            </span>
          )}
          {i.task ? t(i.task) : i.title}
          <span className="who">· {roleLabel(lang, i.owner)}</span>
        </span>
      ))}
    </section>
  );
}
