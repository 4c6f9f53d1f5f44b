/**
 * The client store, in four slices: launches (per-launch state folded from the log), inbox (alerts
 * across launches for the console), connection, and ui. Fed by socket.ts and api.ts; components
 * read it through the selectors in selectors.ts.
 */
import { create } from 'zustand';
import {
  type Alert,
  type AlertStatus,
  type Group,
  type LaunchEvent,
  type LaunchSnapshot,
  type LaunchSummary,
  type OwnerRole,
  type ReplayInfo,
} from '@warroom/shared';
import type { Lang } from '../i18n';
import { applyEvents, fromSnapshot, pauseClock, retime, type LaunchView } from './launchFold';
import { loadJson, saveJson } from './persist';

export const MAX_INBOX = 1000;

/** Where a replay's state lives in `launches`: apart from the live launch it replays. */
export const replayKey = (replayId: string) => `replay:${replayId}`;
/** A replay's clock is the trainer's: a seek moves it back on purpose; a live launch's never goes back. */
const isReplayKey = (key: string) => key.startsWith('replay:');

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';
export type StatusFilter = AlertStatus | 'all';

/**
 * Keyed by launch and replay ids, which come from the address bar: Maps, so that /screen/constructor
 * finds no launch rather than one of Object's own properties.
 */
export interface StoreState {
  launches: ReadonlyMap<string, LaunchView>;
  launchErrors: ReadonlyMap<string, string>;
  /** Replays being watched, by replay id (their state is in `launches` under `replayKey(id)`). */
  replays: ReadonlyMap<string, ReplayInfo>;
  /** Launch groups being watched (group walls), by id; their launches' states are in `launches`. */
  groups: ReadonlyMap<string, Group>;
  groupErrors: ReadonlyMap<string, string>;
  inbox: { alerts: ReadonlyMap<string, Alert>; loaded: boolean; summaries: readonly LaunchSummary[] };
  connection: { status: ConnectionStatus; lastEventAt: number | null; downSince: number | null };
  ui: {
    lang: Lang;
    muted: boolean;
    roleFilter: OwnerRole | 'all';
    statusFilter: StatusFilter;
  };
}

export interface StoreActions {
  /** Loads a snapshot under `key` (the launch id; `replayKey(id)` for a replay). */
  loadSnapshot(snapshot: LaunchSnapshot, key?: string): void;
  setReplayInfo(info: ReplayInfo): void;
  setLaunchError(launchId: string, message: string): void;
  setGroup(group: Group): void;
  setGroupError(groupId: string, message: string): void;
  applyEvents(launchId: string, events: readonly LaunchEvent[]): void;
  setClock(launchId: string, now: string, speed: number): void;
  setInbox(alerts: readonly Alert[]): void;
  upsertInboxAlert(alert: Alert): void;
  setSummaries(summaries: readonly LaunchSummary[]): void;
  setConnection(status: ConnectionStatus): void;
  markEvent(): void;
  setLang(lang: Lang): void;
  setMuted(muted: boolean): void;
  setRoleFilter(role: OwnerRole | 'all'): void;
  setStatusFilter(status: StatusFilter): void;
  reset(): void;
}

export type Store = StoreState & StoreActions;

const isLang = (v: unknown): v is Lang => v === 'zh' || v === 'en';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

export function getInitialState(): StoreState {
  return {
    launches: new Map(),
    launchErrors: new Map(),
    replays: new Map(),
    groups: new Map(),
    groupErrors: new Map(),
    inbox: { alerts: new Map(), loaded: false, summaries: [] },
    connection: { status: 'connecting', lastEventAt: null, downSince: null },
    ui: {
      lang: loadJson('warroom.lang', 'zh', isLang),
      muted: loadJson('warroom.muted', false, isBool),
      roleFilter: 'all',
      statusFilter: 'open',
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

const withEntry = <V>(map: ReadonlyMap<string, V>, key: string, value: V) => new Map(map).set(key, value);

export const useStore = create<Store>()((set, get) => {
  const updateLaunch = (launchId: string, fn: (s: LaunchView) => LaunchView) => {
    const current = get().launches.get(launchId);
    if (!current) return;
    const next = fn(current);
    if (next !== current) set({ launches: withEntry(get().launches, launchId, next) });
  };
  const setUi = (patch: Partial<StoreState['ui']>) => set({ ui: { ...get().ui, ...patch } });

  return {
    ...getInitialState(),
    loadSnapshot(snapshot, key = snapshot.launch.id) {
      const errors = new Map(get().launchErrors);
      errors.delete(key);
      const wallNow = Date.now();
      const view = fromSnapshot(snapshot, wallNow);
      const known = get().launches.get(key);
      // A snapshot after a reconnect tells the time again: the clock resumes without going back.
      if (known && !isReplayKey(key))
        view.clock = retime(known.clock, view.clock.nowMs, view.clock.speed, wallNow);
      set({ launches: withEntry(get().launches, key, view), launchErrors: errors });
    },
    setReplayInfo(info) {
      set({ replays: withEntry(get().replays, info.replayId, info) });
    },
    setLaunchError(launchId, message) {
      set({ launchErrors: withEntry(get().launchErrors, launchId, message) });
    },
    setGroup(group) {
      const errors = new Map(get().groupErrors);
      errors.delete(group.id);
      set({ groups: withEntry(get().groups, group.id, group), groupErrors: errors });
    },
    setGroupError(groupId, message) {
      set({ groupErrors: withEntry(get().groupErrors, groupId, message) });
    },
    applyEvents(launchId, events) {
      updateLaunch(launchId, (s) => applyEvents(s, events, Date.now()));
    },
    setClock(launchId, now, speed) {
      const ms = Date.parse(now);
      if (Number.isNaN(ms)) return;
      updateLaunch(launchId, (s) => ({
        ...s,
        clock: retime(s.clock, ms, speed, Date.now(), !isReplayKey(launchId)),
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
      // While the connection is down nobody tells the screens the time: their clocks hold.
      const launches =
        downSince === null
          ? get().launches
          : new Map(
              [...get().launches].map(([k, v]) => [k, { ...v, clock: pauseClock(v.clock, downSince) }]),
            );
      set({ connection: { ...c, status, downSince }, launches });
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
    reset() {
      set(getInitialState());
    },
  };
});
