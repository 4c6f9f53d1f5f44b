/** A tiny history-API router: four routes do not need a library. */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  window.addEventListener('popstate', fn);
  return () => {
    listeners.delete(fn);
    window.removeEventListener('popstate', fn);
  };
}

export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', path);
  for (const fn of listeners) fn();
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export type Route =
  | { name: 'home' }
  | { name: 'login' }
  | { name: 'screen'; launchId: string }
  | { name: 'wall'; groupId: string }
  | { name: 'groupReview'; groupId: string }
  | { name: 'console' }
  | { name: 'admin' }
  | { name: 'replay'; replayId: string }
  | { name: 'review'; launchId: string }
  | { name: 'ack'; incidentId: string }
  | { name: 'notFound' };

export function matchRoute(path: string): Route {
  const p = path.replace(/\/+$/, '') || '/';
  if (p === '/') return { name: 'home' };
  if (p === '/login') return { name: 'login' };
  if (p === '/console') return { name: 'console' };
  if (p === '/admin') return { name: 'admin' };
  const screen = /^\/screen\/([^/]+)$/.exec(p);
  if (screen?.[1]) return { name: 'screen', launchId: decodeURIComponent(screen[1]) };
  const wall = /^\/wall\/([^/]+)$/.exec(p);
  if (wall?.[1]) return { name: 'wall', groupId: decodeURIComponent(wall[1]) };
  const groupReview = /^\/groups\/([^/]+)\/review$/.exec(p);
  if (groupReview?.[1]) return { name: 'groupReview', groupId: decodeURIComponent(groupReview[1]) };
  const replay = /^\/replay\/([^/]+)$/.exec(p);
  if (replay?.[1]) return { name: 'replay', replayId: decodeURIComponent(replay[1]) };
  const ack = /^\/ack\/([^/]+)$/.exec(p);
  if (ack?.[1]) return { name: 'ack', incidentId: decodeURIComponent(ack[1]) };
  const review = /^\/review\/([^/]+)$/.exec(p);
  if (review?.[1]) return { name: 'review', launchId: decodeURIComponent(review[1]) };
  return { name: 'notFound' };
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
