/** The audit trail, newest first: who did what to what, and when; filtered by action. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AuditEntry, LaunchSummary, TokenInfo } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT } from '../hooks';
import { IconRefresh } from '../icons';
import { accountsApi } from './accountsApi';
import { AUDIT_ACTIONS, actionWord, detailsText, targetText, type AuditNames } from './auditText';
import { formatDateTime } from './when';

export function AuditPanel() {
  const t = useT();
  const lang = useLang();
  const [action, setAction] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [launches, setLaunches] = useState<readonly LaunchSummary[]>([]);
  const [tokens, setTokens] = useState<readonly TokenInfo[]>([]);
  const load = useCallback(
    () =>
      accountsApi.audit(500, action || undefined).then(
        (e) => {
          setEntries(e);
          setError(null);
        },
        (e: Error) => setError(e.message),
      ),
    [action],
  );
  useEffect(() => void load(), [load]);
  // Names for the ids the entries point at: launches and tokens.
  useEffect(() => {
    api.launches().then(setLaunches, () => undefined);
    accountsApi.tokens().then(setTokens, () => undefined);
  }, [entries]);
  const names = useMemo<AuditNames>(() => {
    const launch = new Map(launches.map((l) => [l.id, l.name]));
    const token = new Map(tokens.map((k) => [k.id, k.name]));
    return { launchName: (id) => launch.get(id), tokenName: (id) => token.get(id) };
  }, [launches, tokens]);

  return (
    <section className="acct-section audit" data-testid="audit-panel">
      <div className="toolbar">
        <h2>{t('auditTitle')}</h2>
        <span className="spacer" />
        <label className="inline-field">
          {t('aAction')}
          <select data-testid="audit-filter" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t('aAll')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionWord(lang, a)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" onClick={() => void load()}>
          <IconRefresh /> {t('refresh')}
        </button>
      </div>
      {error && <p className="level-critical">{t('error', { msg: error })}</p>}
      <table className="acct-table audit-table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('aTime')}</th>
            <th>{t('aActor')}</th>
            <th>{t('aAction')}</th>
            <th>{t('aTarget')}</th>
            <th>{t('aDetails')}</th>
          </tr>
        </thead>
        <tbody>
          {entries?.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {t('none')}
              </td>
            </tr>
          )}
          {(entries ?? []).map((e) => (
            <tr key={e.offset} data-testid="audit-row" data-action={e.action}>
              <td className="num muted">{formatDateTime(lang, e.at)}</td>
              <td>{e.actor}</td>
              <td className={e.action === 'login.failed' ? 'level-warning' : ''}>
                {actionWord(lang, e.action)}
              </td>
              <td className="audit-target" title={e.target ?? undefined}>
                {targetText(lang, e, names)}
              </td>
              <td className="muted details">{detailsText(lang, e, names)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
