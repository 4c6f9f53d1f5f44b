/**
 * The one module that talks Socket.IO. It binds server pushes to store actions and keeps what this
 * page watches subscribed across reconnects: on every (re)connect a launch or replay is
 * re-subscribed with `after` = the last applied offset, so a screen catches up without a reload or
 * a blank chart (a long catch-up comes in pages: each answer that says `more` is followed by the
 * next subscription from its last offset). Screens take their facts as `events` batches (the log's facts, folded by the
 * shared fold); the inbox takes the alert pushes of every launch.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  AckEnvelope,
  Alert,
  AlertAckPush,
  AlertPush,
  ClientToServerEvents,
  EventsPush,
  GroupSubscribeData,
  ServerToClientEvents,
  SubscribeData,
} from '@warroom/shared';
import { replayKey, useStore } from './store';
import { kioskToken } from './auth/kiosk';
import { accessForbidden, sessionRefused } from './auth/session';

type WarroomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 8000;
let socket: WarroomSocket | null = null;
const watchedLaunches = new Map<string, number>();
/** Replays watched, by replay id: kept apart from launches (their own room, offsets and store key). */
const watchedReplays = new Map<string, number>();
let inboxWatchers = 0;
/** Group walls watched, by group id, and the launches each group holds (they take its room's pushes). */
const watchedGroups = new Map<string, number>();
const groupLaunches = new Map<string, readonly string[]>();
const groupSyncing = new Set<string>();
const groupSyncAgain = new Set<string>();
const syncing = new Set<string>();
const syncAgain = new Set<string>();
const behindTimers = new Map<string, ReturnType<typeof setTimeout>>();

function store() {
  return useStore.getState();
}

/** A launch's store key, or a replay's (`replay:<id>`): never both. */
const keyOf = (p: { launchId: string; replayId?: string | undefined }) =>
  p.replayId ? replayKey(p.replayId) : p.launchId;
const replayIdOf = (key: string) => (key.startsWith('replay:') ? key.slice('replay:'.length) : null);
/** The watched group a launch is followed through, when it is not watched on its own. */
const groupOfLaunch = (launchId: string) => {
  for (const [groupId, ids] of groupLaunches) if (ids.includes(launchId)) return groupId;
  return null;
};
const watched = (key: string) => {
  const replayId = replayIdOf(key);
  return replayId ? watchedReplays.has(replayId) : watchedLaunches.has(key) || groupOfLaunch(key) !== null;
};

/** Catches a launch up the way it is watched: on its own, or through its group's room. */
function resync(key: string): void {
  const groupId = !replayIdOf(key) && !watchedLaunches.has(key) ? groupOfLaunch(key) : null;
  if (groupId) syncGroup(groupId);
  else sync(key);
}

/** Subscribes (or catches up) a group wall: the group and every launch in it, from the offsets known. */
function syncGroup(groupId: string): void {
  const s = socket;
  if (!s?.connected || !watchedGroups.has(groupId)) return;
  if (groupSyncing.has(groupId)) {
    groupSyncAgain.add(groupId);
    return;
  }
  groupSyncing.add(groupId);
  const after = (groupLaunches.get(groupId) ?? []).flatMap((launchId) => {
    const known = store().launches.get(launchId);
    return known ? [{ launchId, offset: known.offset }] : [];
  });
  s.timeout(ACK_TIMEOUT_MS).emit(
    'group:subscribe',
    { groupId, after },
    (err: Error | null, r: AckEnvelope<GroupSubscribeData>) => {
      groupSyncing.delete(groupId);
      if (err) {
        if (s.connected) setTimeout(() => syncGroup(groupId), 1000);
        return;
      }
      // Refused for now (its answer still on its way, or the screens of its token asked for more
      // snapshots than the server builds at once — a fleet of walls after a restart): ask again.
      if (!r.ok && (r.error.code === 'subscription_in_flight' || r.error.code === 'rate_limited')) {
        groupSyncAgain.delete(groupId);
        if (s.connected) setTimeout(() => syncGroup(groupId), 1000);
        return;
      }
      if (!r.ok) store().setGroupError(groupId, r.error.message);
      else {
        groupLaunches.set(groupId, r.data.group.launchIds);
        store().setGroup(r.data.group);
        for (const { launchId, data } of r.data.launches) {
          if (data.kind === 'snapshot') store().loadSnapshot(data.snapshot, launchId);
          else store().applyEvents(launchId, data.events);
        }
      }
      store().markEvent();
      if (groupSyncAgain.delete(groupId)) syncGroup(groupId);
    },
  );
}

/** Subscribes (or catches up) one launch or replay; coalesces overlapping requests. */
function sync(key: string): void {
  const s = socket;
  if (!s?.connected || !watched(key)) return;
  if (syncing.has(key)) {
    syncAgain.add(key);
    return;
  }
  syncing.add(key);
  const known = store().launches.get(key);
  const replayId = replayIdOf(key);
  // batch: each commit arrives as one `events` push, however many facts it holds.
  const target = replayId ? { replayId } : { launchId: key };
  const input = known ? { ...target, after: known.offset, batch: true } : { ...target, batch: true };
  s.timeout(ACK_TIMEOUT_MS).emit('subscribe', input, (err: Error | null, r: AckEnvelope<SubscribeData>) => {
    syncing.delete(key);
    if (err) {
      // No answer in time: try again unless the connection dropped (connect re-syncs then).
      if (s.connected) setTimeout(() => sync(key), 1000);
      return;
    }
    // Refused for now (another subscription still answering, snapshots asked too often): ask again.
    if (!r.ok && (r.error.code === 'subscription_in_flight' || r.error.code === 'rate_limited')) {
      if (s.connected) setTimeout(() => sync(key), 1000);
      return;
    }
    if (!r.ok) store().setLaunchError(key, r.error.message);
    else if (r.data.kind === 'snapshot') store().loadSnapshot(r.data.snapshot, key);
    else store().applyEvents(key, r.data.events);
    store().markEvent();
    // A catch-up comes a page at a time: ask for the next one from where this one stopped.
    const more = r.ok && r.data.kind === 'events' && r.data.more === true;
    if (syncAgain.delete(key) || more) sync(key);
  });
}

function syncInbox(): void {
  const s = socket;
  if (!s?.connected || inboxWatchers === 0) return;
  s.timeout(ACK_TIMEOUT_MS).emit('inbox:subscribe', {}, (err: Error | null, r: AckEnvelope<Alert[]>) => {
    if (err) {
      if (s.connected) setTimeout(syncInbox, 1000);
      return;
    }
    if (r.ok) store().setInbox(r.data);
  });
}

/** A clock tick names the latest offset; if we are still behind it shortly after, catch up. */
function checkBehind(key: string, offset: number): void {
  const state = store().launches.get(key);
  if (!state || state.offset >= offset || behindTimers.has(key)) return;
  behindTimers.set(
    key,
    setTimeout(() => {
      behindTimers.delete(key);
      const now = store().launches.get(key);
      if (now && now.offset < offset) resync(key);
    }, 1500),
  );
}

/** A commit's facts: fold them in order, or catch up from the log if one was missed. */
function onEvents(p: EventsPush): void {
  const key = keyOf(p);
  store().markEvent();
  // A replayed alert is training: it never enters the supervisors' inbox.
  if (!p.replayId) for (const e of p.events) if ('alert' in e) store().upsertInboxAlert(e.alert);
  if (!watched(key)) return;
  const first = p.events[0];
  const known = store().launches.get(key);
  if (!first || !known || first.offset > known.offset + 1) resync(key);
  else store().applyEvents(key, p.events);
}

/** An alert of any launch, for the inbox (named pushes: the inbox room's protocol). */
function onInboxAlert(p: AlertPush | AlertAckPush): void {
  store().markEvent();
  if (!p.replayId) store().upsertInboxAlert(p.alert);
}

function connect(): WarroomSocket {
  if (socket) return socket;
  // The browser sends the session cookie itself; a kiosk screen sends its token. A function, so
  // every reconnection reads the token (and the UI language, for the server's messages) afresh.
  const s: WarroomSocket = io({
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    auth: (cb) => {
      const token = kioskToken();
      const lang = store().ui.lang;
      cb(token ? { token, lang } : { lang });
    },
  });
  socket = s;
  s.on('connect', () => {
    store().setConnection('connected');
    for (const id of watchedLaunches.keys()) sync(id);
    for (const id of watchedReplays.keys()) sync(replayKey(id));
    for (const id of watchedGroups.keys()) syncGroup(id);
    syncInbox();
  });
  s.on('disconnect', (reason) => {
    store().setConnection('reconnecting');
    // The server cut us off (token revoked, logged out elsewhere): socket.io does not come back by
    // itself, so knock once more and let the handshake's answer say why.
    if (reason === 'io server disconnect') setTimeout(() => s.connect(), 1000);
  });
  s.io.on('reconnect_attempt', () => store().setConnection('reconnecting'));
  s.on('connect_error', (err) => {
    store().setConnection('reconnecting');
    // A refused handshake is final (socket.io stops retrying): say so instead of spinning.
    if (err.message === 'unauthorized') sessionRefused();
    else if (err.message === 'forbidden') accessForbidden();
  });
  // The server dropped facts it could not store: subscribe again. A screen that saw them holds an
  // offset beyond the stored log, so the server answers it with a fresh snapshot.
  s.on('resync', (p) => {
    if (watched(p.launchId)) resync(p.launchId);
  });
  // The group changed (launches added or taken out): subscribe again; deleted: say so.
  s.on('group', (p) => {
    store().markEvent();
    if (!watchedGroups.has(p.groupId)) return;
    if (p.group) syncGroup(p.groupId);
    else {
      groupLaunches.delete(p.groupId);
      store().setGroupError(p.groupId, 'deleted');
    }
  });
  s.on('group:clock', (p) => {
    store().markEvent();
    for (const c of p.clocks) {
      store().setClock(c.launchId, c.now, c.speed);
      checkBehind(c.launchId, c.offset);
    }
  });
  s.on('events', onEvents);
  s.on('alert', onInboxAlert);
  s.on('alert:ack', onInboxAlert);
  s.on('alert:escalated', onInboxAlert);
  s.on('replay', (p) => {
    store().markEvent();
    store().setReplayInfo(p.info);
    const key = replayKey(p.replayId);
    // A seek (or a new owner) rebuilt the replay's state: take it whole.
    if (p.snapshot) store().loadSnapshot(p.snapshot, key);
    store().setClock(key, p.info.now, p.info.paused || p.info.speed === 'max' ? 0 : p.info.speed);
  });
  // The launch clock, once a second: it also names the latest offset, to notice a missed batch.
  s.on('clock', (p) => {
    store().markEvent();
    const key = keyOf(p);
    store().setClock(key, p.now, p.speed);
    checkBehind(key, p.offset);
  });
  s.on('feed', () => store().markEvent());
  return s;
}

/** Keeps a launch subscribed while the returned function has not been called. */
export function watchLaunch(launchId: string): () => void {
  watchedLaunches.set(launchId, (watchedLaunches.get(launchId) ?? 0) + 1);
  const s = connect();
  if (s.connected) sync(launchId);
  return () => {
    const n = (watchedLaunches.get(launchId) ?? 1) - 1;
    if (n > 0) {
      watchedLaunches.set(launchId, n);
      return;
    }
    watchedLaunches.delete(launchId);
    if (s.connected) s.emit('unsubscribe', { launchId }, () => undefined);
  };
}

/** Keeps a replay subscribed (its own room) while the returned function has not been called. */
export function watchReplay(replayId: string): () => void {
  watchedReplays.set(replayId, (watchedReplays.get(replayId) ?? 0) + 1);
  const s = connect();
  if (s.connected) sync(replayKey(replayId));
  return () => {
    const n = (watchedReplays.get(replayId) ?? 1) - 1;
    if (n > 0) {
      watchedReplays.set(replayId, n);
      return;
    }
    watchedReplays.delete(replayId);
    if (s.connected) s.emit('unsubscribe', { replayId }, () => undefined);
  };
}

/** Keeps a group wall's group and launches subscribed (the group's room) while not released. */
export function watchGroup(groupId: string): () => void {
  watchedGroups.set(groupId, (watchedGroups.get(groupId) ?? 0) + 1);
  const s = connect();
  if (s.connected) syncGroup(groupId);
  return () => {
    const n = (watchedGroups.get(groupId) ?? 1) - 1;
    if (n > 0) {
      watchedGroups.set(groupId, n);
      return;
    }
    watchedGroups.delete(groupId);
    groupLaunches.delete(groupId);
    if (s.connected) s.emit('group:unsubscribe', { groupId }, () => undefined);
  };
}

/** Keeps the alert inbox of every launch flowing while the returned function has not been called. */
export function watchInbox(): () => void {
  inboxWatchers += 1;
  const s = connect();
  if (s.connected) syncInbox();
  return () => {
    inboxWatchers -= 1;
  };
}
