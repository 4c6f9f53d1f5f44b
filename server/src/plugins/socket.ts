/**
 * Socket.IO: rooms per launch and an inbox room for every launch's alerts. Every push carries its
 * launch and log offset; a client that (re)subscribes with the last offset it saw gets exactly the
 * events it missed, or a fresh snapshot.
 */
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type { z } from 'zod';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import {
  type Lang,
  type AckEnvelope,
  EVENTS_PAGE_MAX,
  INBOX_MAX_ALERTS,
  newestAlerts,
  type Alert,
  type ClientToServerEvents,
  type LaunchEvent,
  type ServerToClientEvents,
  type SocketData,
  type SubscribeData,
  type GroupSubscribeData,
  GroupSubscribeInput,
  GroupUnsubscribeInput,
  MAX_GROUP_ROOMS,
  SocketAckInput,
  SocketIncidentAckInput,
  type Incident,
  SubscribeInput,
  UnsubscribeInput,
  addressesReplay,
  translate,
} from '@warroom/shared';
import { feedState, toSnapshot } from '@warroom/shared';
import { type Access, actorName, actorOf, allowed } from '../accounts/policy';
import { HttpError, acceptedLanguage, parseInput } from '../http-errors';
import { SESSION_COOKIE, resolvePrincipal } from './auth';
import type { LaunchRuntime } from '../launches/runtime';
import { pushFacts } from './pushes';
import { textParser } from './socket-parser';
import {
  MAX_IN_FLIGHT_PER_SOCKET,
  SOCKET_BUFFER_BUDGET_BYTES,
  Turns,
  bufferedBytes,
  delivered,
  refusalAllowance,
  snapshotAllowance,
} from './socket-limits';

declare module 'fastify' {
  interface FastifyInstance {
    io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  }
}

type WarSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Clock pushes (or sockets' budget checks) per turn of the event loop in the once-a-second round. */
const CLOCK_SLICE = 200;
/** Beyond this many missed events a snapshot is cheaper than the catch-up (sent page by page). */
const MAX_CATCH_UP_EVENTS = 5000;
const INBOX = 'inbox';
export const launchRoom = (id: string) => `launch:${id}`;
/** Subscribers that take each commit as one `events` push (they are in launchRoom too, for clock and feed). */
export const batchRoom = (id: string) => `launch:${id}:batch`;
/** A group wall: every commit of the group's launches as `events`, the group's changes and clocks. */
export const groupRoom = (id: string) => `group:${id}`;

function fail(code: string, message: string): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } };
}

/**
 * Wraps a handler so that any payload and any failure ends in one acknowledgement envelope, written
 * in the socket's language. `guard`, when given, runs at once (before any other event of the socket)
 * and either refuses the event (throws an HttpError) or returns what to call after the answer.
 */
function handle<T>(
  log: FastifyBaseLogger,
  lang: Lang | undefined,
  fn: (input: unknown) => Promise<T> | T,
  guard?: (input: unknown) => () => void,
): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    // The acknowledgement is always the last argument socket.io hands over: an event sent with only
    // a callback (`emit('inbox:subscribe', cb)`) has no payload, and one sent with extra arguments
    // (`emit('subscribe', a, b, cb)`) is still answered (its payload is the first).
    const last = args.at(-1);
    const ack = typeof last === 'function' ? last : undefined;
    const input = ack && args.length === 1 ? undefined : args[0];
    const reply = typeof ack === 'function' ? (ack as (r: AckEnvelope<T>) => void) : () => undefined;
    const refuse = (e: unknown) => {
      if (e instanceof HttpError) reply(fail(e.code, e.messageIn(lang)));
      else {
        log.error({ err: e }, 'socket handler failed');
        reply(fail('internal', translate(lang ?? 'en', 'http.internal')));
      }
    };
    let after: () => void = () => undefined;
    try {
      if (guard) after = guard(input);
    } catch (e) {
      refuse(e);
      return;
    }
    Promise.resolve()
      .then(() => fn(input))
      .then((data) => reply({ ok: true, data }), refuse)
      .finally(after);
  };
}

/** The group a group:subscribe payload addresses (one in flight per socket and group). */
function groupSubscriptionKey(input: unknown): string {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  return typeof o.groupId === 'string' ? `group:${o.groupId}` : 'invalid';
}

/** The room a subscribe payload addresses (one subscription in flight per socket and room). */
function subscriptionKey(input: unknown): string {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (typeof o.replayId === 'string') return `replay:${o.replayId}`;
  if (typeof o.launchId === 'string') return `launch:${o.launchId}`;
  return 'invalid';
}

/** Whose allowance of snapshots a socket draws on. */
function principalKey(socket: WarSocket): string {
  const p = socket.data.principal;
  if (!p) return 'anonymous';
  return p.kind === 'token' ? `token:${p.tokenId}` : `user:${p.username}`;
}

function languageOf(auth: unknown): string | undefined {
  const lang = (auth as { lang?: unknown } | undefined)?.lang;
  return typeof lang === 'string' ? lang : undefined;
}

/** Socket payloads are validated like HTTP bodies; a bad one is answered with a rejected ack. */
const parse = <T extends z.ZodType>(schema: T, v: unknown): z.infer<T> => parseInput(schema, v, 'payload');

export default fp(
  async (app) => {
    const io: Server<
      ClientToServerEvents,
      ServerToClientEvents,
      Record<string, never>,
      SocketData
    > = new Server(app.server, {
      serveClient: false,
      maxHttpBufferSize: 64 * 1024,
      parser: textParser,
      // Same-origin pages only; non-browser clients send no Origin.
      allowRequest: (req, cb) => cb(null, originAllowed(req.headers.origin, req.headers.host)),
    });
    app.decorate('io', io);
    // Several instances: the Redis Streams adapter makes rooms cluster-wide for io.to(...) (replays,
    // socket lookups). Launch facts are not sent through it: every instance folds every launch
    // from the log and pushes each fact to its own sockets (io.local), so a screen on any
    // instance gets each fact once, with no second copy of the log in the adapter's stream.
    if (app.redisBackend) {
      const prefix = app.redisBackend.prefix;
      io.adapter(
        createAdapter(app.redisBackend.adapterRedis, {
          streamName: `${prefix}socket.io`,
          channelPrefix: `${prefix}socket.io`,
          sessionKeyPrefix: `${prefix}sio:session:`,
          blockTimeInMs: 1_000,
        }),
      );
    }
    const registry = app.registry;
    const snapshots = snapshotAllowance();
    const refusals = refusalAllowance();
    const snapshotTurns = new Turns();
    /** Drops a connection, saying why (in the log, and to the client if it still reads). */
    const drop = (socket: WarSocket, code: 'memory_budget' | 'flooding') => {
      if (socket.disconnected) return;
      const why =
        code === 'memory_budget'
          ? 'it is past its memory budget (answers and pushes not read)'
          : 'it keeps sending what is refused';
      app.log.warn(
        { socket: socket.id, who: actorName(socket.data.principal), buffered: bufferedBytes(socket) },
        `socket dropped: ${why}`,
      );
      const key = code === 'memory_budget' ? 'socket.memoryBudget' : 'socket.flooding';
      socket.emit('dropped', { code, message: translate('en', key) });
      socket.disconnect(true);
      refusals.forget(socket.id);
    };

    // The handshake carries the session cookie or `auth.token` (a screen token); checked on every
    // (re)connection, so a revoked token or ended session cannot come back.
    io.use(async (socket, next) => {
      const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const resolve = () =>
        resolvePrincipal(
          app.accounts,
          typeof token === 'string' ? `Bearer ${token}` : undefined,
          cookies[SESSION_COOKIE],
        ).principal;
      let principal = resolve();
      // A token or session made a moment ago on another instance (Redis): catch up once.
      if (!principal && app.redisBackend) {
        await app.accounts.catchUp().catch(() => undefined);
        principal = resolve();
      }
      if (!principal || !allowed(principal, 'read')) {
        const err = new Error(principal ? 'forbidden' : 'unauthorized') as Error & { data?: unknown };
        err.data = {
          code: principal ? 'forbidden' : 'unauthorized',
          message: principal
            ? 'this token may not watch screens'
            : 'log in first, or open the screen with its token',
        };
        return next(err);
      }
      socket.data.principal = principal;
      if (principal.kind === 'token') void socket.join(`token:${principal.tokenId}`);
      else void socket.join(`session:${(cookies[SESSION_COOKIE] ?? '').slice(0, 16)}`);
      next();
    });

    io.on('connection', (socket: WarSocket) => {
      // The page's language (`auth.lang`, re-read on every reconnection), else the browser's.
      const lang =
        acceptedLanguage(languageOf(socket.handshake.auth)) ??
        acceptedLanguage(socket.handshake.headers['accept-language']);
      // One subscription in flight per room: held from the event until its answer has left the server.
      const inFlight = new Set<string>();
      const oneAtATime =
        (keyOf: (input: unknown) => string) =>
        (input: unknown): (() => void) => {
          const key = keyOf(input);
          if (inFlight.has(key) || inFlight.size >= MAX_IN_FLIGHT_PER_SOCKET) {
            if (!refusals.take(socket.id)) drop(socket, 'flooding');
            throw new HttpError(409, 'subscription_in_flight', { key: 'socket.subscriptionInFlight' });
          }
          inFlight.add(key);
          return () => void delivered(socket).then(() => inFlight.delete(key));
        };
      const allowSnapshot = (n = 1) => {
        if (snapshots.take(principalKey(socket), n)) return;
        if (!refusals.take(socket.id)) drop(socket, 'flooding');
        throw new HttpError(429, 'rate_limited', { key: 'socket.snapshotsTooOften' });
      };
      const withinBudget = () => {
        if (bufferedBytes(socket) > SOCKET_BUFFER_BUDGET_BYTES) {
          drop(socket, 'memory_budget');
          throw new HttpError(429, 'rate_limited', { key: 'socket.memoryBudget' });
        }
      };
      const need = (access: Access) => {
        if (!allowed(socket.data.principal, access))
          throw new HttpError(403, 'forbidden', {
            key: 'http.needsAccess',
            params: { who: actorName(socket.data.principal), access },
          });
      };

      socket.on(
        'subscribe',
        handle(
          app.log,
          lang,
          async (input): Promise<SubscribeData> => {
            need('read');
            withinBudget();
            // A replay has its own room and offsets (plugins/replays.ts).
            if (addressesReplay(input)) return app.replaySockets.subscribe(socket, input, allowSnapshot);
            const { launchId, after, batch } = parse(SubscribeInput, input);
            const rt = registry.get(launchId);
            if (!rt)
              throw new HttpError(404, 'not_found', { key: 'http.launchNotFound', params: { id: launchId } });
            // Let writes in flight land first, so the answer shows what is stored.
            if (rt.busy) await rt.settled();
            const durable = rt.durableOffset;
            const catchUp =
              after !== undefined && after <= durable && durable - after <= MAX_CATCH_UP_EVENTS && !rt.busy;
            if (!catchUp) {
              allowSnapshot();
              // Snapshots take turns, one per turn of the event loop; then the state as it is now.
              await snapshotTurns.next();
              if (socket.disconnected) throw new HttpError(409, 'conflict', 'the connection is gone');
              if (rt.busy) await rt.settled();
            }
            // Joined and answered in the same tick: no push can fall between the answer and the room.
            void socket.join(batch ? [launchRoom(launchId), batchRoom(launchId)] : launchRoom(launchId));
            if (!batch) void socket.leave(batchRoom(launchId));
            if (catchUp) {
              // A page at a time: the client asks again from the page's last offset while `more`.
              const events = rt.eventsAfter(after, Math.min(EVENTS_PAGE_MAX, durable - after));
              return {
                kind: 'events',
                events,
                offset: durable,
                more: (events.at(-1)?.offset ?? after) < durable,
              };
            }
            return { kind: 'snapshot', snapshot: toSnapshot(rt.state, rt.clock.now(), rt.clock.speed) };
          },
          oneAtATime(subscriptionKey),
        ),
      );

      socket.on(
        'group:subscribe',
        handle(
          app.log,
          lang,
          async (input): Promise<GroupSubscribeData> => {
            need('read');
            withinBudget();
            const { groupId, after } = parse(GroupSubscribeInput, input);
            const room = groupRoom(groupId);
            const joined = [...socket.rooms].filter((r) => r.startsWith('group:') && r !== room).length;
            if (joined >= MAX_GROUP_ROOMS)
              throw new HttpError(
                429,
                'rate_limited',
                `one connection watches at most ${MAX_GROUP_ROOMS} groups; unsubscribe one first`,
              );
            const find = () => {
              const group = app.groups.get(groupId);
              if (!group)
                throw new HttpError(404, 'not_found', { key: 'group.notFound', params: { id: groupId } });
              return group;
            };
            // Let writes in flight land first, so the answer shows what is stored.
            await Promise.all(
              find().launchIds.map((id) => {
                const rt = registry.get(id);
                return rt?.busy ? rt.settled() : undefined;
              }),
            );
            // A group's answer holds a snapshot per launch not caught up from `after`: each drawn
            // from the principal's allowance, all built in one turn of the event loop of their own.
            const seen = new Map((after ?? []).map((a) => [a.launchId, a.offset]));
            const whole = find().launchIds.filter((id) => {
              const rt = registry.get(id);
              return rt !== undefined && !canCatchUp(rt, seen.get(id));
            }).length;
            if (whole > 0) allowSnapshot(whole);
            await snapshotTurns.next();
            if (socket.disconnected) throw new HttpError(409, 'conflict', 'the connection is gone');
            // Joined and answered in the same tick: no push can fall between the answer and the room.
            const group = find();
            void socket.join(room);
            return {
              group,
              launches: group.launchIds.flatMap((id) => {
                const rt = registry.get(id);
                return rt ? [{ launchId: id, data: subscribeAnswer(rt, seen.get(id)) }] : [];
              }),
            };
          },
          oneAtATime(groupSubscriptionKey),
        ),
      );

      socket.on(
        'group:unsubscribe',
        handle(app.log, lang, (input) => {
          const { groupId } = parse(GroupUnsubscribeInput, input);
          void socket.leave(groupRoom(groupId));
          return null;
        }),
      );

      socket.on(
        'unsubscribe',
        handle(app.log, lang, (input) => {
          if (addressesReplay(input)) return app.replaySockets.unsubscribe(socket, input);
          const { launchId } = parse(UnsubscribeInput, input);
          void socket.leave(launchRoom(launchId));
          void socket.leave(batchRoom(launchId));
          return null;
        }),
      );

      socket.on(
        'inbox:subscribe',
        handle(
          app.log,
          lang,
          (): Alert[] => {
            need('read');
            withinBudget();
            void socket.join(INBOX);
            return newestAlerts(
              registry.all().flatMap((rt) => [...rt.state.alerts.values()]),
              INBOX_MAX_ALERTS,
            );
          },
          oneAtATime(() => INBOX),
        ),
      );

      socket.on(
        'alert:ack',
        handle(app.log, lang, async (input): Promise<Alert> => {
          // A trainee acknowledging a replayed alert: the replay's state only, never the launch's.
          if (addressesReplay(input)) {
            need('user');
            return app.replaySockets.acknowledge(socket, input);
          }
          need('supervisor');
          const { alertId, action, note } = parse(SocketAckInput, input);
          return app.launches.acknowledge(
            alertId,
            { action, note },
            actorOf(socket.data.principal),
            'socket',
          );
        }),
      );

      socket.on(
        'incident:ack',
        handle(app.log, lang, async (input): Promise<Incident> => {
          need('supervisor');
          const { incidentId, action, note } = parse(SocketIncidentAckInput, input);
          return app.launches.acknowledgeIncident(
            incidentId,
            { action, note },
            actorOf(socket.data.principal),
            'socket',
          );
        }),
      );
    });

    // Committed facts are pushed at once: timed from the commit being durable to the last emit.
    registry.on('committed', (rt, events) => {
      const end = app.metrics.fanout.startTimer();
      broadcast(io, rt, events, app.groups.groupOf(rt.id)?.id ?? null);
      end();
    });
    registry.on('rolledBack', (rt) => {
      const group = app.groups.groupOf(rt.id);
      const rooms = group ? [launchRoom(rt.id), groupRoom(group.id)] : launchRoom(rt.id);
      io.local.to(rooms).emit('resync', { launchId: rt.id, offset: rt.durableOffset });
    });
    // A group changed (on this instance or, folded from the shared log, on another): its walls
    // hear of it and subscribe again for the launches it now holds.
    app.groups.onChange((group, id) => io.local.to(groupRoom(id)).emit('group', { groupId: id, group }));
    app.launches.onFeed((rt) => {
      const now = rt.clock.now();
      io.local.to(launchRoom(rt.id)).emit('feed', {
        launchId: rt.id,
        offset: rt.durableOffset,
        state: feedState(rt.state, now),
        lastReadingAt:
          rt.state.lastReadingAtMs === null ? null : new Date(rt.state.lastReadingAtMs).toISOString(),
      });
    });

    // The launch clock for screens: once a second to every watched launch. And every socket's
    // memory budget: a connection that stopped reading while pushes piled up is dropped. Thousands
    // of launches and sockets are walked a slice per turn of the event loop, so the second's work
    // never holds it in one block.
    let clockRound: Promise<void> | null = null;
    let closing = false;
    const clockPushes = async () => {
      let n = 0;
      const turn = async () => {
        if (++n % CLOCK_SLICE === 0) await new Promise<void>((r) => setImmediate(r));
        return !closing;
      };
      for (const socket of [...io.sockets.sockets.values()]) {
        if (bufferedBytes(socket) > SOCKET_BUFFER_BUDGET_BYTES) drop(socket, 'memory_budget');
        if (!(await turn())) return;
      }
      for (const rt of registry.all()) {
        const room = launchRoom(rt.id);
        if ((io.sockets.adapter.rooms.get(room)?.size ?? 0) === 0) continue;
        io.local.to(room).emit('clock', {
          launchId: rt.id,
          offset: rt.durableOffset,
          now: new Date(rt.clock.now()).toISOString(),
          speed: rt.clock.speed,
        });
        if (!(await turn())) return;
      }
    };
    const clockTimer = setInterval(() => {
      snapshots.sweep();
      refusals.sweep();
      // A round still going (a loaded second) is not doubled.
      clockRound ??= clockPushes().finally(() => (clockRound = null));
      // Each group wall hears all its launches' clocks in one push.
      for (const group of app.groups.list()) {
        const room = groupRoom(group.id);
        if ((io.sockets.adapter.rooms.get(room)?.size ?? 0) === 0) continue;
        const clocks = group.launchIds.flatMap((id) => {
          const rt = registry.get(id);
          return rt
            ? [
                {
                  launchId: id,
                  offset: rt.durableOffset,
                  now: new Date(rt.clock.now()).toISOString(),
                  speed: rt.clock.speed,
                },
              ]
            : [];
        });
        io.local.to(room).emit('group:clock', { groupId: group.id, clocks });
      }
    }, 1000);
    clockTimer.unref();

    // Connections are closed without a disconnect packet, so every client (our screens and any
    // Socket.IO integration) reconnects by itself — behind the proxy, to another instance — and
    // resubscribes from the last offset it saw. Before the HTTP server closes: it waits for every
    // connection, and an upgraded WebSocket is never idle, so the server would wait for the
    // clients to leave. A command a socket started still finishes and is stored; only its answer
    // is lost, and the client's resubscription brings the facts.
    app.addHook('preClose', async () => {
      closing = true;
      clearInterval(clockTimer);
      io.engine.close();
    });
    app.addHook('onClose', async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    });
  },
  { name: 'socket', dependencies: ['registry', 'auth', 'metrics', 'groups'] },
);

export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** What a (re)subscription is answered with: the events after `after`, or a snapshot. */
/** A group's answer for one launch: what it missed when that fits one page, else a snapshot. */
/** Whether a group wall that saw `after` of this launch is answered with the events since (one page). */
function canCatchUp(rt: LaunchRuntime, after: number | undefined): after is number {
  const durable = rt.durableOffset;
  return after !== undefined && after <= durable && durable - after <= EVENTS_PAGE_MAX && !rt.busy;
}

function subscribeAnswer(rt: LaunchRuntime, after: number | undefined): SubscribeData {
  if (canCatchUp(rt, after))
    return { kind: 'events', events: rt.eventsAfter(after, EVENTS_PAGE_MAX), offset: rt.durableOffset };
  return { kind: 'snapshot', snapshot: toSnapshot(rt.state, rt.clock.now(), rt.clock.speed) };
}

function broadcast(
  io: Server<ClientToServerEvents, ServerToClientEvents>,
  rt: LaunchRuntime,
  events: readonly LaunchEvent[],
  groupId: string | null,
) {
  // The adapter's rooms are this instance's sockets, and facts go to local sockets only: every
  // instance pushes the facts it folds (its own and those it caught up on) to its own sockets, so
  // with several instances each screen still gets each fact once.
  const rooms = io.sockets.adapter.rooms;
  const watching = rooms.get(launchRoom(rt.id))?.size ?? 0;
  const batched = rooms.get(batchRoom(rt.id))?.size ?? 0;
  const inbox = rooms.get(INBOX)?.size ?? 0;
  pushFacts(
    {
      to: (r) => io.local.to(r),
      room: launchRoom(rt.id),
      batchRoom: batchRoom(rt.id),
      inboxRoom: INBOX,
      // Nobody to tell: skip encoding a packet per event (a batch of readings is hundreds of them).
      namedWanted: watching > batched || inbox > 0,
      batchWanted: batched > 0,
    },
    events,
    { launchId: rt.id },
    () => ({ now: new Date(rt.clock.now()).toISOString(), speed: rt.clock.speed }),
  );
  // Group walls take every commit of the group's launches as one push; a socket that also
  // watches the launch itself as a batch subscriber got it already.
  if (groupId && events.length > 0 && (rooms.get(groupRoom(groupId))?.size ?? 0) > 0)
    io.local
      .to(groupRoom(groupId))
      .except(batchRoom(rt.id))
      .emit('events', { launchId: rt.id, offset: events.at(-1)!.offset, events: [...events] });
}
