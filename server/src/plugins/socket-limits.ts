/**
 * Bounds on what one socket (and one principal) can make the server hold or do, so no principal —
 * not even a read-only screen token — can degrade the service by asking without reading:
 *
 * - one subscription in flight per socket and room: a second `subscribe` to the same launch or
 *   replay before the first answer has left the server is refused (`subscription_in_flight`);
 * - a memory budget per connection: what is queued for a socket and not yet handed to the network
 *   (Engine.IO's write buffer and the WebSocket's) may not pass SOCKET_BUFFER_BUDGET_BYTES; a
 *   connection past it is dropped, with its reason in the log and, best effort, to the client;
 * - snapshots per principal: a token bucket, so many sockets of one token cannot make the server
 *   build snapshots without pause (`rate_limited`, try again shortly); a group wall's answer draws
 *   one per launch it sends whole; and snapshots take turns,
 *   one per turn of the event loop, so requests (`/healthz`, readings) go between them;
 * - refusals per socket: a socket that keeps sending what is refused (past REFUSALS_BURST, coming
 *   back at one a second) is flooding, and is dropped like one past its budget.
 *
 * Catch-ups are paged (EVENTS_PAGE_MAX), so each answer is bounded too.
 */
import type { Socket } from 'socket.io';

/** What one connection may have queued and not yet sent before it is dropped. */
export const SOCKET_BUFFER_BUDGET_BYTES = 16 * 1024 * 1024;
/** How long an answer counts as in flight at most (a client that never reads is dropped anyway). */
const DELIVERY_WAIT_MS = 10_000;
/**
 * Snapshots one principal may be sent at once, and how fast the allowance comes back. A fleet of
 * wall screens shares one screen token and reconnects all at once after a restart or a deploy
 * (1,000 screens in the benchmarks), so the burst is a fleet's; the snapshots themselves still
 * take turns of the event loop, and each connection's memory budget bounds what waits for it.
 */
export const SNAPSHOT_BURST = 1000;
const SNAPSHOT_REFILL_MS = 10;
/** Refused events a socket may send before it counts as flooding, and how fast that comes back. */
export const REFUSALS_BURST = 64;
const REFUSAL_REFILL_MS = 1000;
/** Distinct subscriptions a socket may have in flight at once (launches, replays, the inbox). */
export const MAX_IN_FLIGHT_PER_SOCKET = 16;

interface EngineTransport {
  writable: boolean;
  socket?: { bufferedAmount?: number };
  on(event: 'drain', fn: () => void): void;
  off(event: 'drain', fn: () => void): void;
}
interface EngineConnection {
  readyState: string;
  writeBuffer: { data?: unknown }[];
  transport: EngineTransport;
  once(event: 'close', fn: () => void): void;
  off(event: 'close', fn: () => void): void;
}

const engineOf = (socket: Socket) => socket.conn as unknown as EngineConnection;

/** Bytes queued for this socket's connection and not yet handed to the operating system. */
export function bufferedBytes(socket: Socket): number {
  const conn = engineOf(socket);
  let n = conn.transport.socket?.bufferedAmount ?? 0;
  for (const p of conn.writeBuffer) {
    const d = p.data;
    if (typeof d === 'string') n += d.length;
    else if (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) n += d.byteLength;
  }
  return n;
}

/** Resolves once what was written to the socket so far has left the server (or the wait ran out). */
export function delivered(socket: Socket): Promise<void> {
  const conn = engineOf(socket);
  const transport = conn.transport;
  if (conn.readyState === 'closed' || (transport.writable && conn.writeBuffer.length === 0))
    return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      transport.off('drain', check);
      conn.off('close', done);
      clearTimeout(timer);
      resolve();
    };
    const check = () => {
      if (conn.writeBuffer.length === 0) done();
    };
    const timer = setTimeout(done, DELIVERY_WAIT_MS);
    timer.unref();
    transport.on('drain', check);
    conn.once('close', done);
  });
}

/** Token buckets by key: may `key` have one more now? */
export class Allowance {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly refillMs: number,
  ) {}

  /** Takes `n` at once, or none (a group wall's answer holds a snapshot per launch). */
  take(key: string, n = 1, nowMs = Date.now()): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    b.tokens = Math.min(this.burst, b.tokens + (nowMs - b.at) / this.refillMs);
    b.at = nowMs;
    this.buckets.set(key, b);
    if (b.tokens < n) return false;
    b.tokens -= n;
    return true;
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  /** Forgets buckets that are full again (called now and then). */
  sweep(nowMs = Date.now()): void {
    for (const [k, b] of this.buckets)
      if (b.tokens + (nowMs - b.at) / this.refillMs >= this.burst) this.buckets.delete(k);
  }
}

export const snapshotAllowance = () => new Allowance(SNAPSHOT_BURST, SNAPSHOT_REFILL_MS);
export const refusalAllowance = () => new Allowance(REFUSALS_BURST, REFUSAL_REFILL_MS);

/**
 * Turns for expensive answers (snapshots): each waits for the ones before it and then for a turn of
 * the event loop of its own, so whatever else is waiting (requests, readings) goes in between.
 */
export class Turns {
  private last: Promise<void> = Promise.resolve();

  next(): Promise<void> {
    const turn = this.last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.last = turn;
    return turn;
  }
}
