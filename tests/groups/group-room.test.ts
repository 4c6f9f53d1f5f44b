/**
 * The group room over real socket.io clients: `group:subscribe` answers every launch's state, then
 * each commit of any launch in the group arrives once as `events`; group changes are pushed;
 * unknown groups, bad payloads, viewers without access and too many rooms are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Socket, io } from 'socket.io-client';
import type {
  AckEnvelope,
  ClientToServerEvents,
  EventsPush,
  GroupClockPush,
  GroupPush,
  GroupSubscribeData,
  GroupView,
  ServerToClientEvents,
} from '@warroom/shared';
import { MAX_GROUP_LAUNCHES } from '@warroom/shared';
import { SNAPSHOT_BURST } from '../../server/src/plugins/socket-limits';
import { makeApp, pastLaunchInput, readings, removeTempDirs, waitFor } from '../helpers/server';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let app: FastifyInstance & { adminCookie: string };
let url: string;
const ids: string[] = [];
let groupId = '';
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  app = (await makeApp()) as typeof app;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening');
  url = `http://127.0.0.1:${addr.port}`;
  for (const name of ['A', 'B', 'C']) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/launches',
      payload: pastLaunchInput({ name }),
    });
    ids.push(res.json<{ id: string }>().id);
  }
  const g = await app.inject({ method: 'POST', url: '/api/groups', payload: { name: 'G', launchIds: ids } });
  groupId = g.json<GroupView>().group.id;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await app.close();
  await removeTempDirs();
});

async function connect(): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: app.adminCookie },
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

function subscribe(s: ClientSocket, input: unknown): Promise<AckEnvelope<GroupSubscribeData>> {
  return new Promise((resolve) => s.emit('group:subscribe', input, resolve));
}

describe('group room', () => {
  it('answers every launch, then pushes each commit of any of them once', async () => {
    const s = await connect();
    const events: EventsPush[] = [];
    s.on('events', (p) => events.push(p));
    const r = await subscribe(s, { groupId });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.launches.map((l) => l.launchId)).toEqual(ids);
    expect(r.data.launches.every((l) => l.data.kind === 'snapshot')).toBe(true);
    for (const id of ids)
      await app.inject({ method: 'POST', url: `/api/launches/${id}/readings`, payload: readings(0, 3) });
    await waitFor(() => new Set(events.map((e) => e.launchId)).size === 3);
    // One push per commit per launch, never two copies.
    const offsets = events.map((e) => `${e.launchId}:${e.offset}`);
    expect(new Set(offsets).size).toBe(offsets.length);
    // A resubscription with the offsets seen answers only what followed.
    const after = ids.map((launchId) => ({
      launchId,
      offset: Math.max(...events.filter((e) => e.launchId === launchId).map((e) => e.offset)),
    }));
    const again = await subscribe(s, { groupId, after });
    if (!again.ok) throw new Error(again.error.message);
    for (const l of again.data.launches) expect(l.data).toMatchObject({ kind: 'events', events: [] });
  });

  it('pushes the launches’ clocks in one push, and group changes', async () => {
    const s = await connect();
    const clocks: GroupClockPush[] = [];
    const changes: GroupPush[] = [];
    s.on('group:clock', (p) => clocks.push(p));
    s.on('group', (p) => changes.push(p));
    await subscribe(s, { groupId });
    await waitFor(() => clocks.length > 0, { timeoutMs: 5000 });
    expect(clocks[0]!.clocks.map((c) => c.launchId)).toEqual(ids);
    const put = await app.inject({
      method: 'PUT',
      url: `/api/groups/${groupId}`,
      payload: { name: 'G2', launchIds: ids.slice(0, 2) },
    });
    expect(put.statusCode).toBe(200);
    await waitFor(() => changes.length > 0);
    expect(changes[0]!.group?.launchIds).toEqual(ids.slice(0, 2));
  });

  it('refuses unknown groups, bad payloads and more than the allowed rooms', async () => {
    const s = await connect();
    const unknown = await subscribe(s, { groupId: 'nosuchgroup' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const bad = await subscribe(s, { groupId, after: 'x' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const many: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/launches',
        payload: pastLaunchInput({ name: `L${i}` }),
      });
      const g = await app.inject({
        method: 'POST',
        url: '/api/groups',
        payload: { name: `G${i}`, launchIds: [res.json<{ id: string }>().id] },
      });
      many.push(g.json<GroupView>().group.id);
    }
    const answers = [];
    for (const id of many) answers.push(await subscribe(s, { groupId: id }));
    expect(answers.slice(0, 4).every((a) => a.ok)).toBe(true);
    expect(answers[4]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('a group wall draws one snapshot per launch from its principal’s allowance; catch-ups draw none', async () => {
    // A group of the largest size: each whole answer is that many snapshots.
    const launchIds: string[] = [];
    for (let i = 0; i < MAX_GROUP_LAUNCHES; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/launches',
        payload: pastLaunchInput({ name: `S${i}` }),
      });
      launchIds.push(res.json<{ id: string }>().id);
    }
    const g = await app.inject({ method: 'POST', url: '/api/groups', payload: { name: 'big', launchIds } });
    const big = g.json<GroupView>().group.id;
    const s = await connect();
    const first = await subscribe(s, { groupId: big });
    if (!first.ok) throw new Error(first.error.message);
    const after = first.data.launches.map((l) => ({
      launchId: l.launchId,
      offset: l.data.kind === 'snapshot' ? l.data.snapshot.offset : l.data.offset,
    }));
    // Asked again and again without reading: refused once the allowance (SNAPSHOT_BURST snapshots,
    // coming back at 100 a second) is spent, well before a thousand group answers.
    let answered = 1;
    let refused: AckEnvelope<GroupSubscribeData> | null = null;
    while (!refused && answered < 200) {
      const r = await subscribe(s, { groupId: big });
      if (r.ok) answered++;
      else refused = r;
    }
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(answered).toBeGreaterThanOrEqual(SNAPSHOT_BURST / MAX_GROUP_LAUNCHES);
    expect(answered).toBeLessThan(SNAPSHOT_BURST / MAX_GROUP_LAUNCHES + 60);
    // A wall that saw every launch catches up without a snapshot, so it costs nothing.
    const caughtUp = await subscribe(s, { groupId: big, after });
    if (!caughtUp.ok) throw new Error(caughtUp.error.message);
    expect(caughtUp.data.launches.every((l) => l.data.kind === 'events')).toBe(true);
  });
});
