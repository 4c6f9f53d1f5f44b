/**
 * The one module that talks Socket.IO. It binds server pushes to store actions and keeps what this
 * page watches subscribed across reconnects: on every (re)connect a launch is re-subscribed with
 * `after` = the last applied offset, so a screen catches up without a reload or a blank chart.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  AckEnvelope,
  Alert,
  ClientToServerEvents,
  LaunchEventBody,
  ServerToClientEvents,
  SubscribeData,
} from '@warroom/shared';
import { replayKey, useStore } from './store';
import { kioskToken } from './auth/kiosk';
import { accessForbidden, sessionRefused } from './auth/session';

type WarroomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** `inbox:subscribe` is in the brief's contract but not yet in shared's ClientToServerEvents. */
type InboxEmitter = {
  timeout(ms: number): {
    emit(
      event: 'inbox:subscribe',
      input: object,
      ack: (err: Error | null, r: AckEnvelope<Alert[]>) => void,
    ): void;
  };
};

const ACK_TIMEOUT_MS = 8000;
let socket: WarroomSocket | null = null;
const watchedLaunches = new Map<string, number>();
/** Replays watched, by replay id: kept apart from launches (their own room, offsets and store key). */
const watchedReplays = new Map<string, number>();
let inboxWatchers = 0;
const syncing = new Set<string>();
const syncAgain = new Set<string>();
const behindTimers = new Map<string, ReturnType<typeof setTimeout>>();

function store() {
  return useStore.getState();
}

/** Subscribes (or catches up) one launch; coalesces overlapping requests. */
function syncLaunch(launchId: string): void {
  const s = socket;
  if (!s?.connected || !watchedLaunches.has(launchId)) return;
  if (syncing.has(launchId)) {
    syncAgain.add(launchId);
    return;
  }
  syncing.add(launchId);
  const known = store().launches[launchId];
  // batch: each commit arrives as one `events` push, however many facts it holds.
  const input = known ? { launchId, after: known.offset, batch: true } : { launchId, batch: true };
  s.timeout(ACK_TIMEOUT_MS).emit('subscribe', input, (err: Error | null, r: AckEnvelope<SubscribeData>) => {
    syncing.delete(launchId);
    if (err) {
      // No answer in time: try again unless the connection dropped (connect re-syncs then).
      if (s.connected) setTimeout(() => syncLaunch(launchId), 1000);
      return;
    }
    if (!r.ok) store().setLaunchError(launchId, r.error.message);
    else if (r.data.kind === 'snapshot') store().loadSnapshot(r.data.snapshot);
    else store().applyEvents(launchId, r.data.events);
    store().markEvent();
    if (syncAgain.delete(launchId)) syncLaunch(launchId);
  });
}

/** Subscribes (or catches up) one replay, as `syncLaunch` does for a launch. */
function syncReplay(replayId: string): void {
  const s = socket;
  const key = replayKey(replayId);
  if (!s?.connected || !watchedReplays.has(replayId)) return;
  if (syncing.has(key)) {
    syncAgain.add(key);
    return;
  }
  syncing.add(key);
  const known = store().launches[key];
  const input = known ? { replayId, after: known.offset } : { replayId };
  s.timeout(ACK_TIMEOUT_MS).emit('subscribe', input, (err: Error | null, r: AckEnvelope<SubscribeData>) => {
    syncing.delete(key);
    if (err) {
      if (s.connected) setTimeout(() => syncReplay(replayId), 1000);
      return;
    }
    if (!r.ok) store().setLaunchError(key, r.error.message);
    else if (r.data.kind === 'snapshot') store().loadSnapshot(r.data.snapshot, key);
    else store().applyEvents(key, r.data.events);
    store().markEvent();
    if (syncAgain.delete(key)) syncReplay(replayId);
  });
}

function resync(key: string): void {
  if (key.startsWith('replay:')) syncReplay(key.slice('replay:'.length));
  else syncLaunch(key);
}

function syncInbox(): void {
  const s = socket;
  if (!s?.connected || inboxWatchers === 0) return;
  (s as unknown as InboxEmitter).timeout(ACK_TIMEOUT_MS).emit('inbox:subscribe', {}, (err, r) => {
    if (err) {
      if (s.connected) setTimeout(syncInbox, 1000);
      return;
    }
    if (r.ok) store().setInbox(r.data);
  });
}

/** Where a push belongs in the store: its launch, or its replay (never both). */
const keyOf = (p: { launchId: string; replayId?: string | undefined }) =>
  p.replayId ? replayKey(p.replayId) : p.launchId;
const watched = (key: string) =>
  key.startsWith('replay:') ? watchedReplays.has(key.slice('replay:'.length)) : watchedLaunches.has(key);

/** A pushed fact: fold it if it is next in line; on a gap, catch up from the log instead. */
function onPush(key: string, offset: number, body: LaunchEventBody): void {
  store().markEvent();
  // A replayed alert is training: it never enters the supervisors' inbox.
  if ('alert' in body && !key.startsWith('replay:')) store().upsertInboxAlert(body.alert);
  if (!watched(key)) return;
  if (store().applyPush(key, offset, body) === 'gap') resync(key);
}

/** A clock tick names the latest offset; if we are still behind it shortly after, catch up. */
function checkBehind(launchId: string, offset: number): void {
  const state = store().launches[launchId];
  if (!state || state.offset >= offset || behindTimers.has(launchId)) return;
  behindTimers.set(
    launchId,
    setTimeout(() => {
      behindTimers.delete(launchId);
      const now = store().launches[launchId];
      if (now && now.offset < offset) resync(launchId);
    }, 1500),
  );
}

function connect(): WarroomSocket {
  if (socket) return socket;
  // The browser sends the session cookie itself; a kiosk screen sends its token. A function, so
  // every reconnection reads the token afresh.
  const s: WarroomSocket = io({
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    auth: (cb) => {
      const token = kioskToken();
      cb(token ? { token } : {});
    },
  });
  socket = s;
  s.on('connect', () => {
    store().setConnection('connected');
    for (const id of watchedLaunches.keys()) syncLaunch(id);
    for (const id of watchedReplays.keys()) syncReplay(id);
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
    if (watchedLaunches.has(p.launchId)) syncLaunch(p.launchId);
  });
  // A batch subscription's commit: fold the facts in order, or catch up if one was missed.
  s.on('events', (p) => {
    const key = keyOf(p);
    store().markEvent();
    if (!key.startsWith('replay:'))
      for (const e of p.events) if ('alert' in e) store().upsertInboxAlert(e.alert);
    if (!watched(key)) return;
    const first = p.events[0];
    const known = store().launches[key];
    if (!first || !known || first.offset > known.offset + 1) resync(key);
    else store().applyEvents(key, p.events);
  });
  s.on('reading', (p) => {
    const now = store().launches[keyOf(p)]?.clock;
    const at = now ? new Date(now.nowMs + (Date.now() - now.at) * now.speed) : new Date();
    onPush(keyOf(p), p.offset, { type: 'reading.ingested', reading: p.reading, now: at.toISOString() });
  });
  s.on('checkpoint', (p) => onPush(keyOf(p), p.offset, { type: 'checkpoint.evaluated', result: p.result }));
  s.on('alert', (p) =>
    onPush(keyOf(p), p.offset, {
      type: p.change === 'raised' ? 'alert.raised' : 'alert.updated',
      alert: p.alert,
    }),
  );
  s.on('alert:ack', (p) => onPush(keyOf(p), p.offset, { type: 'alert.acknowledged', alert: p.alert }));
  s.on('alert:escalated', (p) => onPush(keyOf(p), p.offset, { type: 'alert.escalated', alert: p.alert }));
  s.on('runsheet', (p) => {
    const at = new Date().toISOString();
    if (p.change === 'updated' && p.runSheet)
      onPush(keyOf(p), p.offset, { type: 'runsheet.updated', runSheet: p.runSheet, by: '', at });
    else if (p.change === 'done' && p.tick)
      onPush(keyOf(p), p.offset, { type: 'runsheet.task.done', ...p.tick });
  });
  s.on('launch', (p) =>
    onPush(keyOf(p), p.offset, { type: 'launch.updated', launch: p.launch, by: p.by, at: p.at }),
  );
  s.on('replay', (p) => {
    store().markEvent();
    store().setReplayInfo(p.info);
    const key = replayKey(p.replayId);
    // A seek rebuilt the replay's state: take it whole.
    if (p.snapshot) store().loadSnapshot(p.snapshot, key);
    store().setClock(key, p.info.now, p.info.paused || p.info.speed === 'max' ? 0 : p.info.speed);
  });
  s.on('clock', (p) => {
    store().markEvent();
    const key = keyOf(p);
    store().setClock(key, p.now, p.speed);
    // clock.advanced and simulation.* log events arrive as clock pushes with their own offset;
    // the periodic tick repeats the latest offset (a duplicate here).
    const outcome = store().applyPush(key, p.offset, { type: 'clock.advanced', now: p.now });
    if (outcome === 'gap') checkBehind(key, p.offset);
  });
  s.on('feed', (p) => {
    store().markEvent();
    store().setFeed(p.launchId, p.state, p.lastReadingAt);
  });
  return s;
}

/** Keeps a launch subscribed while the returned function has not been called. */
export function watchLaunch(launchId: string): () => void {
  watchedLaunches.set(launchId, (watchedLaunches.get(launchId) ?? 0) + 1);
  const s = connect();
  if (s.connected) syncLaunch(launchId);
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
  if (s.connected) syncReplay(replayId);
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

/** Keeps the alert inbox of every launch flowing while the returned function has not been called. */
export function watchInbox(): () => void {
  inboxWatchers += 1;
  const s = connect();
  if (s.connected) syncInbox();
  return () => {
    inboxWatchers -= 1;
  };
}
