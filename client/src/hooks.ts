/** Small hooks shared by the pages. */
import { useCallback, useEffect, useState } from 'react';
import { translate, type MessageKey } from './i18n';
import { useStore } from './store';
import { selectLang } from './store/selectors';
import type { LaunchView } from './store/launchFold';
import { watchGroup, watchInbox, watchLaunch, watchReplay } from './socket';
import { replayKey } from './store';

export function useLang() {
  return useStore(selectLang);
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function useT(): Translate {
  const lang = useLang();
  return useCallback((key, params) => translate(lang, key, params), [lang]);
}

/** Wall-clock time, re-rendering every `intervalMs`. */
export function useNow(intervalMs = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

/** Subscribes to a launch for as long as the component is mounted and returns its state. */
export function useLaunch(launchId: string): { state: LaunchView | undefined; error: string | undefined } {
  useEffect(() => watchLaunch(launchId), [launchId]);
  const state = useStore(useCallback((s) => s.launches.get(launchId), [launchId]));
  const error = useStore(useCallback((s) => s.launchErrors.get(launchId), [launchId]));
  return { state, error };
}

export function useInbox() {
  useEffect(() => watchInbox(), []);
}

/** Subscribes to a replay (its own room) for as long as the component is mounted. */
export function useReplay(replayId: string): { state: LaunchView | undefined; error: string | undefined } {
  useEffect(() => watchReplay(replayId), [replayId]);
  const key = replayKey(replayId);
  const state = useStore(useCallback((s) => s.launches.get(key), [key]));
  const error = useStore(useCallback((s) => s.launchErrors.get(key), [key]));
  return { state, error };
}

/** Subscribes to a group (its room) while mounted: the group, and its launches' states in the store. */
export function useGroup(groupId: string) {
  useEffect(() => watchGroup(groupId), [groupId]);
  const group = useStore(useCallback((s) => s.groups.get(groupId), [groupId]));
  const error = useStore(useCallback((s) => s.groupErrors.get(groupId), [groupId]));
  return { group, error };
}
