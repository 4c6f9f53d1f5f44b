/**
 * Who is using this tab: a logged-in person (cookie session), a kiosk screen token, or nobody yet.
 * Its own small store, apart from the launch data: it is about the tab, not the war room.
 *
 * | state        | how                                           | pages                               |
 * |--------------|-----------------------------------------------|-------------------------------------|
 * | unknown      | before GET /api/session answers               | a loading line                      |
 * | anonymous    | 401 from /api/session, or any later 401       | only /login (others redirect there) |
 * | user         | a session cookie                              | all; admin pages for admins only    |
 * | kiosk        | a screen token on /screen/…                   | that big screen                     |
 * | kioskRevoked | the screen token was refused (revoked/unknown) | the screen's last data + a banner   |
 */
import { create } from 'zustand';
import type { Principal, Role } from '@warroom/shared';
import { kioskHeaders, kioskToken } from './kiosk';

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

export type SessionStatus = 'unknown' | 'anonymous' | 'user' | 'kiosk' | 'kioskRevoked';

export interface SessionState {
  status: SessionStatus;
  user: UserPrincipal | null;
  /** Set when the socket or the server refused what this tab asked for. */
  problem: 'forbidden' | null;
}

export const useSession = create<SessionState>()(() => ({ status: 'unknown', user: null, problem: null }));

const RANK: Record<Role, number> = { viewer: 0, supervisor: 1, admin: 2 };

/** admin ⊃ supervisor ⊃ viewer. */
export function hasRole(user: UserPrincipal | null, role: Role): boolean {
  return !!user && RANK[user.role] >= RANK[role];
}

export const selectUser = (s: SessionState) => s.user;

/** Asks the server who we are (the cookie, or on a big screen its token). */
export async function loadSession(): Promise<void> {
  try {
    const res = await fetch('/api/session', { headers: kioskHeaders() });
    if (res.status === 401) {
      useSession.setState({ status: kioskToken() ? 'kioskRevoked' : 'anonymous', user: null });
      return;
    }
    if (!res.ok) throw new Error(String(res.status));
    const p = (await res.json()) as Principal;
    if (p.kind === 'user') useSession.setState({ status: 'user', user: p });
    else useSession.setState({ status: 'kiosk', user: null });
  } catch {
    // The server is down: a kiosk keeps trying (its socket shows the outage); a person retries soon.
    setTimeout(() => void loadSession(), 3000);
  }
}

export class LoginError extends Error {
  constructor(readonly status: number) {
    super(`login failed (${status})`);
  }
}

export async function login(username: string, password: string): Promise<UserPrincipal> {
  const res = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new LoginError(res.status);
  const user = (await res.json()) as UserPrincipal;
  useSession.setState({ status: 'user', user, problem: null });
  return user;
}

/** Logs out and starts over on the login page (a full load: no data of this person stays in memory). */
export async function logout(): Promise<void> {
  await fetch('/api/session', { method: 'DELETE' }).catch(() => undefined);
  window.location.assign('/login');
}

/** Where the login page sends a person back to: a path on this site, never another origin. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/';
  return next;
}

export function loginUrl(): string {
  const here = window.location.pathname + window.location.search;
  return here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

/**
 * A 401 after the page loaded: the session ended (logout elsewhere, expiry) or the kiosk token was
 * revoked. A person goes to the login page and comes back here; a screen keeps its last data and
 * says why it stopped.
 */
export function sessionRefused(): void {
  if (kioskToken()) {
    useSession.setState({ status: 'kioskRevoked', user: null });
    return;
  }
  if (window.location.pathname === '/login') return;
  useSession.setState({ status: 'anonymous', user: null });
  window.location.assign(loginUrl());
}

export function accessForbidden(): void {
  useSession.setState({ problem: 'forbidden' });
}
