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
  type AckEnvelope,
  type Alert,
  type ClientToServerEvents,
  type LaunchEvent,
  type ServerToClientEvents,
  type SocketData,
  type SubscribeData,
  SocketAckInput,
  SubscribeInput,
  UnsubscribeInput,
  addressesReplay,
} from '@warroom/shared';
import { acknowledge, feedState, snapshot } from '../engine/index';
import { type Access, actorName, allowed } from '../accounts/policy';
import { HttpError, parseInput } from '../http-errors';
import { SESSION_COOKIE, resolvePrincipal } from './auth';
import type { LaunchRuntime } from '../launches/runtime';
import { namedPush } from './pushes';

declare module 'fastify' {
  interface FastifyInstance {
    io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  }
}

type WarSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Beyond this many missed events a snapshot is cheaper than the catch-up. */
const MAX_CATCH_UP_EVENTS = 5000;
const INBOX = 'inbox';
export const launchRoom = (id: string) => `launch:${id}`;
/** Subscribers that take each commit as one `events` push (they are in launchRoom too, for clock and feed). */
export const batchRoom = (id: string) => `launch:${id}:batch`;

function fail(code: string, message: string): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } };
}

/** Wraps a handler so that any payload and any failure ends in one acknowledgement envelope. */
function handle<T>(
  log: FastifyBaseLogger,
  fn: (input: unknown) => Promise<T> | T,
): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    // The acknowledgement is always the last argument socket.io hands over: an event sent with only
    // a callback (`emit('inbox:subscribe', cb)`) has no payload, and one sent with extra arguments
    // (`emit('subscribe', a, b, cb)`) is still answered (its payload is the first).
    const last = args.at(-1);
    const ack = typeof last === 'function' ? last : undefined;
    const input = ack && args.length === 1 ? undefined : args[0];
    const reply = typeof ack === 'function' ? (ack as (r: AckEnvelope<T>) => void) : () => undefined;
    Promise.resolve()
      .then(() => fn(input))
      .then(
        (data) => reply({ ok: true, data }),
        (e: unknown) => {
          if (e instanceof HttpError) reply(fail(e.code, e.message));
          else {
            log.error({ err: e }, 'socket handler failed');
            reply(fail('internal', 'something went wrong on our side'));
          }
        },
      );
  };
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
      const need = (access: Access) => {
        if (!allowed(socket.data.principal, access))
          throw new HttpError(
            403,
            'forbidden',
            `${actorName(socket.data.principal)} may not do this (needs ${access} access)`,
          );
      };

      socket.on(
        'subscribe',
        handle(app.log, async (input): Promise<SubscribeData> => {
          need('read');
          // A replay has its own room and offsets (plugins/replays.ts).
          if (addressesReplay(input)) return app.replaySockets.subscribe(socket, input);
          const { launchId, after, batch } = parse(SubscribeInput, input);
          const rt = registry.get(launchId);
          if (!rt) throw new HttpError(404, 'not_found', `launch ${launchId} does not exist`);
          // Let writes in flight land first, so the answer shows what is stored.
          if (rt.busy) await rt.settled();
          // Joined and answered in the same tick: no push can fall between the answer and the room.
          void socket.join(batch ? [launchRoom(launchId), batchRoom(launchId)] : launchRoom(launchId));
          if (!batch) void socket.leave(batchRoom(launchId));
          const durable = rt.durableOffset;
          if (after !== undefined && after <= durable && durable - after <= MAX_CATCH_UP_EVENTS && !rt.busy) {
            return { kind: 'events', events: rt.eventsAfter(after), offset: durable };
          }
          return { kind: 'snapshot', snapshot: snapshot(rt.state, rt.clock.now(), rt.clock.speed) };
        }),
      );

      socket.on(
        'unsubscribe',
        handle(app.log, (input) => {
          if (addressesReplay(input)) return app.replaySockets.unsubscribe(socket, input);
          const { launchId } = parse(UnsubscribeInput, input);
          void socket.leave(launchRoom(launchId));
          void socket.leave(batchRoom(launchId));
          return null;
        }),
      );

      socket.on(
        'inbox:subscribe',
        handle(app.log, (): Alert[] => {
          need('read');
          void socket.join(INBOX);
          return registry.all().flatMap((rt) => [...rt.state.alerts.values()]);
        }),
      );

      socket.on(
        'alert:ack',
        handle(app.log, async (input): Promise<Alert> => {
          // A trainee acknowledging a replayed alert: the replay's state only, never the launch's.
          if (addressesReplay(input)) {
            need('user');
            return app.replaySockets.acknowledge(socket, input);
          }
          need('supervisor');
          const { alertId, action, note } = parse(SocketAckInput, input);
          const rt = registry.forAlert(alertId);
          if (!rt) throw new HttpError(404, 'not_found', `alert ${alertId} does not exist`);
          const p = socket.data.principal;
          const who = p?.kind === 'user' ? p.displayName : actorName(p);
          const outcome = await rt.execute((state, now) => {
            const decided = acknowledge(state, alertId, { by: who, action, note }, now);
            return { events: decided.ok ? decided.events : [], result: decided };
          });
          if (!outcome.ok) throw new HttpError(404, 'not_found', outcome.message);
          if (outcome.events.length > 0)
            await app.audit.record(actorName(p), 'alert.ack', alertId, {
              action: action ?? null,
              via: 'socket',
            });
          return outcome.alert;
        }),
      );
    });

    registry.on('committed', (rt, events) => broadcast(io, rt, events));
    registry.on('rolledBack', (rt) =>
      io.local.to(launchRoom(rt.id)).emit('resync', { launchId: rt.id, offset: rt.durableOffset }),
    );
    registry.on('feed', (rt) => {
      const now = rt.clock.now();
      io.local.to(launchRoom(rt.id)).emit('feed', {
        launchId: rt.id,
        offset: rt.durableOffset,
        state: feedState(rt.state, now),
        lastReadingAt:
          rt.state.lastReadingAtMs === null ? null : new Date(rt.state.lastReadingAtMs).toISOString(),
      });
    });

    // The launch clock for screens: once a second to every watched launch.
    const clockTimer = setInterval(() => {
      for (const rt of registry.all()) {
        const room = launchRoom(rt.id);
        if ((io.sockets.adapter.rooms.get(room)?.size ?? 0) === 0) continue;
        io.local.to(room).emit('clock', {
          launchId: rt.id,
          offset: rt.durableOffset,
          now: new Date(rt.clock.now()).toISOString(),
          speed: rt.clock.speed,
        });
      }
    }, 1000);
    clockTimer.unref();

    app.addHook('onClose', async () => {
      clearInterval(clockTimer);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    });
  },
  { name: 'socket', dependencies: ['registry', 'auth'] },
);

export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function broadcast(
  io: Server<ClientToServerEvents, ServerToClientEvents>,
  rt: LaunchRuntime,
  events: readonly LaunchEvent[],
) {
  // Nobody to tell: skip encoding a packet per event (a batch of readings is hundreds of them).
  // The adapter's rooms are this instance's sockets, and facts go to local sockets only (below),
  // so this holds with the Redis adapter too, as it does for the clock timer above.
  const rooms = io.sockets.adapter.rooms;
  if ((rooms.get(launchRoom(rt.id))?.size ?? 0) === 0 && (rooms.get(INBOX)?.size ?? 0) === 0) return;
  // Local sockets only: every instance pushes the facts it folds (its own and those it caught up
  // on) to its own sockets, so with several instances each screen still gets each fact once.
  const batched = rooms.get(batchRoom(rt.id))?.size ?? 0;
  if (batched > 0)
    io.local
      .to(batchRoom(rt.id))
      .emit('events', { launchId: rt.id, offset: events.at(-1)!.offset, events: [...events] });
  // Named pushes for everyone else (integrations, the inbox).
  if ((rooms.get(launchRoom(rt.id))?.size ?? 0) === batched && (rooms.get(INBOX)?.size ?? 0) === 0) return;
  const room = io.local.to(launchRoom(rt.id)).except(batchRoom(rt.id));
  const both = io.local.to([launchRoom(rt.id), INBOX]).except(batchRoom(rt.id));
  const clock = () => ({ now: new Date(rt.clock.now()).toISOString(), speed: rt.clock.speed });
  for (const e of events) {
    const push = namedPush(e, { launchId: e.launchId, offset: e.offset }, clock);
    if (!push) continue;
    // Typed per event by namedPush; the emitter's overloads cannot follow a computed name.
    (push.inbox ? both : room).emit(push.event, push.payload as never);
  }
}
