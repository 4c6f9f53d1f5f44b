/** The supervisor console: every launch's alerts, filtered by role and status, keyboard-driven. */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  OWNER_ROLES,
  DEFAULT_TIMEZONE,
  openedAtMs,
  type Alert,
  type Group,
  type OwnerRole,
} from '@warroom/shared';
import { launchNow } from '../store/launchFold';
import { api } from '../api';
import { useInbox, useLang, useNow, useT } from '../hooks';
import { roleLabel } from '../i18n';
import { useStore, type StatusFilter } from '../store';
import { selectConnection, selectInbox, selectRoleFilter, selectStatusFilter } from '../store/selectors';
import { Nav } from '../home/HomePage';
import { hasRole, selectUser, useSession } from '../auth/session';
import { isOwnerRole } from '../auth/roles';
import { AlertRow } from './AlertRow';
import { AckForm } from './AckForm';
import { inboxLines, inboxView, ownsAlert, type LaunchFilter } from './inboxView';
import { PHASE_ORDER, useLaunchInfo, type LaunchInfo, type LaunchPhase } from './launchPhase';
import { RunSheetPanel } from './RunSheetPanel';
import { GroupRunSheet } from './GroupRunSheet';
import { alertWhat } from './AlertRow';
import { IconCheck } from '../icons';
import './console.css';

/**
 * How long an alert has waited for its owner, in real time: its launch's clock now (a simulation's
 * runs faster) less when it opened, turned into people's seconds (shared/escalation).
 */
function openForMs(alert: Alert, info: LaunchInfo | undefined, wallNow: number): number {
  const now = info?.clock ? launchNow(info.clock, wallNow) : wallNow;
  return (now - openedAtMs(alert)) / (info?.peopleSpeed ?? 1);
}

const PHASE_WORD = {
  live: 'launchGroupLive',
  upcoming: 'launchGroupUpcoming',
  ended: 'launchGroupEnded',
} as const satisfies Record<LaunchPhase, string>;
/** How long the "acknowledged, the wall is told" line stays. */
const CONFIRM_MS = 8000;

const STATUSES: {
  value: StatusFilter;
  key: 'statusOpen' | 'statusAcknowledged' | 'statusCleared' | 'statusAll';
}[] = [
  { value: 'open', key: 'statusOpen' },
  { value: 'acknowledged', key: 'statusAcknowledged' },
  { value: 'cleared', key: 'statusCleared' },
  { value: 'all', key: 'statusAll' },
];

export default function ConsolePage() {
  useInbox();
  const t = useT();
  const lang = useLang();
  const wallNow = useNow(1000);
  const inbox = useStore(selectInbox);
  const user = useSession(selectUser);
  const myRole = isOwnerRole(user?.ownerRole) ? user.ownerRole : null;
  const canAck = hasRole(user, 'supervisor');
  const connection = useStore(selectConnection);
  const roleFilter = useStore(selectRoleFilter);
  const statusFilter = useStore(selectStatusFilter);
  const { setRoleFilter, setStatusFilter, setInbox, setSummaries } = useStore.getState();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [acking, setAcking] = useState(false);
  const [launchFilter, setLaunchFilter] = useState<LaunchFilter>('all');
  const [groups, setGroups] = useState<Group[]>([]);
  const [groupFilter, setGroupFilter] = useState<string>('all');
  const group = groups.find((g) => g.id === groupFilter) ?? null;
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [confirmed, setConfirmed] = useState<Alert | null>(null);
  const inboxRef = useRef<HTMLUListElement>(null);

  const knownLaunches = useMemo(() => new Set(inbox.summaries.map((s) => s.id)), [inbox.summaries]);
  const missingLaunch = [...inbox.alerts.values()].some((a) => !knownLaunches.has(a.launchId));
  useEffect(() => {
    api.launches().then(setSummaries, () => undefined);
  }, [setSummaries, missingLaunch]);
  useEffect(() => {
    // The socket's inbox:subscribe answers too; this fills the list if it is slow or unsupported.
    api.alerts('all').then(setInbox, () => undefined);
  }, [setInbox]);
  useEffect(() => {
    api.groups().then(
      (list) => setGroups(list.map((x) => x.group)),
      () => undefined,
    );
  }, []);

  const infos = useLaunchInfo(inbox.summaries, wallNow);
  const phaseOf = useMemo(() => (id: string) => infos.get(id)?.phase ?? 'live', [infos]);
  const rows = useMemo(
    () =>
      inboxView(
        group
          ? [...inbox.alerts.values()].filter((a) => group.launchIds.includes(a.launchId))
          : inbox.alerts.values(),
        { role: roleFilter, status: statusFilter, launch: launchFilter },
        phaseOf,
      ),
    [inbox.alerts, roleFilter, statusFilter, launchFilter, phaseOf, group],
  );
  const lines = useMemo(
    () => inboxLines(rows, phaseOf, expanded, launchFilter),
    [rows, phaseOf, expanded, launchFilter],
  );
  // The rows the keyboard moves through: those in sight (a folded ended launch's are not).
  const visible = useMemo(() => lines.flatMap((l) => (l.kind === 'alert' ? [l.alert] : [])), [lines]);
  const openCount = [...inbox.alerts.values()].filter((a) => a.status === 'open').length;
  const selected = visible.find((a) => a.id === selectedId) ?? visible[0] ?? null;
  const launchOf = (id: string) => inbox.summaries.find((s) => s.id === id);
  const launchesByPhase = PHASE_ORDER.map((phase) => ({
    phase,
    launches: inbox.summaries.filter(
      (l) => phaseOf(l.id) === phase && (!group || group.launchIds.includes(l.id)),
    ),
  })).filter((g) => g.launches.length > 0);

  // The selected row stays in sight, also when an acknowledgement moves the selection on.
  useEffect(() => {
    if (!selected) return;
    const row = inboxRef.current?.querySelector(`[data-alert-id="${CSS.escape(selected.id)}"]`);
    row?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  useEffect(() => {
    if (!confirmed) return;
    const id = setTimeout(() => setConfirmed(null), CONFIRM_MS);
    return () => clearTimeout(id);
  }, [confirmed]);

  /**
   * After an acknowledgement: say so, and keep a selection in sight. In the unacknowledged view the
   * row leaves, so the one that takes its place is selected (scrolled to by the effect above).
   */
  const acknowledged = (alert: Alert) => {
    setAcking(false);
    setConfirmed(alert);
    if (statusFilter !== 'open') return;
    const index = Math.max(
      0,
      visible.findIndex((a) => a.id === alert.id),
    );
    const rest = visible.filter((a) => a.id !== alert.id);
    setSelectedId(rest[Math.min(index, rest.length - 1)]?.id ?? null);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (
        target &&
        ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) &&
        target.getAttribute('type') !== 'radio'
      )
        return;
      if (acking && e.key !== 'Escape') return;
      const index = selected ? visible.indexOf(selected) : -1;
      if (e.key === 'j' || e.key === 'ArrowDown') {
        const next = visible[Math.min(visible.length - 1, index + 1)];
        if (next) setSelectedId(next.id);
        e.preventDefault();
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        const prev = visible[Math.max(0, index - 1)];
        if (prev) setSelectedId(prev.id);
        e.preventDefault();
      } else if (e.key === 'Enter' && canAck && selected?.status === 'open') {
        setAcking(true);
        e.preventDefault();
      } else if (e.key === 'Escape') setAcking(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [visible, selected, acking, canAck]);

  return (
    <div className="page console" data-testid="console">
      <Nav />
      <header className="console-head">
        <h1>
          {t('inbox')} <span className="level-warning">({t('unackedCount', { n: openCount })})</span>
        </h1>
        {groups.length > 0 && (
          <label>
            {t('groups.filter')}
            <select
              data-testid="filter-group"
              value={groupFilter}
              onChange={(e) => {
                setGroupFilter(e.target.value);
                setLaunchFilter('all');
              }}
            >
              <option value="all">{t('groups.all')}</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('filterLaunch')}
          <select
            data-testid="filter-launch"
            value={launchFilter}
            onChange={(e) => setLaunchFilter(e.target.value)}
          >
            <option value="all">{t('allLaunches')}</option>
            {launchesByPhase.map((g) => (
              <optgroup key={g.phase} label={t(PHASE_WORD[g.phase])} data-phase={g.phase}>
                {g.launches.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label>
          {t('filterRole')}
          <select
            data-testid="filter-role"
            value={roleFilter}
            onChange={(e) => setRoleFilter(e.target.value as OwnerRole | 'all')}
          >
            <option value="all">{t('allRoles')}</option>
            {OWNER_ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(lang, r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filterStatus')}
          <select
            data-testid="filter-status"
            value={statusFilter}
            onChange={(e) => setStatusFilter(e.target.value as StatusFilter)}
          >
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {t(s.key)}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        {confirmed && (
          <span className="ack-confirmation" data-testid="ack-confirmation" role="status">
            <IconCheck />{' '}
            {t('ackConfirmed', {
              what: alertWhat(t, lang, confirmed),
              launch: launchOf(confirmed.launchId)?.name ?? '',
            })}
          </span>
        )}
        {connection.status !== 'connected' && (
          <span className="level-critical" data-testid="connection-banner">
            {t('disconnected')}
          </span>
        )}
      </header>
      {!canAck && (
        <p className="read-only-note" data-testid="read-only-note">
          {t('viewerReadOnly')}
        </p>
      )}
      <div className="console-body">
        <div className="inbox-col">
          {lines.length === 0 ? (
            <p className="muted empty">{t('noAlerts')}</p>
          ) : (
            <ul className="inbox" data-testid="inbox" ref={inboxRef}>
              {lines.map((line) => {
                if (line.kind === 'ended') {
                  const toggle = () =>
                    setExpanded((prev) => {
                      const next = new Set(prev);
                      if (!next.delete(line.launchId)) next.add(line.launchId);
                      return next;
                    });
                  return (
                    <li
                      key={`ended:${line.launchId}`}
                      className="inbox-ended"
                      data-testid="inbox-ended"
                      data-launch-id={line.launchId}
                      data-open={line.open}
                      onClick={toggle}
                    >
                      <span className="ended-name">
                        {t('endedCollapsed', {
                          name: launchOf(line.launchId)?.name ?? line.launchId,
                          n: line.alerts.length,
                        })}
                      </span>
                      <button type="button" className="btn btn-small">
                        {line.open ? t('collapse') : t('expand')}
                      </button>
                    </li>
                  );
                }
                const a = line.alert;
                const launch = launchOf(a.launchId);
                return (
                  <AlertRow
                    key={a.id}
                    alert={a}
                    launchName={launch?.name ?? a.launchId}
                    zone={launch?.timezone ?? DEFAULT_TIMEZONE}
                    selected={a.id === selected?.id}
                    mine={myRole !== null && ownsAlert(a, myRole)}
                    canAck={canAck}
                    openForMs={openForMs(a, infos.get(a.launchId), wallNow)}
                    onSelect={() => setSelectedId(a.id)}
                    onAck={() => {
                      setSelectedId(a.id);
                      setAcking(true);
                    }}
                  />
                );
              })}
            </ul>
          )}
          <p className="hint muted">{t('keyboardHint')}</p>
          {group && <GroupRunSheet group={group} />}
          <RunSheetPanel
            launches={inbox.summaries.filter(
              (l) => phaseOf(l.id) !== 'ended' && (!group || group.launchIds.includes(l.id)),
            )}
            preferred={launchFilter === 'all' ? selected?.launchId : launchFilter}
          />
        </div>
        {selected && (
          <AckForm
            key={selected.id + String(acking)}
            alert={selected}
            zone={launchOf(selected.launchId)?.timezone ?? DEFAULT_TIMEZONE}
            canAck={canAck}
            onDone={() => setAcking(false)}
            onAcknowledged={acknowledged}
          />
        )}
      </div>
    </div>
  );
}
