/**
 * Which pages need whom. Everything but /login needs a logged-in person, except a big screen
 * opened with a kiosk token; /admin needs an admin. A person without a session is sent to the login
 * page, which brings them back here.
 */
import { useEffect, type ReactNode } from 'react';
import type { Route } from '../router';
import { useT } from '../hooks';
import { Nav } from '../home/HomePage';
import { kioskToken } from './kiosk';
import { hasRole, loadSession, loginUrl, useSession } from './session';

function redirect(path: string) {
  window.history.replaceState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function Gate({ route, children }: { route: Route; children: ReactNode }) {
  const t = useT();
  const status = useSession((s) => s.status);
  const user = useSession((s) => s.user);
  const kiosk = (route.name === 'screen' || route.name === 'wall') && kioskToken() !== null;
  const open = route.name === 'login' || kiosk;

  useEffect(() => {
    void loadSession();
  }, []);
  useEffect(() => {
    if (status === 'anonymous' && !open) redirect(loginUrl());
  }, [status, open]);

  if (open) return children;
  if (status !== 'user') return <div className="page-loading">{t('loading')}</div>;
  if (route.name === 'admin' && !hasRole(user, 'admin'))
    return (
      <div className="page">
        <Nav />
        <main className="page-body">
          <p className="level-warning" data-testid="needs-admin">
            {t('needsAdmin')}
          </p>
        </main>
      </div>
    );
  return children;
}
