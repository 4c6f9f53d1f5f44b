/**
 * The kiosk screen token. A wall TV opens `/screen/:launchId?token=…` once; the token is moved out of
 * the visible URL (no one photographs it off the screen, no one copies it with the link) into this
 * tab's sessionStorage, so a reload still works. It is sent only from the big-screen route: as the
 * socket's `auth.token` and as `Authorization: Bearer` on the screen's GETs.
 */
const KEY = 'warroom.screenToken';

/** The big screens: a launch's wall, and a group wall (with its playlist). */
const onScreenRoute = () =>
  window.location.pathname.startsWith('/screen/') || window.location.pathname.startsWith('/wall/');

/** Takes `?token=` off a big-screen URL and keeps it for this tab. Call before the first render. */
export function captureKioskToken(): void {
  if (!onScreenRoute()) return;
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  try {
    if (token) sessionStorage.setItem(KEY, token);
  } catch {
    // No sessionStorage (private mode): the token still works until the tab reloads.
    memory = token;
  }
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

let memory: string | null = null;

/** The kiosk token, when this tab is a big screen opened with one. */
export function kioskToken(): string | null {
  if (!onScreenRoute()) return null;
  try {
    return sessionStorage.getItem(KEY) ?? memory;
  } catch {
    return memory;
  }
}

/** The Authorization header a kiosk's HTTP requests carry (none for a logged-in person). */
export function kioskHeaders(): Record<string, string> {
  const token = kioskToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}
