/** Users and bearer tokens: create people with their access and owner role; make and revoke tokens. */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  OWNER_ROLES,
  ROLES,
  UserInput,
  safeParseIn,
  type LaunchSummary,
  type Role,
  type TokenInfo,
  type TokenScope,
  type User,
} from '@warroom/shared';
import { api, ApiError } from '../api';
import { useLang, useT } from '../hooks';
import { roleLabel } from '../i18n';
import { ROLE_WORD } from '../auth/UserBadge';
import { isOwnerRole } from '../auth/roles';
import { accountsApi, screenUrl, type CreatedToken } from './accountsApi';
import { CopyButton } from './CopyButton';
import { formatDateTime } from './when';
import { IconDot, IconWarning } from '../icons';

const SCOPE_LABELS = {
  screen: 'scopeScreen',
  ingest: 'scopeIngest',
  metrics: 'scopeMetrics',
} as const satisfies Record<TokenScope, string>;

type UserErrors = Partial<Record<'username' | 'password' | 'displayName' | 'role' | 'ownerRole', string>>;

function UsersSection() {
  const t = useT();
  const lang = useLang();
  const [users, setUsers] = useState<User[] | null>(null);
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    password: '',
    role: 'supervisor' as Role,
    ownerRole: '',
  });
  const [errors, setErrors] = useState<UserErrors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const load = useCallback(() => accountsApi.users().then(setUsers, () => undefined), []);
  useEffect(() => void load(), [load]);

  const set = (key: keyof typeof form, value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const create = async () => {
    const input = {
      username: form.username,
      password: form.password,
      role: form.role,
      ...(form.displayName.trim() ? { displayName: form.displayName } : {}),
      ...(form.ownerRole ? { ownerRole: form.ownerRole } : {}),
    };
    const parsed = safeParseIn(lang, UserInput, input);
    if (!parsed.success) {
      const next: UserErrors = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? 'username') as keyof UserErrors;
        next[key] ??= issue.message;
      }
      setErrors(next);
      return;
    }
    try {
      const user = await accountsApi.createUser(parsed.data);
      setMessage({ ok: true, text: t('uCreated', { name: `${user.displayName} (${user.username})` }) });
      setForm((f) => ({ ...f, username: '', displayName: '', password: '' }));
      void load();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setErrors({ username: t('usernameTaken') });
      else setMessage({ ok: false, text: t('error', { msg: (e as Error).message }) });
    }
  };

  const field = (key: 'username' | 'displayName' | 'password', label: string, type = 'text') => (
    <label className={`field${errors[key] ? ' invalid' : ''}`}>
      <span>{label}</span>
      <input
        type={type}
        data-testid={`user-${key}`}
        value={form[key]}
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        onChange={(e) => set(key, e.target.value)}
      />
      {errors[key] && (
        <small className="field-error" data-testid="field-error">
          {errors[key]}
        </small>
      )}
    </label>
  );

  return (
    <section className="acct-section" data-testid="users-section">
      <h2>{t('usersTitle')}</h2>
      <form
        className="acct-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        {field('username', t('username'))}
        {field('displayName', t('uDisplayName'))}
        {field('password', t('uPassword'), 'password')}
        <label className="field">
          <span>{t('uRole')}</span>
          <select data-testid="user-role" value={form.role} onChange={(e) => set('role', e.target.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_WORD[r])}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('uOwnerRole')}</span>
          <select
            data-testid="user-ownerRole"
            value={form.ownerRole}
            onChange={(e) => set('ownerRole', e.target.value)}
          >
            <option value="">—</option>
            {OWNER_ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(lang, r)}
              </option>
            ))}
          </select>
        </label>
        <div className="acct-submit">
          <button type="submit" className="btn btn-primary" data-testid="user-create">
            {t('uCreate')}
          </button>
        </div>
      </form>
      {message && (
        <p className={message.ok ? 'level-ok' : 'level-critical'} data-testid="user-message">
          {message.text}
        </p>
      )}
      <table className="acct-table" data-testid="users-table">
        <thead>
          <tr>
            <th>{t('username')}</th>
            <th>{t('uDisplayName')}</th>
            <th>{t('uRole')}</th>
            <th>{t('uOwnerRole')}</th>
            <th>{t('createdAt')}</th>
          </tr>
        </thead>
        <tbody>
          {(users ?? []).map((u) => (
            <tr key={u.username} data-testid="user-row">
              <td className="mono">{u.username}</td>
              <td>{u.displayName}</td>
              <td>
                <span className={`role-chip role-${u.role}`}>{t(ROLE_WORD[u.role])}</span>
              </td>
              <td>{isOwnerRole(u.ownerRole) ? roleLabel(lang, u.ownerRole) : '—'}</td>
              <td className="num muted">{formatDateTime(lang, u.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The secret of a token just made, once, with the kiosk link for a chosen launch. */
function NewToken({ token, launches }: { token: CreatedToken; launches: readonly LaunchSummary[] }) {
  const t = useT();
  const [launchId, setLaunchId] = useState(launches[0]?.id ?? '');
  const url = launchId ? screenUrl(window.location.origin, launchId, token.token) : '';
  return (
    <div className="token-once" data-testid="token-once">
      <p className="token-warning">
        <IconWarning /> {t('tSecretOnce')}
      </p>
      <div className="token-line">
        <code data-testid="token-secret">{token.token}</code>
        <CopyButton text={token.token} testId="copy-token" />
      </div>
      {token.scope === 'screen' && (
        <>
          <label className="token-launch">
            {t('tScreenUrl')} · {t('tForLaunch')}
            <select data-testid="token-launch" value={launchId} onChange={(e) => setLaunchId(e.target.value)}>
              {launches.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          {url && (
            <div className="token-line">
              <code data-testid="token-screen-url">{url}</code>
              <CopyButton text={url} testId="copy-screen-url" />
            </div>
          )}
        </>
      )}
    </div>
  );
}

function TokensSection() {
  const t = useT();
  const lang = useLang();
  const [tokens, setTokens] = useState<TokenInfo[] | null>(null);
  const [launches, setLaunches] = useState<LaunchSummary[]>([]);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('screen');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Only the newest list request may set the table: an older answer that arrives late would drop a
  // token made meanwhile.
  const loads = useRef(0);
  const load = useCallback(() => {
    const mine = ++loads.current;
    return accountsApi.tokens().then(
      (list) => {
        if (mine === loads.current) setTokens(list);
      },
      () => undefined,
    );
  }, []);
  useEffect(() => {
    void load();
    api.launches().then(
      (l) => setLaunches([...l].sort((a, b) => b.startAt.localeCompare(a.startAt))),
      () => undefined,
    );
  }, [load]);

  const create = async () => {
    setError(null);
    if (!name.trim()) {
      setError(lang === 'zh' ? '请填写名称 (例如: 3 楼大屏)' : 'Give it a name (e.g. 3rd floor TV)');
      return;
    }
    try {
      const made = await accountsApi.createToken(name.trim(), scope);
      const { token: _secret, ...info } = made;
      setCreated(made);
      // The new token is in the table at once, in the same render as its secret; the list is then
      // read again for what others changed.
      setTokens((list) => [info, ...(list ?? []).filter((x) => x.id !== info.id)]);
      setName('');
      void load();
    } catch (e) {
      setError(t('error', { msg: (e as Error).message }));
    }
  };
  const revoke = async (id: string) => {
    try {
      await accountsApi.revokeToken(id);
      if (created?.id === id) setCreated(null);
      void load();
    } catch (e) {
      setError(t('error', { msg: (e as Error).message }));
    }
  };

  return (
    <section className="acct-section" data-testid="tokens-section">
      <h2>{t('tokensTitle')}</h2>
      <form
        className="acct-form token-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label className="field">
          <span>{t('tName')}</span>
          <input
            data-testid="token-name"
            value={name}
            maxLength={60}
            placeholder={lang === 'zh' ? '例如: 3 楼大屏' : 'e.g. 3rd floor TV'}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('tScope')}</span>
          <select
            data-testid="token-scope"
            value={scope}
            onChange={(e) => setScope(e.target.value as TokenScope)}
          >
            <option value="screen">{t('scopeScreen')}</option>
            <option value="ingest">{t('scopeIngest')}</option>
            <option value="metrics">{t('scopeMetrics')}</option>
          </select>
        </label>
        <div className="acct-submit">
          <button type="submit" className="btn btn-primary" data-testid="token-create">
            {t('tCreate')}
          </button>
        </div>
      </form>
      {error && <p className="level-critical">{error}</p>}
      {created && <NewToken key={created.id} token={created} launches={launches} />}
      <table className="acct-table" data-testid="tokens-table">
        <thead>
          <tr>
            <th>{t('tName')}</th>
            <th>{t('tScope')}</th>
            <th>{t('tCreatedBy')}</th>
            <th>{t('createdAt')}</th>
            <th>{t('tStatus')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(tokens ?? [])
            .slice()
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
            .map((tk) => (
              <tr
                key={tk.id}
                data-testid="token-row"
                data-token-id={tk.id}
                className={tk.revokedAt ? 'revoked' : ''}
              >
                <td>{tk.name}</td>
                <td>{t(SCOPE_LABELS[tk.scope])}</td>
                <td>{tk.createdBy}</td>
                <td className="num muted">{formatDateTime(lang, tk.createdAt)}</td>
                <td>
                  {tk.revokedAt ? (
                    <span className="level-critical">
                      {t('tRevoked')} {formatDateTime(lang, tk.revokedAt)}
                    </span>
                  ) : (
                    <span className="level-ok">
                      <IconDot filled /> {t('tActive')}
                    </span>
                  )}
                </td>
                <td>
                  {!tk.revokedAt && (
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      data-testid="token-revoke"
                      onClick={() => void revoke(tk.id)}
                    >
                      {t('tRevoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}

export function AccountsPanel() {
  return (
    <div className="accounts" data-testid="accounts-panel">
      <UsersSection />
      <TokensSection />
    </div>
  );
}
