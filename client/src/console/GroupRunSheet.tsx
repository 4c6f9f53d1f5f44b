/**
 * The group's run sheet in the console: every launch's tasks merged by time (GET
 * /api/groups/:id/run-sheet), refreshed while unfolded, so the 10:00, 10:05 and 10:10 launches'
 * pre-checks and page swaps read as one schedule.
 */
import { useEffect, useState } from 'react';
import type { Group, GroupRunSheetRow } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT } from '../hooks';
import { roleLabel } from '../i18n';

const REFRESH_MS = 10_000;

export function GroupRunSheet({ group }: { group: Group }) {
  const t = useT();
  const lang = useLang();
  const [open, setOpen] = useState(true);
  const [rows, setRows] = useState<GroupRunSheetRow[] | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    const load = () =>
      api.groupRunSheet(group.id).then(
        (r) => live && setRows(r),
        () => undefined,
      );
    void load();
    const id = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [group.id, open]);
  return (
    <details
      className="runsheet-panel"
      data-testid="group-runsheet"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        <h2>{t('groups.runSheet', { name: group.name })}</h2>
      </summary>
      {!rows ? (
        <p className="muted">{t('loading')}</p>
      ) : (
        <ul className="runsheet-list">
          {rows.map((r) => (
            <li
              key={`${r.launchId}/${r.taskId}`}
              className={`rs-${r.status}`}
              data-status={r.status}
              data-testid="group-runsheet-row"
            >
              <span className="num when">{r.dueAt.slice(11, 16)}</span>
              <span className="what">
                {r.title} <span className="muted">· {r.launchName}</span>
              </span>
              <span className="muted">{roleLabel(lang, r.owner)}</span>
              <span className={`rs-status rs-${r.status}`}>{t(`rs_${r.status}`)}</span>
              <span className="muted">{r.doneBy ?? ''}</span>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
