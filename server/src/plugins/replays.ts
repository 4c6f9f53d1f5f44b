/**
 * Replays as a plugin: the manager, and its pushes to each replay's own Socket.IO room
 * (`replay:<id>`). A replay's facts never reach a launch room, the inbox, or the launch's log; the
 * socket plugin hands `subscribe`/`unsubscribe`/`alert:ack` payloads that name a `replayId` here.
 */
import fp from 'fastify-plugin';
import type { Socket } from 'socket.io';
import {
  type Alert,
  type LaunchEvent,
  type SubscribeData,
  ReplaySocketAckInput,
  ReplaySubscribeInput,
  ReplayUnsubscribeInput,
} from '@warroom/shared';
import type { z } from 'zod';
import { HttpError, parseInput } from '../http-errors';
import { namedPush } from './pushes';
import { personName } from '../routes/replays';
import { ReplayManager } from '../replay/manager';
import type { Replay } from '../replay/replay';

declare module 'fastify' {
  interface FastifyInstance {
    replays: ReplayManager;
    replaySockets: {
      subscribe(socket: Socket, input: unknown): Promise<SubscribeData>;
      unsubscribe(socket: Socket, input: unknown): null;
      acknowledge(socket: Socket, input: unknown): Promise<Alert>;
    };
  }
}

export const replayRoom = (id: string) => `replay:${id}`;

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
      const room = io.to(replayRoom(r.id));
      const clock = () => ({ now: r.info().now, speed: r.effectiveSpeed });
      for (const e of events) {
        const push = namedPush(e, { launchId: e.launchId, replayId: r.id, offset: e.offset }, clock);
        // A replay's launch.created still moves its offset on: push it as a clock tick.
        if (push) room.emit(push.event, push.payload as never);
        else room.emit('clock', { launchId: e.launchId, replayId: r.id, offset: e.offset, ...clock() });
      }
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
      if (!r) throw new HttpError(404, 'not_found', `replay ${id} does not exist`);
      return r;
    };

    app.decorate('replaySockets', {
      async subscribe(socket: Socket, input: unknown): Promise<SubscribeData> {
        const { replayId, after } = parse(ReplaySubscribeInput, input);
        const r = await find(replayId);
        void socket.join(replayRoom(replayId));
        const events = after === undefined ? null : r.eventsAfter(after);
        if (events) return { kind: 'events', events, offset: r.offset };
        return { kind: 'snapshot', snapshot: r.snapshot() };
      },
      unsubscribe(socket: Socket, input: unknown): null {
        const { replayId } = parse(ReplayUnsubscribeInput, input);
        void socket.leave(replayRoom(replayId));
        return null;
      },
      async acknowledge(socket: Socket, input: unknown): Promise<Alert> {
        const { replayId, alertId, by, action, note } = parse(ReplaySocketAckInput, input);
        const r = await find(replayId);
        const who =
          r.options.drill?.trainee ?? personName((socket.data as { principal?: unknown }).principal) ?? by;
        if (!who) throw new HttpError(400, 'invalid_input', 'say who is acknowledging ("by")');
        const alert = r.acknowledge(alertId, who, action, note);
        if (!alert) throw new HttpError(404, 'not_found', `alert ${alertId} has not fired in this replay`);
        await manager.record(r);
        return alert;
      },
    });

    // The replay clock for its screens, once a second while it plays.
    const clockTimer = setInterval(() => {
      manager.checkLeases();
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
