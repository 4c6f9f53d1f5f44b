/**
 * Keys by the wall-clock instant they are next due: a min-heap with one Node timer, set for the
 * earliest entry. Due keys are handed out in slices of `batch`, the event loop turning between
 * slices (setImmediate), so thousands due in the same instant never hold it for long.
 */

/** The longest a Node timer waits (a later due time is met by setting the timer again). */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry<K> {
  key: K;
  at: number;
}

export class DueQueue<K> {
  private readonly heap: Entry<K>[] = [];
  private readonly index = new Map<K, number>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private draining = false;
  private closed = false;

  constructor(
    /** Called for each key once it is due (the entry is removed first; set it again to re-arm). */
    private readonly onDue: (key: K) => void,
    private readonly batch = 64,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** When `key` is due, if it is waiting. */
  dueAt(key: K): number | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.heap[i]!.at;
  }

  /** (Re-)arms `key` for wall-clock instant `at`; Infinity (or NaN) removes it. */
  set(key: K, at: number): void {
    if (this.closed) return;
    if (!(at < Infinity)) {
      this.delete(key);
      return;
    }
    const i = this.index.get(key);
    if (i === undefined) {
      this.heap.push({ key, at });
      this.index.set(key, this.heap.length - 1);
      this.up(this.heap.length - 1);
    } else {
      const was = this.heap[i]!.at;
      this.heap[i]!.at = at;
      if (at < was) this.up(i);
      else this.down(i);
    }
    this.wake();
  }

  delete(key: K): void {
    const i = this.index.get(key);
    if (i === undefined) return;
    this.removeAt(i);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.heap.length = 0;
    this.index.clear();
  }

  /** Sets the one timer for the earliest entry (unless a drain is under way: it sets it after). */
  private wake(): void {
    if (this.draining || this.closed) return;
    const first = this.heap[0];
    const at = first ? first.at : Infinity;
    if (at >= this.timerAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    if (at === Infinity) return;
    const delay = Math.min(Math.max(0, at - this.now()), MAX_TIMER_MS);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.drain();
    }, delay);
    this.timer.unref();
  }

  /** Hands out every due key, a slice per turn of the event loop, then sleeps until the next. */
  private drain(): void {
    if (this.closed) return;
    this.draining = true;
    const now = this.now();
    let n = 0;
    while (n < this.batch && this.heap.length > 0 && this.heap[0]!.at <= now) {
      const { key } = this.heap[0]!;
      this.removeAt(0);
      n++;
      this.onDue(key);
    }
    if (this.heap.length > 0 && this.heap[0]!.at <= this.now()) {
      setImmediate(() => this.drain());
      return;
    }
    this.draining = false;
    this.wake();
  }

  private removeAt(i: number): void {
    const h = this.heap;
    this.index.delete(h[i]!.key);
    const last = h.pop()!;
    if (i === h.length) return;
    h[i] = last;
    this.index.set(last.key, i);
    this.up(i);
    this.down(this.index.get(last.key)!);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.at < h[m]!.at) m = l;
      if (r < h.length && h[r]!.at < h[m]!.at) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    const t = h[a]!;
    h[a] = h[b]!;
    h[b] = t;
    this.index.set(h[a].key, a);
    this.index.set(h[b].key, b);
  }
}
