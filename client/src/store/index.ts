/**
 * The client store, in four slices: launches (per-launch state folded from the log), inbox (alerts
 * across launches for the console), connection, and ui. Fed by socket.ts and api.ts; components
 * read it through the selectors in selectors.ts.
 */
import { create } from 'zustand';
import {
  OWNER_ROLES,
  type Alert,
  type AlertStatus,
  type FeedState,
  type LaunchEvent,
  type LaunchEventBody,
  type LaunchSnapshot,
  type LaunchSummary,
  type OwnerRole,
  type ReplayInfo,
} from '@warroom/shared';
import type { Lang } from '../i18n';
import {
  applyEvent,
  foldBody,
  fromSnapshot,
  placeOf,
  type FoldOutcome,
  type LaunchState,
} from './launchFold';
import { loadJson, saveJson } from './persist';

export const MAX_INBOX = 1000;

/** Where a replay's state lives in `launches`: apart from the live launch it replays. */
export const replayKey = (replayId: string) => `replay:${replayId}`;

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';
export type StatusFilter = AlertStatus | 'all';
export interface Identity {
  name: string;
  role: OwnerRole;
}

export interface StoreState {
  launches: Record<string, LaunchState>;
  launchErrors: Record<string, string>;
  /** Replays being watched, by replay id (their state is in `launches` under `replayKey(id)`). */
  replays: Record<string, ReplayInfo>;
  inbox: { alerts: ReadonlyMap<string, Alert>; loaded: boolean; summaries: readonly LaunchSummary[] };
  connection: { status: ConnectionStatus; lastEventAt: number | null; downSince: number | null };
  ui: {
    lang: Lang;
    muted: boolean;
    roleFilter: OwnerRole | 'all';
    statusFilter: StatusFilter;
    identity: Identity | null;
  };
}

export interface StoreActions {
  /** Loads a snapshot under `key` (the launch id; `replayKey(id)` for a replay). */
  loadSnapshot(snapshot: LaunchSnapshot, key?: string): void;
  setReplayInfo(info: ReplayInfo): void;
  setLaunchError(launchId: string, message: string): void;
  applyEvents(launchId: string, events: readonly LaunchEvent[]): void;
  applyPush(launchId: string, offset: number, body: LaunchEventBody): FoldOutcome;
  setClock(launchId: string, now: string, speed: number): void;
  setFeed(launchId: string, feed: FeedState, lastReadingAt: string | null): void;
  setInbox(alerts: readonly Alert[]): void;
  upsertInboxAlert(alert: Alert): void;
  setSummaries(summaries: readonly LaunchSummary[]): void;
  setConnection(status: ConnectionStatus): void;
  markEvent(): void;
  setLang(lang: Lang): void;
  setMuted(muted: boolean): void;
  setRoleFilter(role: OwnerRole | 'all'): void;
  setStatusFilter(status: StatusFilter): void;
  setIdentity(identity: Identity | null): void;
  reset(): void;
}

export type Store = StoreState & StoreActions;

const isLang = (v: unknown): v is Lang => v === 'zh' || v === 'en';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isIdentity = (v: unknown): v is Identity =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Identity).name === 'string' &&
  (OWNER_ROLES as readonly string[]).includes((v as Identity).role);

export function getInitialState(): StoreState {
  return {
    launches: {},
    launchErrors: {},
    replays: {},
    inbox: { alerts: new Map(), loaded: false, summaries: [] },
    connection: { status: 'connecting', lastEventAt: null, downSince: null },
    ui: {
      lang: loadJson('warroom.lang', 'zh', isLang),
      muted: loadJson('warroom.muted', false, isBool),
      roleFilter: 'all',
      statusFilter: 'open',
      identity: loadJson('warroom.identity', null, isIdentity),
    },
  };
}

/** Keeps the more advanced version of an alert: its history only grows. */
function newer(current: Alert | undefined, incoming: Alert): Alert {
  if (!current) return incoming;
  return incoming.history.length >= current.history.length ? incoming : current;
}

function boundedInbox(map: Map<string, Alert>): Map<string, Alert> {
  if (map.size <= MAX_INBOX) return map;
  const keep = [...map.values()].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt)).slice(0, MAX_INBOX);
  return new Map(keep.map((a) => [a.id, a]));
}

export const useStore = create<Store>()((set, get) => {
  const updateLaunch = (launchId: string, fn: (s: LaunchState) => LaunchState) => {
    const current = get().launches[launchId];
    if (!current) return;
    const next = fn(current);
    if (next !== current) set({ launches: { ...get().launches, [launchId]: next } });
  };
  const setUi = (patch: Partial<StoreState['ui']>) => set({ ui: { ...get().ui, ...patch } });

  return {
    ...getInitialState(),
    loadSnapshot(snapshot, key = snapshot.launch.id) {
      const { [key]: _, ...errors } = get().launchErrors;
      set({
        launches: { ...get().launches, [key]: fromSnapshot(snapshot, Date.now()) },
        launchErrors: errors,
      });
    },
    setReplayInfo(info) {
      set({ replays: { ...get().replays, [info.replayId]: info } });
    },
    setLaunchError(launchId, message) {
      set({ launchErrors: { ...get().launchErrors, [launchId]: message } });
    },
    applyEvents(launchId, events) {
      const now = Date.now();
      updateLaunch(launchId, (s) => events.reduce((acc, e) => applyEvent(acc, e, now), s));
    },
    applyPush(launchId, offset, body) {
      const current = get().launches[launchId];
      if (!current) return 'gap';
      const outcome = placeOf(current, offset);
      if (outcome === 'applied')
        updateLaunch(launchId, (s) => ({ ...foldBody(s, body, Date.now()), offset }));
      return outcome;
    },
    setClock(launchId, now, speed) {
      const ms = Date.parse(now);
      if (Number.isNaN(ms)) return;
      updateLaunch(launchId, (s) => ({ ...s, clock: { nowMs: ms, at: Date.now(), speed } }));
    },
    setFeed(launchId, feed, lastReadingAt) {
      const ms = lastReadingAt ? Date.parse(lastReadingAt) : NaN;
      updateLaunch(launchId, (s) => ({
        ...s,
        feed,
        lastReadingAt: Number.isNaN(ms) ? s.lastReadingAt : ms,
      }));
    },
    setInbox(alerts) {
      const map = new Map<string, Alert>();
      for (const a of alerts) map.set(a.id, newer(get().inbox.alerts.get(a.id), a));
      set({ inbox: { ...get().inbox, alerts: boundedInbox(map), loaded: true } });
    },
    upsertInboxAlert(alert) {
      const map = new Map(get().inbox.alerts);
      map.set(alert.id, newer(map.get(alert.id), alert));
      set({ inbox: { ...get().inbox, alerts: boundedInbox(map) } });
    },
    setSummaries(summaries) {
      set({ inbox: { ...get().inbox, summaries } });
    },
    setConnection(status) {
      const c = get().connection;
      if (c.status === status) return;
      const downSince = status === 'reconnecting' ? (c.downSince ?? Date.now()) : null;
      set({ connection: { ...c, status, downSince } });
    },
    markEvent() {
      set({ connection: { ...get().connection, lastEventAt: Date.now() } });
    },
    setLang(lang) {
      saveJson('warroom.lang', lang);
      setUi({ lang });
    },
    setMuted(muted) {
      saveJson('warroom.muted', muted);
      setUi({ muted });
    },
    setRoleFilter(roleFilter) {
      setUi({ roleFilter });
    },
    setStatusFilter(statusFilter) {
      setUi({ statusFilter });
    },
    setIdentity(identity) {
      saveJson('warroom.identity', identity);
      setUi({ identity });
    },
    reset() {
      set(getInitialState());
    },
  };
});
