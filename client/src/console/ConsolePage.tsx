/** The supervisor console: every launch's alerts, filtered by role and status, keyboard-driven. */
import { useEffect, useMemo, useState } from 'react';
import { OWNER_ROLES, DEFAULT_TIMEZONE, ESCALATION_ROLE, type OwnerRole } from '@warroom/shared';
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
import { inboxView, ownsAlert } from './inboxView';
import { RunSheetPanel } from './RunSheetPanel';
import './console.css';

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
  // The run sheet panel takes an Identity: the logged-in person, with their owner role (a person
  // without one sees it as the manager, 电商经理, who answers for every escalated task).
  const identity = useMemo(
    () => ({ name: user?.displayName ?? '', role: myRole ?? ESCALATION_ROLE }),
    [user, myRole],
  );
  const connection = useStore(selectConnection);
  const roleFilter = useStore(selectRoleFilter);
  const statusFilter = useStore(selectStatusFilter);
  const { setRoleFilter, setStatusFilter, setInbox, setSummaries } = useStore.getState();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [acking, setAcking] = useState(false);

  const knownLaunches = useMemo(() => new Set(inbox.summaries.map((s) => s.id)), [inbox.summaries]);
  const missingLaunch = [...inbox.alerts.values()].some((a) => !knownLaunches.has(a.launchId));
  useEffect(() => {
    api.launches().then(setSummaries, () => undefined);
  }, [setSummaries, missingLaunch]);
  useEffect(() => {
    // The socket's inbox:subscribe answers too; this fills the list if it is slow or unsupported.
    api.alerts('all').then(setInbox, () => undefined);
  }, [setInbox]);

  const rows = useMemo(
    () => inboxView(inbox.alerts.values(), roleFilter, statusFilter),
    [inbox.alerts, roleFilter, statusFilter],
  );
  const openCount = [...inbox.alerts.values()].filter((a) => a.status === 'open').length;
  const selected = rows.find((a) => a.id === selectedId) ?? rows[0] ?? null;
  const launchOf = (id: string) => inbox.summaries.find((s) => s.id === id);

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
      const index = selected ? rows.indexOf(selected) : -1;
      if (e.key === 'j' || e.key === 'ArrowDown') {
        const next = rows[Math.min(rows.length - 1, index + 1)];
        if (next) setSelectedId(next.id);
        e.preventDefault();
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        const prev = rows[Math.max(0, index - 1)];
        if (prev) setSelectedId(prev.id);
        e.preventDefault();
      } else if (e.key === 'Enter' && canAck && selected?.status === 'open') {
        setAcking(true);
        e.preventDefault();
      } else if (e.key === 'Escape') setAcking(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows, selected, acking, canAck]);

  return (
    <div className="page console" data-testid="console">
      <Nav />
      <header className="console-head">
        <h1>
          {t('inbox')} <span className="level-warning">({t('unackedCount', { n: openCount })})</span>
        </h1>
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
          {rows.length === 0 ? (
            <p className="muted empty">{t('noAlerts')}</p>
          ) : (
            <ul className="inbox" data-testid="inbox">
              {rows.map((a) => {
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
                    wallNow={wallNow}
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
          <RunSheetPanel launches={inbox.summaries} identity={identity} />
        </div>
        {selected && (
          <AckForm
            key={selected.id + String(acking)}
            alert={selected}
            zone={launchOf(selected.launchId)?.timezone ?? DEFAULT_TIMEZONE}
            canAck={canAck}
            onDone={() => setAcking(false)}
          />
        )}
      </div>
    </div>
  );
}
