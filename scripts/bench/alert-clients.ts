/**
 * A child process of the alert-latency bench holding many screen connections, so the clients
 * that measure do not share an event loop with the server or with the coordinator.
 *
 *   alert-clients.ts socketio <url> <count> <launchId> <authJson> [batch]   socket.io-client, websocket
 *     only (`launchId` may list several, comma-separated: client i watches the (i mod n)-th); with `batch` the clients subscribe as the screens do (one `events` push per commit); with
 *     `group` the id is a launch group's and they join its room as the group wall does (`group:subscribe`)
 *   alert-clients.ts ws <url> <count>                                bare `ws` clients (the floor)
 *
 * Each client notes when a push arrives (`wallNow()`, comparable across processes) — socket.io:
 * the first `alert` raised for a checkpoint; ws: its n-th message — and the parent collects them
 * over IPC. Messages: parent → child `collect` / `clock` / `stop`; child → parent `ready` /
 * `arrivals` / `clock` / `frame` (the raw text of the first alert push, to size the floor's).
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { sleep, wallNow } from './lib';

export type ToChild =
  { type: 'collect'; key: number; timeoutMs: number } | { type: 'clock'; t: number } | { type: 'stop' };
export type FromChild =
  | { type: 'ready'; connected: number; ms: number }
  | { type: 'arrivals'; key: number; times: number[]; missing: number }
  | { type: 'clock'; t: number; now: number }
  | { type: 'frame'; frame: string }
  | { type: 'error'; message: string };

const [mode, url, countText, launchId, authJson, style] = process.argv.slice(2);
const batch = style === 'batch' || style === 'group';
const group = style === 'group';
const count = Number(countText);
const watched = (launchId ?? '').split(',');
let opened = 0;
const send = (m: FromChild) => process.send?.(m);
const WAVE = 50;

/** key → arrival times, one per client (the first arrival of that key at that client). */
const arrivals = new Map<number, number[]>();
const closers: (() => void)[] = [];

function arrived(key: number, at: number): void {
  let list = arrivals.get(key);
  if (!list) arrivals.set(key, (list = []));
  list.push(at);
}

function socketIoClient(): Promise<void> {
  const target = watched[opened++ % watched.length];
  return new Promise((resolve, reject) => {
    const auth = authJson ? (JSON.parse(authJson) as Record<string, string>) : {};
    const socket: Socket = io(url!, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
    const seen = new Set<number>();
    socket.on('alert', (p: { change: string; alert: { checkpoint: number } }) => {
      const at = wallNow();
      const key = p.alert.checkpoint;
      if (p.change !== 'raised' || seen.has(key)) return;
      seen.add(key);
      arrived(key, at);
    });
    socket.on('events', (p: { events: { type: string; alert?: { checkpoint: number } }[] }) => {
      const at = wallNow();
      for (const e of p.events) {
        if (e.type !== 'alert.raised' || !e.alert || seen.has(e.alert.checkpoint)) continue;
        seen.add(e.alert.checkpoint);
        arrived(e.alert.checkpoint, at);
      }
    });
    socket.once('connect_error', (e) => reject(e));
    socket.once('connect', () => {
      if (closers.length === 0) {
        // The first client reports the exact text of the first alert push it gets (batch: the
        // `events` push that carries the first raised alert).
        let reported = false;
        socket.io.engine.on('packet', (p: { type: string; data?: unknown }) => {
          if (reported || p.type !== 'message' || typeof p.data !== 'string') return;
          const isAlert = batch
            ? p.data.startsWith('2["events"') && p.data.includes('"alert.raised"')
            : p.data.startsWith('2["alert"');
          if (!isAlert) return;
          reported = true;
          send({ type: 'frame', frame: `4${p.data}` });
        });
      }
      closers.push(() => socket.disconnect());
      const answered = (r: { ok: boolean; error?: { message: string } }) =>
        r.ok ? resolve() : reject(new Error(`subscribe refused: ${r.error?.message}`));
      if (group) socket.emit('group:subscribe', { groupId: target }, answered);
      else socket.emit('subscribe', { launchId: target, batch }, answered);
    });
  });
}

function wsClient(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url!);
    let n = 0;
    ws.on('message', (data: Buffer) => {
      const at = wallNow();
      // Decode like socket.io-client does: the text after the packet-type digits is JSON.
      JSON.parse(data.toString('utf8').slice(2));
      arrived(++n, at);
    });
    ws.once('error', reject);
    ws.once('open', () => {
      closers.push(() => ws.terminate());
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const started = wallNow();
  const connect = mode === 'ws' ? wsClient : socketIoClient;
  for (let i = 0; i < count; i += WAVE) {
    await Promise.all(Array.from({ length: Math.min(WAVE, count - i) }, () => connect()));
  }
  send({ type: 'ready', connected: closers.length, ms: wallNow() - started });
}

process.on('message', (m: ToChild) => {
  if (m.type === 'clock') send({ type: 'clock', t: m.t, now: wallNow() });
  else if (m.type === 'collect') {
    void (async () => {
      const deadline = wallNow() + m.timeoutMs;
      while ((arrivals.get(m.key)?.length ?? 0) < count && wallNow() < deadline) await sleep(5);
      const times = arrivals.get(m.key) ?? [];
      send({ type: 'arrivals', key: m.key, times, missing: count - times.length });
    })();
  } else if (m.type === 'stop') {
    for (const close of closers) close();
    process.disconnect?.();
    setTimeout(() => process.exit(0), 100).unref();
  }
});
// The parent went away: never linger.
process.on('disconnect', () => process.exit(0));

main().catch((e: unknown) => {
  send({ type: 'error', message: (e as Error).message });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100);
});
