/**
 * 场次组 (launch groups): name a batch, pick its launches (a launch is in one group at most: the
 * server's 409 names the group that holds it), an optional GMV target; open its wall, review and
 * run sheet; make a kiosk playlist link (a screen token and the rotation interval).
 */
import { useCallback, useEffect, useState } from 'react';
import { GroupInput, type Group, type GroupListItem, type LaunchSummary } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT } from '../hooks';
import { formatMoney } from '../format';
import { Link } from '../router';
import { accountsApi } from './accountsApi';
import { CopyButton } from './CopyButton';

interface Draft {
  id: string | null;
  name: string;
  launchIds: string[];
  target: string;
}
const EMPTY: Draft = { id: null, name: '', launchIds: [], target: '' };

/** The playlist URL for a group: the token leaves the address bar once the TV has opened it. */
export function playlistUrl(origin: string, groupId: string, token: string, seconds: number): string {
  return `${origin}/wall/${encodeURIComponent(groupId)}?rotate=${seconds}&token=${encodeURIComponent(token)}`;
}

export function GroupsPanel() {
  const t = useT();
  const lang = useLang();
  const [groups, setGroups] = useState<GroupListItem[]>([]);
  const [launches, setLaunches] = useState<LaunchSummary[]>([]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [kiosk, setKiosk] = useState<{ groupId: string; url: string } | null>(null);
  const [seconds, setSeconds] = useState('30');
  const load = useCallback(() => {
    api.groups().then(setGroups, () => undefined);
    api.launches().then(setLaunches, () => undefined);
  }, []);
  useEffect(load, [load]);

  const owner = new Map<string, Group>();
  for (const { group } of groups) for (const id of group.launchIds) owner.set(id, group);

  const save = async () => {
    const input = {
      name: draft.name,
      launchIds: draft.launchIds,
      ...(draft.target.trim() ? { target: { gmv: Number(draft.target) } } : { target: null }),
    };
    const parsed = GroupInput.safeParse(input);
    if (!parsed.success) {
      setMessage({
        kind: 'error',
        text: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
      return;
    }
    try {
      const saved = draft.id
        ? await api.updateGroup(draft.id, parsed.data)
        : await api.createGroup(parsed.data);
      setMessage({ kind: 'ok', text: t('groups.saved', { name: saved.group.name }) });
      setDraft(EMPTY);
      load();
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  };

  const remove = async (g: Group) => {
    try {
      await api.deleteGroup(g.id);
      setMessage({ kind: 'ok', text: t('groups.deleted', { name: g.name }) });
      load();
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  };

  const makeKiosk = async (g: Group) => {
    try {
      const token = await accountsApi.createToken(
        t('groups.kioskName', { name: g.name }).slice(0, 60),
        'screen',
      );
      const s = Math.max(5, Math.min(3600, Number(seconds) || 30));
      setKiosk({ groupId: g.id, url: playlistUrl(window.location.origin, g.id, token.token, s) });
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  };

  const toggle = (id: string) =>
    setDraft((d) => ({
      ...d,
      launchIds: d.launchIds.includes(id) ? d.launchIds.filter((x) => x !== id) : [...d.launchIds, id],
    }));

  return (
    <section className="acct-section" data-testid="groups-section">
      <h2>{t('groups.title')}</h2>
      <p className="muted">{t('groups.hint')}</p>
      <table className="acct-table" data-testid="groups-table">
        <thead>
          <tr>
            <th>{t('groups.name')}</th>
            <th>{t('groups.launches')}</th>
            <th>{t('wall.totalGmv')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {groups.map(({ group: g, totals }) => (
            <tr key={g.id} data-testid="group-row" data-group-id={g.id}>
              <td>{g.name}</td>
              <td>{g.launchIds.length}</td>
              <td className="num">
                {formatMoney(lang, totals.gmv)} / {formatMoney(lang, totals.targetGmv)}
              </td>
              <td className="group-actions">
                <Link href={`/wall/${encodeURIComponent(g.id)}`} data-testid="group-open-wall">
                  {t('groups.openWall')}
                </Link>
                <Link href={`/groups/${encodeURIComponent(g.id)}/review`}>{t('groups.review')}</Link>
                <button
                  type="button"
                  className="btn"
                  onClick={() =>
                    setDraft({
                      id: g.id,
                      name: g.name,
                      launchIds: g.launchIds,
                      target: g.target ? String(g.target.gmv) : '',
                    })
                  }
                >
                  {t('groups.edit')}
                </button>
                <button
                  type="button"
                  className="btn"
                  data-testid="group-kiosk"
                  onClick={() => void makeKiosk(g)}
                >
                  {t('groups.kiosk')}
                </button>
                <button type="button" className="btn btn-danger" onClick={() => void remove(g)}>
                  {t('groups.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {kiosk && (
        <div className="token-once" data-testid="group-kiosk-url">
          <p className="token-warning">{t('groups.kioskOnce')}</p>
          <div className="token-line">
            <code>{kiosk.url}</code>
            <CopyButton text={kiosk.url} testId="copy-group-kiosk" />
          </div>
        </div>
      )}
      <form
        className="acct-form group-form"
        data-testid="group-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h3>{draft.id ? t('groups.editing', { name: draft.name }) : t('groups.new')}</h3>
        <label>
          <span>{t('groups.name')}</span>
          <input
            data-testid="group-name-input"
            value={draft.name}
            maxLength={120}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
        </label>
        <label>
          <span>{t('groups.target')}</span>
          <input
            data-testid="group-target-input"
            inputMode="decimal"
            value={draft.target}
            onChange={(e) => setDraft({ ...draft, target: e.target.value })}
          />
        </label>
        <label>
          <span>{t('groups.interval')}</span>
          <input value={seconds} inputMode="numeric" onChange={(e) => setSeconds(e.target.value)} />
        </label>
        <fieldset className="group-launches" data-testid="group-launch-list">
          <legend>{t('groups.launches')}</legend>
          {launches.map((l) => {
            const other = owner.get(l.id);
            const elsewhere = other && other.id !== draft.id;
            return (
              <label key={l.id} className={elsewhere ? 'muted' : ''}>
                <input
                  type="checkbox"
                  data-testid="group-launch-option"
                  data-launch-id={l.id}
                  checked={draft.launchIds.includes(l.id)}
                  onChange={() => toggle(l.id)}
                />{' '}
                {l.name} · {l.startAt.slice(0, 16).replace('T', ' ')}
                {elsewhere && ` (${t('groups.inGroup', { name: other.name })})`}
              </label>
            );
          })}
        </fieldset>
        <div>
          <button type="submit" className="btn btn-primary" data-testid="group-save">
            {draft.id ? t('groups.save') : t('groups.create')}
          </button>
          {draft.id && (
            <button type="button" className="btn" onClick={() => setDraft(EMPTY)}>
              {t('groups.cancel')}
            </button>
          )}
        </div>
        {message && (
          <p
            className={message.kind === 'ok' ? 'level-ok' : 'level-critical'}
            data-testid="group-message"
            role="status"
          >
            {message.text}
          </p>
        )}
      </form>
    </section>
  );
}
