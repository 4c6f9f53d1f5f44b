/** The login page: Chinese first, English a click away; back to where the person was going. */
import { useState } from 'react';
import { useT } from '../hooks';
import { LangSwitch } from '../LangSwitch';
import { login, LoginError, safeNext } from './session';
import './login.css';
import { IconDot } from '../icons';

export default function LoginPage() {
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const next = safeNext(new URLSearchParams(window.location.search).get('next'));

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      // A full load: the socket and the pages start afresh with the new session cookie.
      window.location.replace(next);
    } catch (e) {
      const status = e instanceof LoginError ? e.status : 0;
      setError(
        status === 401 || status === 400
          ? t('loginWrong')
          : status === 429
            ? t('loginTooMany')
            : t('loginUnavailable'),
      );
      setBusy(false);
    }
  };

  return (
    <div className="login-page" data-testid="login-page">
      <LangSwitch className="btn login-lang" />
      <form
        className="login-card"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="login-brand">
          <span className="login-mark">
            <IconDot filled />
          </span>
          <div>
            <h1>{t('appName')}</h1>
            <p className="muted">{t('loginTagline')}</p>
          </div>
        </div>
        <label>
          <span>{t('username')}</span>
          <input
            data-testid="login-username"
            autoComplete="username"
            autoFocus
            value={username}
            maxLength={40}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          <span>{t('password')}</span>
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            maxLength={200}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="login-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button
          type="submit"
          className="btn btn-primary login-submit"
          data-testid="login-submit"
          disabled={busy || !username.trim() || !password}
        >
          {busy ? t('loggingIn') : t('login')}
        </button>
        <p className="login-hint muted">{t('loginKioskHint')}</p>
      </form>
    </div>
  );
}
