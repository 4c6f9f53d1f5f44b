/**
 * The sender at the edge: delivers the outbox in each launch's log (`notification.due`, decided by
 * the incident rules) to the channels and records every attempt as a fact through the launch
 * service. Nothing it knows lives only in memory except the per-robot rate window: a restarted or
 * another instance reads the same facts and carries on where the log stops.
 *
 * - Exactly one instance sends a launch's messages: the holder of the launch's tick lease (the one
 *   that ticks its clock). Without Redis, this instance.
 * - A message the channel took (`sent`) is never sent to it again: the dedup key is per (incident,
 *   notification), and the fold keeps the first `sent`. The one window left is a crash between the
 *   platform's answer and the write of `sent`: that message goes again (at least once), carrying the
 *   same key (X-Warroom-Delivery on webhooks).
 * - Failures retry with exponential backoff and equal jitter (WARROOM_NOTIFY_BACKOFF_MS doubling up to
 *   WARROOM_NOTIFY_BACKOFF_MAX_MS), up to WARROOM_NOTIFY_MAX_ATTEMPTS (3 for an error retrying
 *   cannot fix, such as a wrong signature), then `failed`.
 * - Per robot at most WARROOM_NOTIFY_PER_MINUTE messages a minute (platforms allow about 20): when
 *   more wait than the window has room for, they go as one bunched message.
 */
import type { ChannelTestResult, Lang, NotificationState } from '@warroom/shared';
import { type LaunchRegistry, tickLease } from '../launches/registry';
import type { LaunchRuntime } from '../launches/runtime';
import type { LaunchService } from '../launches/service';
import { type Channels, type StoredChannel, routes } from './channels';
import { post } from './http';
import { type Message, type MessagePart, ackUrl, compose, messageLang, testMessage } from './messages';
import { buildRequest, readReply } from './platforms';

export interface SenderOptions {
  /** WARROOM_PUBLIC_URL: the base of the ack links. */
  publicUrl: string;
  backoffMs: number;
  backoffMaxMs: number;
  maxAttempts: number;
  perMinute: number;
  timeoutMs: number;
  /** The rate window per robot (a minute; tests shorten it). */
  rateWindowMs: number;
  /** How often the outbox is looked at (besides right after a command decided a message). */
  intervalMs: number;
}

export const DEFAULT_SENDER: Omit<SenderOptions, 'publicUrl'> = {
  backoffMs: 2_000,
  backoffMaxMs: 60_000,
  maxAttempts: 12,
  perMinute: 20,
  timeoutMs: 5_000,
  intervalMs: 500,
  rateWindowMs: 60_000,
};

/** A channel added now still gets a live launch's messages due this long before (not older ones). */
const STALE_FOR_NEW_MS = 10 * 60_000;
/** Permanent errors (a wrong secret or key) are tried this many times, then `failed`. */
const PERMANENT_ATTEMPTS = 3;

export interface AttemptReport {
  kind: StoredChannel['kind'];
  status: 'sent' | 'failed' | 'retrying';
  code: string | null;
  seconds: number;
  keys: number;
}

interface Pending {
  rt: LaunchRuntime;
  n: NotificationState;
}

interface Log {
  warn: (o: object, msg: string) => void;
  error: (o: object, msg: string) => void;
}

export class NotificationSender {
  private timer: NodeJS.Timeout | null = null;
  private busy = new Set<string>();
  private pumping = false;
  private scheduled = false;
  private again = false;
  private sentAt = new Map<string, number[]>();
  private blockedUntil = new Map<string, number>();
  private listeners: ((r: AttemptReport) => void)[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly launches: LaunchService,
    private readonly registry: LaunchRegistry,
    private readonly channels: Channels,
    readonly opts: SenderOptions,
    private readonly log: Log,
    /** Wall clock and randomness at the edge (tests fix them). */
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.poke(), this.opts.intervalMs);
    this.timer.unref();
    this.poke();
  }

  onAttempt(fn: (r: AttemptReport) => void): void {
    this.listeners.push(fn);
  }

  /**
   * Looks at the outbox at the next turn of the event loop (a command just decided a message): the
   * commits of one turn — thousands of launches raising alerts at one deadline — share one look.
   */
  poke(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.look();
    });
  }

  private look(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    const run = this.pump()
      .catch((e: unknown) => this.log.error({ err: e }, 'notification sender failed; will retry'))
      .finally(() => {
        this.pumping = false;
        this.running.delete(run);
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
    this.running.add(run);
  }

  private mine(rt: LaunchRuntime): boolean {
    const leases = this.registry.leases;
    return !leases || (leases.holds(tickLease(rt.id)) && !rt.stale);
  }

  /** Messages waiting (not sent, not given up) over the launches this instance sends for. */
  backlog(): number {
    let n = 0;
    const any = this.channels.list().some((c) => c.enabled);
    for (const rt of this.registry.all()) {
      if (!this.mine(rt)) continue;
      for (const x of rt.state.notifications.values()) {
        if (x.channels === null) n += any ? 1 : 0;
        else for (const c of x.channels) if (!settled(x, c)) n++;
      }
    }
    return n;
  }

  private async pump(): Promise<void> {
    const now = Date.now();
    const pending = new Map<string, Pending[]>();
    // With no channel on there is nothing to route (route() would decide nothing): the outbox of
    // thousands of launches is not walked message by message on every look.
    const routing = this.channels.list().some((c) => c.enabled);
    for (const rt of this.registry.all()) {
      if (!this.mine(rt)) continue;
      for (const n of [...rt.state.notifications.values()]) {
        if (n.channels === null) {
          if (routing) await this.route(rt, n.due.key);
          continue;
        }
        for (const c of n.channels) {
          if (settled(n, c)) continue;
          const d = n.deliveries[c];
          if (d?.nextAt && Date.parse(d.nextAt) > now) continue;
          let list = pending.get(c);
          if (!list) pending.set(c, (list = []));
          list.push({ rt, n });
        }
      }
    }
    for (const [channelId, items] of pending) {
      if (this.busy.has(channelId)) continue;
      this.busy.add(channelId);
      const run = this.deliver(channelId, items)
        .catch((e: unknown) => this.log.error({ err: e, channelId }, 'could not deliver; will retry'))
        .finally(() => {
          this.busy.delete(channelId);
          this.running.delete(run);
        });
      this.running.add(run);
    }
  }

  /** The channels a due message goes to: by the channels' routes, and, for an acknowledgement,
   * every channel that was told of the incident before. */
  private async route(rt: LaunchRuntime, key: string): Promise<void> {
    const state = rt.state;
    const n = state.notifications.get(key);
    if (!n) return;
    const all = this.channels.list().filter((c) => c.enabled);
    // No channel on: nothing to decide yet (and nothing written to the log).
    if (all.length === 0) return;
    const incident = state.incidents.get(n.due.incidentId);
    const dueMs = Date.parse(n.due.at);
    const chosen = new Set(
      all
        // A channel added later does not get a live launch's older messages.
        .filter((c) => state.launch.clock !== 'wall' || dueMs >= Date.parse(c.createdAt) - STALE_FOR_NEW_MS)
        .filter((c) => routes(c, rt.id, n.due, incident, state.launch.clock === 'simulated'))
        .map((c) => c.id),
    );
    if (n.due.kind === 'acknowledged')
      for (const other of state.notifications.values())
        if (other.due.incidentId === n.due.incidentId && other !== n)
          for (const c of other.channels ?? []) if (this.channels.get(c)) chosen.add(c);
    try {
      await this.launches.routeNotification(rt, key, [...chosen]);
      this.again = true;
    } catch (e) {
      this.log.error({ err: e, launchId: rt.id, key }, 'could not record the routing; will retry');
    }
  }

  private capacity(channelId: string, now: number): number {
    if ((this.blockedUntil.get(channelId) ?? 0) > now) return 0;
    const recent = (this.sentAt.get(channelId) ?? []).filter((t) => t > now - this.opts.rateWindowMs);
    this.sentAt.set(channelId, recent);
    return this.opts.perMinute - recent.length;
  }

  private async deliver(channelId: string, items: Pending[]): Promise<void> {
    const channel = this.channels.get(channelId);
    if (!channel) {
      for (const { rt, n } of items)
        await this.launches.recordDelivery(rt, {
          keys: [n.due.key],
          channelId,
          status: 'failed',
          attempt: (n.deliveries[channelId]?.attempt ?? 0) + 1,
          code: 'channel_deleted',
          message: 'the channel was deleted',
          at: new Date().toISOString(),
          nextAt: null,
        });
      return;
    }
    const queue = items.filter((p) => this.mine(p.rt));
    while (queue.length > 0 && !this.closed) {
      const room = this.capacity(channelId, Date.now());
      if (room <= 0) return;
      // Over the robot's limit: everything waiting goes as one message.
      const batch = queue.length > room ? queue.splice(0) : queue.splice(0, 1);
      await this.send(
        channel,
        batch.filter((p) => this.mine(p.rt)),
      );
    }
  }

  private async send(channel: StoredChannel, batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    const first = batch[0]!.rt.state;
    const lang = messageLang(channel.language, first.launch.name);
    const parts: MessagePart[] = batch.map(({ rt, n }) => ({
      launch: rt.state.launch,
      due: n.due,
      incident: rt.state.incidents.get(n.due.incidentId),
    }));
    const message = compose(parts, lang, this.opts.publicUrl);
    const keys = batch.map((p) => p.n.due.key);
    const startedAt = Date.now();
    const req = buildRequest(channel, message, this.payload(parts, message), keys, startedAt);
    const window = this.sentAt.get(channel.id);
    if (window) window.push(startedAt);
    else this.sentAt.set(channel.id, [startedAt]);
    const raw = await post(req, this.opts.timeoutMs);
    const reply =
      raw.status === null || raw.error
        ? {
            ok: false,
            code: raw.error ?? 'network_error',
            message: raw.status ? `HTTP ${raw.status}` : null,
            rateLimited: false,
            permanent: false,
          }
        : readReply(channel.kind, raw.status, raw.text);
    const attempt = Math.max(...batch.map((p) => p.n.deliveries[channel.id]?.attempt ?? 0)) + 1;
    const doneAt = Date.now();
    let status: 'sent' | 'failed' | 'retrying' = 'sent';
    let nextAt: string | null = null;
    if (!reply.ok) {
      const limit = reply.permanent ? PERMANENT_ATTEMPTS : this.opts.maxAttempts;
      if (attempt >= limit) status = 'failed';
      else {
        status = 'retrying';
        const wait = this.backoff(attempt);
        nextAt = new Date(doneAt + wait).toISOString();
        if (reply.rateLimited) this.blockedUntil.set(channel.id, doneAt + wait);
      }
    }
    for (const fn of this.listeners)
      fn({
        kind: channel.kind,
        status,
        code: reply.code,
        seconds: (doneAt - startedAt) / 1000,
        keys: keys.length,
      });
    // Each launch's log records its own keys of the message.
    const byLaunch = new Map<LaunchRuntime, string[]>();
    for (const { rt, n } of batch) byLaunch.set(rt, [...(byLaunch.get(rt) ?? []), n.due.key]);
    for (const [rt, launchKeys] of byLaunch) {
      try {
        await this.launches.recordDelivery(rt, {
          keys: launchKeys,
          channelId: channel.id,
          status,
          attempt,
          code: reply.code,
          message: reply.message,
          at: new Date(doneAt).toISOString(),
          nextAt,
        });
      } catch (e) {
        // Sent but not recorded: the next look sends it again (at least once), with the same key.
        this.log.error({ err: e, launchId: rt.id, keys: launchKeys }, 'could not record a delivery');
      }
    }
  }

  /**
   * Equal jitter over an exponentially growing ceiling: [½, 1] × min(max, base × 2^(attempt−1)). Not
   * full jitter ([0, 1]): with it a run of short draws could spend all the attempts within a
   * two-minute outage; with the ½ floor giving up takes at least 211 s at the defaults.
   */
  backoff(attempt: number): number {
    const ceiling = Math.min(this.opts.backoffMaxMs, this.opts.backoffMs * 2 ** (attempt - 1));
    return Math.round(ceiling * (0.5 + this.random() / 2));
  }

  private payload(parts: MessagePart[], message: Message): unknown {
    return {
      type: 'warroom.notification',
      lang: message.lang,
      title: message.title,
      text: message.markdown,
      notifications: parts.map((p) => ({
        launch: { id: p.launch.id, name: p.launch.name },
        key: p.due.key,
        kind: p.due.kind,
        severity: p.due.severity,
        owner: p.due.owner,
        at: p.due.at,
        by: p.due.by,
        action: p.due.action,
        ackUrl: ackUrl(this.opts.publicUrl, p.due.incidentId),
        incident: p.incident ?? null,
      })),
    };
  }

  /** POST /api/channels/:id/test: a test message, answered with the platform's reply. */
  async test(channel: StoredChannel, lang: Lang): Promise<ChannelTestResult> {
    const message = testMessage(lang);
    const payload = { type: 'warroom.test', lang, title: message.title, text: message.markdown };
    const raw = await post(
      buildRequest(channel, message, payload, ['test'], Date.now()),
      this.opts.timeoutMs,
    );
    if (raw.status === null || raw.error)
      return {
        ok: false,
        status: raw.status,
        code: raw.error ?? 'network_error',
        message: null,
        body: raw.text.slice(0, 2000),
      };
    const reply = readReply(channel.kind, raw.status, raw.text);
    return {
      ok: reply.ok,
      status: raw.status,
      code: reply.code,
      message: reply.message,
      body: raw.text.slice(0, 2000),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/** Sent, or given up: nothing more to do for that channel. */
function settled(n: NotificationState, channelId: string): boolean {
  const s = n.deliveries[channelId]?.status;
  return s === 'sent' || s === 'failed';
}
