/**
 * Replays as a plugin: the manager, and its pushes to each replay's own Socket.IO room
 * (`replay:<id>`). A replay's facts never reach a launch room, the inbox, or the launch's log; the
 * socket plugin hands `subscribe`/`unsubscribe`/`alert:ack` payloads that name a `replayId` here.
 */
import fp from 'fastify-plugin';
import type { Socket } from 'socket.io';
import {
  type Alert,
  EVENTS_PAGE_MAX,
  type LaunchEvent,
  type SocketData,
  type SubscribeData,
  ReplaySocketAckInput,
  ReplaySubscribeInput,
  ReplayUnsubscribeInput,
} from '@warroom/shared';
import type { z } from 'zod';
import { HttpError, parseInput } from '../http-errors';
import { pushFacts } from './pushes';
import { mayAcknowledgeInReplay, personName } from '../accounts/policy';
import { ReplayManager } from '../replay/manager';
import type { Replay } from '../replay/replay';

declare module 'fastify' {
  interface FastifyInstance {
    replays: ReplayManager;
    replaySockets: {
      /** `allowSnapshot` throws when this socket's principal may not be sent a snapshot now. */
      subscribe(socket: Socket, input: unknown, allowSnapshot: () => void): Promise<SubscribeData>;
      unsubscribe(socket: Socket, input: unknown): null;
      acknowledge(socket: Socket, input: unknown): Promise<Alert>;
    };
  }
}

export const replayRoom = (id: string) => `replay:${id}`;
/** Replay watchers that take each step's facts as one `events` push (they are in replayRoom too). */
export const replayBatchRoom = (id: string) => `replay:${id}:batch`;

/** Socket payloads are validated like HTTP bodies; a bad one is answered with a rejected ack. */
const parse = <T extends z.ZodType>(schema: T, v: unknown): z.infer<T> => parseInput(schema, v, 'payload');

export default fp(
  async (app) => {
    const io = app.io;
    // Several instances: the owner's pushes reach the room's sockets on every instance (the Redis
    // adapter), and it cannot see the other instances' rooms, so it always pushes.
    const shared = app.redisBackend !== null;
    const watched = (r: Replay) => shared || (io.sockets.adapter.rooms.get(replayRoom(r.id))?.size ?? 0) > 0;

    const facts = (r: Replay, events: readonly LaunchEvent[]) => {
      if (!watched(r)) return;
      const local = io.sockets.adapter.rooms;
      const all = local.get(replayRoom(r.id))?.size ?? 0;
      const batched = local.get(replayBatchRoom(r.id))?.size ?? 0;
      pushFacts(
        {
          to: (rooms) => io.to(rooms),
          room: replayRoom(r.id),
          batchRoom: replayBatchRoom(r.id),
          // The room spans instances under Redis: push both kinds, whoever watches.
          namedWanted: shared || all > batched,
          batchWanted: shared || batched > 0,
        },
        events,
        { launchId: r.launchId, replayId: r.id },
        () => ({ now: r.info().now, speed: r.effectiveSpeed }),
      );
    };

    const manager = new ReplayManager(
      app.registry,
      {
        facts,
        info(r, reset) {
          if (!watched(r)) return;
          io.to(replayRoom(r.id)).emit('replay', {
            launchId: r.launchId,
            replayId: r.id,
            offset: r.offset,
            info: r.info(),
            ...(reset ? { snapshot: r.snapshot() } : {}),
          });
        },
      },
      app.redisBackend?.replays ?? null,
    );
    app.decorate('replays', manager);

    const find = async (id: string) => {
      const r = await manager.obtain(id);
      if (!r) throw new HttpError(404, 'not_found', { key: 'http.replayNotFound', params: { id } });
      return r;
    };

    app.decorate('replaySockets', {
      async subscribe(socket: Socket, input: unknown, allowSnapshot: () => void): Promise<SubscribeData> {
        const { replayId, after, batch } = parse(ReplaySubscribeInput, input);
        const r = await find(replayId);
        const events = after === undefined ? null : r.eventsAfter(after, EVENTS_PAGE_MAX);
        if (!events) allowSnapshot();
        void socket.join(batch ? [replayRoom(replayId), replayBatchRoom(replayId)] : replayRoom(replayId));
        if (!batch) void socket.leave(replayBatchRoom(replayId));
        // A page at a time, like a launch's catch-up.
        if (events)
          return {
            kind: 'events',
            events,
            offset: r.offset,
            more: (events.at(-1)?.offset ?? r.offset) < r.offset,
          };
        return { kind: 'snapshot', snapshot: r.snapshot() };
      },
      unsubscribe(socket: Socket, input: unknown): null {
        const { replayId } = parse(ReplayUnsubscribeInput, input);
        void socket.leave(replayRoom(replayId));
        void socket.leave(replayBatchRoom(replayId));
        return null;
      },
      async acknowledge(socket: Socket, input: unknown): Promise<Alert> {
        const { replayId, alertId, by, action, note } = parse(ReplaySocketAckInput, input);
        const r = await find(replayId);
        if (!mayAcknowledgeInReplay((socket.data as SocketData).principal, r.options))
          throw new HttpError(403, 'forbidden', { key: 'replay.notYourDrill' });
        const who = r.options.drill?.trainee ?? personName((socket.data as SocketData).principal) ?? by;
        if (!who) throw new HttpError(400, 'invalid_input', { key: 'http.sayWhoAcks' });
        const alert = r.acknowledge(alertId, who, action, note);
        if (!alert)
          throw new HttpError(404, 'not_found', { key: 'http.alertNotInReplay', params: { alertId } });
        await manager.record(r);
        return alert;
      },
    });

    // The replay clock for its screens, once a second while it plays.
    const clockTimer = setInterval(() => {
      manager.checkLeases();
      // A playing replay whose owner died is taken over as soon as its lease lapses.
      void manager
        .adoptOrphans()
        .catch((e: unknown) => app.log.warn({ err: e }, 'could not look for replays to take over'));
      for (const r of manager.all()) {
        if (r.paused || !watched(r)) continue;
        io.to(replayRoom(r.id)).emit('clock', {
          launchId: r.launchId,
          replayId: r.id,
          offset: r.offset,
          now: r.info().now,
          speed: r.effectiveSpeed,
        });
      }
    }, 1000);
    clockTimer.unref();

    app.addHook('onClose', async () => {
      clearInterval(clockTimer);
      manager.close();
    });
  },
  { name: 'replays', dependencies: ['registry', 'socket'] },
);
