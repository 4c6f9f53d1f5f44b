/**
 * A child process of the soak bench holding the screen connections (socket.io-client, websocket
 * transport, a screen token), so the clients do not share an event loop with the server or the
 * coordinator. Each client subscribes to the launch, keeps the minutes it has seen (snapshot plus
 * pushes) and checks that pushed facts arrive in log order; after a reconnect it subscribes again
 * with the last offset it saw.
 *
 *   soak-clients.ts <url> <count> <launchId> <authJson>
 *
 * Messages: parent → child `report` / `stop`; child → parent `ready` / `report` / `error`.
 */
import { io, type Socket } from 'socket.io-client';
import type { LaunchEvent, SubscribeData } from '@warroom/shared';
import { wallNow } from './lib';

export type ToSoakChild = { type: 'report' } | { type: 'stop' };
export interface SoakClientReport {
  clients: number;
  connected: number;
  /** Per client: distinct minutes seen (from the snapshot and from pushes). */
  minutes: number[];
  pushes: Record<string, number>;
  /** Pushed facts whose offset was not above the last one that client saw. */
  outOfOrder: number;
  disconnects: number;
  reconnects: number;
  resubscribeFailures: number;
}
export type FromSoakChild =
  | { type: 'ready'; connected: number; ms: number }
  | { type: 'report'; report: SoakClientReport }
  | { type: 'error'; message: string };

const [url, countText, launchId, authJson] = process.argv.slice(2);
const count = Number(countText);
const send = (m: FromSoakChild) => process.send?.(m);
const WAVE = 25;
/** Facts that carry their own log offset (clock and feed pushes repeat the latest one). */
const FACTS = ['reading', 'checkpoint', 'alert', 'alert:ack', 'alert:escalated'] as const;

interface Client {
  socket: Socket;
  minutes: Set<number>;
  lastOffset: number;
}

const clients: Client[] = [];
const pushes: Record<string, number> = {};
let outOfOrder = 0;
let disconnects = 0;
let reconnects = 0;
let resubscribeFailures = 0;

function take(c: Client, data: SubscribeData): void {
  if (data.kind === 'snapshot') {
    for (const r of data.snapshot.readings) c.minutes.add(r.minute);
    c.lastOffset = Math.max(c.lastOffset, data.snapshot.offset);
  } else {
    for (const e of data.events as LaunchEvent[]) {
      if (e.type === 'reading.ingested') c.minutes.add(e.reading.minute);
      c.lastOffset = Math.max(c.lastOffset, e.offset);
    }
  }
}

function connect(): Promise<void> {
  return new Promise((resolve, reject) => {
    const auth = JSON.parse(authJson ?? '{}') as Record<string, string>;
    const socket: Socket = io(url!, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 2000,
      auth,
    });
    const c: Client = { socket, minutes: new Set(), lastOffset: 0 };
    let first = true;
    for (const name of FACTS) {
      socket.on(name, (p: { offset: number; reading?: { minute: number } }) => {
        pushes[name] = (pushes[name] ?? 0) + 1;
        if (p.offset <= c.lastOffset) outOfOrder++;
        c.lastOffset = Math.max(c.lastOffset, p.offset);
        if (p.reading) c.minutes.add(p.reading.minute);
      });
    }
    for (const name of ['clock', 'feed'] as const)
      socket.on(name, () => (pushes[name] = (pushes[name] ?? 0) + 1));
    socket.on('disconnect', () => disconnects++);
    socket.on('connect_error', (e) => {
      if (first) reject(e);
    });
    socket.on('connect', () => {
      const again = !first;
      if (again) reconnects++;
      socket.emit(
        'subscribe',
        again ? { launchId, after: c.lastOffset } : { launchId },
        (r: { ok: true; data: SubscribeData } | { ok: false; error: { message: string } }) => {
          if (r.ok) take(c, r.data);
          if (first) {
            first = false;
            if (r.ok) {
              clients.push(c);
              resolve();
            } else reject(new Error(`subscribe refused: ${r.error.message}`));
          } else if (!r.ok) resubscribeFailures++;
        },
      );
    });
  });
}

async function main(): Promise<void> {
  const started = wallNow();
  for (let i = 0; i < count; i += WAVE)
    await Promise.all(Array.from({ length: Math.min(WAVE, count - i) }, () => connect()));
  send({ type: 'ready', connected: clients.length, ms: wallNow() - started });
}

process.on('message', (m: ToSoakChild) => {
  if (m.type === 'report') {
    send({
      type: 'report',
      report: {
        clients: clients.length,
        connected: clients.filter((c) => c.socket.connected).length,
        minutes: clients.map((c) => c.minutes.size),
        pushes,
        outOfOrder,
        disconnects,
        reconnects,
        resubscribeFailures,
      },
    });
  } else if (m.type === 'stop') {
    for (const c of clients) c.socket.disconnect();
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
