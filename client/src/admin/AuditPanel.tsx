/** The audit trail, newest first: who did what to what, and when; filtered by action. */
import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import type { Lang } from '../i18n';
import { accountsApi } from './accountsApi';
import { formatDateTime } from './when';

/** The actions the server records, in words. */
export const AUDIT_ACTIONS: Record<string, { zh: string; en: string }> = {
  login: { zh: '登录', en: 'Logged in' },
  'login.failed': { zh: '登录失败', en: 'Failed login' },
  logout: { zh: '退出登录', en: 'Logged out' },
  'user.create': { zh: '创建用户', en: 'Created user' },
  'token.create': { zh: '生成令牌', en: 'Created token' },
  'token.revoke': { zh: '吊销令牌', en: 'Revoked token' },
  'launch.create': { zh: '创建场次', en: 'Created launch' },
  'simulation.start': { zh: '开始模拟', en: 'Started simulation' },
  'simulation.stop': { zh: '停止模拟', en: 'Stopped simulation' },
  'alert.ack': { zh: '确认告警', en: 'Acknowledged alert' },
  import: { zh: '导入数据', en: 'Imported data' },
};

const actionWord = (lang: Lang, action: string) => AUDIT_ACTIONS[action]?.[lang] ?? action;

function details(d: AuditEntry['details']): string {
  if (!d) return '';
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

export function AuditPanel() {
  const t = useT();
  const lang = useLang();
  const [action, setAction] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
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

  return (
    <section className="acct-section audit" data-testid="audit-panel">
      <div className="toolbar">
        <h2>{t('auditTitle')}</h2>
        <span className="spacer" />
        <label className="inline-field">
          {t('aAction')}
          <select data-testid="audit-filter" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t('aAll')}</option>
            {Object.keys(AUDIT_ACTIONS).map((a) => (
              <option key={a} value={a}>
                {actionWord(lang, a)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" onClick={() => void load()}>
          ⟳ {t('refresh')}
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
              <td className="mono">{e.target ?? '—'}</td>
              <td className="muted details">{details(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
