/**
 * The run sheet (作战时间表) of a launch: list, add, edit and remove timed tasks (title, owner role,
 * minutes relative to 开团 or a clock time in the launch's zone), validated with shared's
 * RunSheetInput and saved with PUT /api/launches/:id/run-sheet.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  OWNER_ROLES,
  RunSheetInput,
  safeParseIn,
  parseDateTime,
  runSheetDueMs,
  runSheetOf,
  type LaunchHead,
  type LaunchSummary,
  type OwnerRole,
  type RunSheetTaskInput,
} from '@warroom/shared';
import { api, ApiError } from '../api';
import { useLang, useT } from '../hooks';
import { formatClock, zoneName } from '../format';
import { roleLabel } from '../i18n';
import { Link } from '../router';
import { FieldError } from './PlaybookEditor';
import { errorAt, serverErrors, type FieldErrors } from './launchForm';
import './runsheet.css';

interface Row {
  /** React key; stable across edits. */
  key: string;
  /** The stored task's id (ticks are kept by id); absent for new tasks: the server assigns one. */
  id: string | undefined;
  title: string;
  owner: OwnerRole;
  mode: 'relative' | 'clock';
  offset: string;
  clock: string;
}

let nextKey = 0;
const newKey = () => `row-${++nextKey}`;

function rowsOf(launch: LaunchHead): Row[] {
  return runSheetOf(launch).map((t) => ({
    key: newKey(),
    id: t.id,
    title: t.title,
    owner: t.owner,
    mode: t.clockTime !== null ? 'clock' : 'relative',
    offset: t.offsetMinutes === null ? '' : String(t.offsetMinutes),
    clock: t.clockTime ?? '',
  }));
}

/** The rows as the API's input (and the positions whose minutes are not a whole number). */
function toInput(rows: Row[]): { tasks: RunSheetTaskInput[]; badOffsets: number[] } {
  const badOffsets: number[] = [];
  const tasks = rows.map((r, i): RunSheetTaskInput => {
    const base = { ...(r.id ? { id: r.id } : {}), title: r.title, owner: r.owner };
    if (r.mode === 'clock') return { ...base, clockTime: r.clock.trim() };
    const n = Number(r.offset.trim().replace(/^T/i, '').replace('−', '-'));
    if (!r.offset.trim() || !Number.isInteger(n)) badOffsets.push(i);
    return { ...base, offsetMinutes: Number.isInteger(n) ? n : 0 };
  });
  return { tasks, badOffsets };
}

export function RunSheetEditor() {
  const t = useT();
  const lang = useLang();
  const [launches, setLaunches] = useState<LaunchSummary[] | null>(null);
  const [launchId, setLaunchId] = useState<string>(
    () => new URLSearchParams(window.location.search).get('launch') ?? '',
  );
  const [launch, setLaunch] = useState<LaunchHead | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [dirty, setDirty] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldErrors>({});
  const [message, setMessage] = useState<ReactNode>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api.launches().then(
      (list) => {
        setLaunches(list);
        setLaunchId((id) => id || (list[0]?.id ?? ''));
      },
      (e: Error) => setMessage(<span className="level-critical">{t('error', { msg: e.message })}</span>),
    );
  }, [t]);

  useEffect(() => {
    if (!launchId) return;
    let live = true;
    api.launch(launchId).then(
      (s) => {
        if (!live) return;
        setLaunch(s.launch);
        setRows(rowsOf(s.launch));
        setDirty(false);
        setSubmitted(false);
        setServerIssues({});
      },
      (e: Error) =>
        live && setMessage(<span className="level-critical">{t('error', { msg: e.message })}</span>),
    );
    return () => {
      live = false;
    };
  }, [launchId, t]);

  const { tasks, errors } = useMemo(() => {
    const { tasks, badOffsets } = toInput(rows);
    const errors: FieldErrors = {};
    const r = safeParseIn(lang, RunSheetInput, tasks);
    if (!r.success)
      for (const issue of r.error.issues) {
        const [i, field] = issue.path.map(String);
        // The either/or refinement has no field of its own: show it by the timing.
        const key = field ? `${i}.${field}` : `${i}.timing`;
        errors[key] ??= issue.message;
      }
    for (const i of badOffsets) errors[`${i}.offsetMinutes`] = t('rsOffsetInvalid');
    return { tasks, errors };
  }, [rows, lang, t]);
  const shown: FieldErrors = submitted ? { ...serverIssues, ...errors } : {};
  const err = (i: number, field: string) => errorAt(shown, `${i}.${field}`);

  const update = (key: string, patch: Partial<Row>) => {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    setDirty(true);
    setServerIssues({});
    setMessage(null);
  };

  const save = async () => {
    setSubmitted(true);
    if (!launch) return;
    if (Object.keys(errors).length > 0) {
      setMessage(<span className="level-warning">{t('fixErrors')}</span>);
      return;
    }
    setSaving(true);
    try {
      const { runSheet } = await api.putRunSheet(launch.id, tasks);
      const saved = { ...launch, runSheet };
      setLaunch(saved);
      setRows(rowsOf(saved));
      setDirty(false);
      setSubmitted(false);
      setMessage(
        <span className="level-ok" data-testid="rs-saved">
          {t('rsSaved', { n: runSheet.length })} ·{' '}
          <Link href={`/screen/${encodeURIComponent(launch.id)}`}>{t('openScreen')}</Link>
        </span>,
      );
    } catch (e) {
      if (e instanceof ApiError) setServerIssues(serverErrors(e.details));
      setMessage(<span className="level-critical">{t('error', { msg: (e as Error).message })}</span>);
    } finally {
      setSaving(false);
    }
  };

  const start = launch ? parseDateTime(launch.startAt, launch.timezone) : NaN;
  const due = (r: Row, i: number): string => {
    if (!launch || !Number.isFinite(start) || err(i, 'offsetMinutes') || err(i, 'clockTime')) return '';
    const task = tasks[i];
    if (!task) return '';
    if (r.mode === 'clock' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(r.clock.trim())) return '';
    if (r.mode === 'relative' && !Number.isInteger(Number(r.offset))) return '';
    const at = runSheetDueMs(
      {
        id: '',
        title: '',
        owner: r.owner,
        offsetMinutes: task.offsetMinutes ?? null,
        clockTime: task.clockTime ?? null,
      },
      start,
      launch.timezone,
    );
    const minutes = Math.round((at - start) / 60_000);
    const day = formatClock(at, launch.timezone, false);
    return `${minutes < 0 ? 'T−' : 'T+'}${Math.abs(minutes)} · ${day}`;
  };

  return (
    <section className="rs-editor" data-testid="run-sheet-editor">
      <h1>{t('rsEditorTitle')}</h1>
      <p className="muted rs-hint">{t('rsEditorHint')}</p>
      <div className="rs-toolbar">
        <label>
          {t('rsLaunch')}{' '}
          <select
            data-testid="rs-launch"
            value={launchId}
            onChange={(e) => {
              setLaunchId(e.target.value);
              setMessage(null);
            }}
          >
            {!launchId && <option value="">{t('rsChooseLaunch')}</option>}
            {(launches ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {l.name} · {l.startAt.slice(0, 16).replace('T', ' ')}
              </option>
            ))}
          </select>
        </label>
        {launch && (
          <span className="muted">
            {t('launchClockAfter')} {launch.startAt.slice(0, 16).replace('T', ' ')} ·{' '}
            {zoneName(lang, launch.timezone)}
          </span>
        )}
        {launches && launches.length === 0 && <span className="muted">{t('rsNoLaunches')}</span>}
      </div>
      {launch && (
        <>
          <table className="rs-table" data-testid="rs-table">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('rsTaskTitle')}</th>
                <th>{t('rsOwnerCol')}</th>
                <th>{t('rsTimingCol')}</th>
                <th>{t('rsDueCol')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    {t('rsEmpty')}
                  </td>
                </tr>
              )}
              {rows.map((r, i) => (
                <tr key={r.key} data-testid="rs-row" data-task-id={r.id ?? ''}>
                  <td className="num muted">{i + 1}</td>
                  <td className={`field${err(i, 'title') ? ' invalid' : ''}`}>
                    <input
                      className="rs-title"
                      data-testid="rs-title"
                      aria-label={t('rsTaskTitle')}
                      value={r.title}
                      onChange={(e) => update(r.key, { title: e.target.value })}
                    />
                    <FieldError message={err(i, 'title')} />
                  </td>
                  <td className={`field${err(i, 'owner') ? ' invalid' : ''}`}>
                    <select
                      data-testid="rs-owner"
                      aria-label={t('rsOwnerCol')}
                      value={r.owner}
                      onChange={(e) => update(r.key, { owner: e.target.value as OwnerRole })}
                    >
                      {OWNER_ROLES.map((role) => (
                        <option key={role} value={role}>
                          {roleLabel(lang, role)}
                        </option>
                      ))}
                    </select>
                    <FieldError message={err(i, 'owner')} />
                  </td>
                  <td
                    className={`field rs-timing${err(i, 'offsetMinutes') || err(i, 'clockTime') || err(i, 'timing') ? ' invalid' : ''}`}
                  >
                    <span className="rs-timing-row">
                      <select
                        data-testid="rs-mode"
                        aria-label={t('rsTimingCol')}
                        value={r.mode}
                        onChange={(e) => update(r.key, { mode: e.target.value as Row['mode'] })}
                      >
                        <option value="relative">{t('rsRelative')}</option>
                        <option value="clock">{t('rsClockTime')}</option>
                      </select>
                      {r.mode === 'relative' ? (
                        <>
                          <input
                            className="rs-offset num"
                            data-testid="rs-offset"
                            inputMode="numeric"
                            aria-label={t('rsMinutes')}
                            value={r.offset}
                            onChange={(e) => update(r.key, { offset: e.target.value })}
                          />
                          <span className="muted">{t('rsMinutes')}</span>
                        </>
                      ) : (
                        <input
                          className="rs-clock num"
                          data-testid="rs-clock"
                          placeholder="15:00"
                          aria-label={t('rsClockTime')}
                          value={r.clock}
                          onChange={(e) => update(r.key, { clock: e.target.value })}
                        />
                      )}
                    </span>
                    <FieldError
                      message={err(i, 'offsetMinutes') ?? err(i, 'clockTime') ?? err(i, 'timing')}
                    />
                  </td>
                  <td className="num rs-due">{due(r, i)}</td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-danger"
                      data-testid="rs-remove"
                      onClick={() => {
                        setRows((rs) => rs.filter((x) => x.key !== r.key));
                        setDirty(true);
                        setMessage(null);
                      }}
                    >
                      {t('rsRemove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions rs-actions">
            <button
              type="button"
              className="btn"
              data-testid="rs-add"
              onClick={() => {
                setRows((rs) => [
                  ...rs,
                  {
                    key: newKey(),
                    id: undefined,
                    title: '',
                    owner: OWNER_ROLES[0],
                    mode: 'relative',
                    offset: '',
                    clock: '',
                  },
                ]);
                setDirty(true);
                setMessage(null);
              }}
            >
              {t('rsAdd')}
            </button>
            <span className="spacer" />
            {dirty && <span className="level-warning">{t('rsUnsaved')}</span>}
            <button
              type="button"
              className="btn"
              disabled={!dirty}
              onClick={() => {
                setRows(rowsOf(launch));
                setDirty(false);
                setSubmitted(false);
                setMessage(null);
              }}
            >
              {t('rsDiscard')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="rs-save"
              disabled={saving}
              onClick={() => void save()}
            >
              {saving ? t('rsSaving') : t('rsSave')}
            </button>
          </div>
          <div data-testid="rs-message">{message}</div>
        </>
      )}
    </section>
  );
}
