/**
 * Notification channels, set by admins: an append-only log like the accounts log (state is its
 * fold), in DATA_DIR/channels/channels.jsonl or the Redis Stream `<prefix>accounts:channels`, so
 * every instance sees the same channels. The secret and the URL's token are kept for signing and
 * sending; the API answers only a masked URL and whether there is a secret.
 */
import type { Channel, ChannelInput, ChannelRoute, Incident, NotificationDue } from '@warroom/shared';
import { ESCALATION_ROLE } from '@warroom/shared';
import { OffsetConflictError } from '../store/event-store';

/** A channel as stored: with the whole URL and the secret. */
export interface StoredChannel {
  id: string;
  name: string;
  kind: Channel['kind'];
  url: string;
  secret: string | null;
  route: ChannelRoute;
  language: Channel['language'];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export type ChannelEvent =
  | { offset: number; type: 'channel.created'; channel: StoredChannel }
  | { offset: number; type: 'channel.updated'; channel: StoredChannel }
  | { offset: number; type: 'channel.deleted'; id: string; at: string };

type Body = ChannelEvent extends infer E ? (E extends { offset: number } ? Omit<E, 'offset'> : never) : never;

export interface ChannelLog {
  read(stream: string): Promise<{ events: ChannelEvent[] }>;
  append(stream: string, events: readonly ChannelEvent[]): Promise<void>;
  readAfter?(stream: string, after: number): Promise<ChannelEvent[]>;
}

export const CHANNEL_STREAM = 'channels';
/** Channels an installation may have (every one is looked at for each message). */
export const MAX_CHANNELS = 200;
const MAX_CONFLICT_RETRIES = 8;

export class TooManyChannelsError extends Error {}

export class Channels {
  private channels = new Map<string, StoredChannel>();
  private offset = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly log: ChannelLog) {}

  async load(): Promise<void> {
    const { events } = await this.log.read(CHANNEL_STREAM);
    for (const e of events) this.apply(e);
  }

  /** What other instances appended (a shared log). */
  catchUp(): Promise<void> {
    return this.serial(() => this.readNew());
  }

  private async readNew(): Promise<void> {
    if (!this.log.readAfter) return;
    for (const e of await this.log.readAfter(CHANNEL_STREAM, this.offset)) this.apply(e);
  }

  private apply(e: ChannelEvent): void {
    this.offset = e.offset;
    if (e.type === 'channel.deleted') this.channels.delete(e.id);
    else this.channels.set(e.channel.id, e.channel);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Decides against the caught-up channels and appends; decided again after a conflict. */
  private write<T>(decide: () => { bodies: Body[]; result: T }): Promise<T> {
    return this.serial(async () => {
      for (let attempt = 0; ; attempt++) {
        const { bodies, result } = decide();
        const events = bodies.map((b, i) => ({ ...b, offset: this.offset + i + 1 }) as ChannelEvent);
        try {
          if (events.length > 0) await this.log.append(CHANNEL_STREAM, events);
          for (const e of events) this.apply(e);
          return result;
        } catch (e) {
          if (!(e instanceof OffsetConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw e;
          await this.readNew();
        }
      }
    });
  }

  list(): StoredChannel[] {
    return [...this.channels.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  get(id: string): StoredChannel | undefined {
    return this.channels.get(id);
  }

  create(id: string, input: ChannelInput, by: string): Promise<StoredChannel> {
    const at = new Date().toISOString();
    const channel: StoredChannel = {
      id,
      name: input.name,
      kind: input.kind,
      url: input.url,
      secret: input.secret ?? null,
      route: input.route ?? {},
      language: input.language ?? 'auto',
      enabled: input.enabled ?? true,
      createdAt: at,
      updatedAt: at,
      createdBy: by,
    };
    return this.write(() => {
      if (this.channels.size >= MAX_CHANNELS)
        throw new TooManyChannelsError(`at most ${MAX_CHANNELS} channels; delete one first`);
      return { bodies: [{ type: 'channel.created', channel }], result: channel };
    });
  }

  /** The whole input replaces the settings; a secret left out keeps the stored one. */
  update(id: string, input: ChannelInput): Promise<StoredChannel | null> {
    return this.write(() => {
      const current = this.channels.get(id);
      if (!current) return { bodies: [], result: null };
      const channel: StoredChannel = {
        ...current,
        name: input.name,
        kind: input.kind,
        url: input.url,
        secret: input.secret ?? current.secret,
        route: input.route ?? {},
        language: input.language ?? 'auto',
        enabled: input.enabled ?? true,
        updatedAt: new Date().toISOString(),
      };
      return { bodies: [{ type: 'channel.updated', channel }], result: channel };
    });
  }

  remove(id: string): Promise<boolean> {
    return this.write(() =>
      this.channels.has(id)
        ? { bodies: [{ type: 'channel.deleted', id, at: new Date().toISOString() }], result: true }
        : { bodies: [], result: false },
    );
  }
}

/** The channel as the API answers it: no secret, the URL's token masked. */
export function publicChannel(c: StoredChannel): Channel {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    url: maskUrl(c.url),
    hasSecret: c.secret !== null,
    route: c.route,
    language: c.language,
    enabled: c.enabled,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    createdBy: c.createdBy,
  };
}

const mask = (v: string) => (v.length <= 4 ? '****' : `${v.slice(0, 4)}****`);

/** access_token=abcd…, key=…, and a Feishu hook id (the last path segment) keep 4 characters. */
export function maskUrl(raw: string): string {
  try {
    const u = new URL(raw);
    for (const [k, v] of [...u.searchParams]) u.searchParams.set(k, mask(v));
    const parts = u.pathname.split('/');
    const last = parts.at(-1) ?? '';
    if (last.length >= 16) parts[parts.length - 1] = mask(last);
    u.pathname = parts.join('/');
    return decodeURI(u.toString());
  } catch {
    return '****';
  }
}

/**
 * Whether a due message goes to a channel: by launch, by severity, by the owner's role; an
 * escalation goes to the 电商经理's channels (route.escalations) instead of the owner's. A
 * simulated launch's messages go only to channels whose `launchIds` name it.
 */
export function routes(
  c: StoredChannel,
  launchId: string,
  due: NotificationDue,
  incident?: Incident,
  simulated = false,
): boolean {
  if (!c.enabled) return false;
  const r = c.route;
  if (r.launchIds && !r.launchIds.includes(launchId)) return false;
  // A simulation (a demo, a drill) reaches only the channels that name it.
  if (simulated && !r.launchIds) return false;
  const severity = incident?.severity ?? due.severity;
  if (r.minSeverity === 'critical' && severity !== 'critical') return false;
  if (due.kind === 'escalated') {
    if (r.escalations !== undefined) return r.escalations;
    return !r.roles || r.roles.includes(ESCALATION_ROLE);
  }
  return !r.roles || r.roles.includes(due.owner);
}
