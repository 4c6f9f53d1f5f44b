import { useSyncExternalStore } from 'react';

/** The big screen's unit in px: 1/100 of a 16:9 canvas fitted to the viewport (19.2 px at 1080p). */
function unit(): number {
  return Math.min(window.innerWidth / 100, (window.innerHeight * 1.7778) / 100);
}

function subscribe(fn: () => void) {
  window.addEventListener('resize', fn);
  return () => window.removeEventListener('resize', fn);
}

export function useUnit(): number {
  return useSyncExternalStore(subscribe, unit);
}
