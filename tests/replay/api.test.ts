/**
 * Replays over HTTP and Socket.IO against the real app: controls, a drill scored against the real
 * team, and rooms that never leak — a client in the live launch's room hears nothing of a replay,
 * and a client in the replay's room hears nothing of the live launch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type {
  AckEnvelope,
  Alert,
  DrillScoreSheet,
  LaunchSnapshot,
  ReplayInfo,
  SubscribeData,
  WhatIfResult,
} from '@warroom/shared';
import { recordedLaunch } from './record';
import { appWithLaunches, type TestApp } from './app';

const TEAM_ACTION = '直通车加价/放开限额';
const recorded = recordedLaunch({
  scenario: 'traffic-shortfall',
  seed: 21,
  durationMinutes: 90,
  team: { by: '王芳', delaySeconds: () => 90, action: () => TEAM_ACTION },
});

describe('replays through the app', () => {
  let t: TestApp;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await appWithLaunches([recorded.events]);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t.app.close();
  });

  const socket = async () => {
    const s = connect(url, { transports: ['websocket'], extraHeaders: t.cookie ? { cookie: t.cookie } : {} });
    sockets.push(s);
    await new Promise<void>((res, rej) => {
      s.once('connect', () => res());
      s.once('connect_error', rej);
    });
    return s;
  };
  const emit = <T>(s: Socket, event: string, input: unknown) =>
    new Promise<AckEnvelope<T>>((res) => s.emit(event, input, (r: AckEnvelope<T>) => res(r)));
  const start = async (body: object) => {
    const res = await t.call<{ replayId: string; info: ReplayInfo }>('POST', '/api/replays', {
      launchId: recorded.launch.id,
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body.replayId;
  };

  it('starts a replay at a minute before 开团 and seeks, steps and ends it', async () => {
    const id = await start({ speed: 60, paused: true });
    let view = await t.call<{ info: ReplayInfo; snapshot: LaunchSnapshot }>('GET', `/api/replays/${id}`);
    expect(view.body.info).toMatchObject({ minute: -1, paused: true, speed: 60, ended: false });
    expect(view.body.snapshot.readings).toEqual([]);
    await t.call('POST', `/api/replays/${id}/seek`, { minute: 30 });
    view = await t.call('GET', `/api/replays/${id}`);
    expect(view.body.info.minute).toBe(30);
    expect(view.body.snapshot.checkpoints.map((c) => c.checkpoint)).toEqual([15, 25]);
    await t.call('POST', `/api/replays/${id}/step`);
    expect((await t.call<{ info: ReplayInfo }>('GET', `/api/replays/${id}`)).body.info.minute).toBe(31);
    await t.call('POST', `/api/replays/${id}/end`);
    view = await t.call('GET', `/api/replays/${id}`);
    expect(view.body.info.ended).toBe(true);
    expect(view.body.snapshot.readings).toHaveLength(90);
    expect((await t.call('POST', `/api/replays/${id}/speed`, { speed: 7 })).status).toBe(400);
    expect((await t.call('POST', '/api/replays', { launchId: 'nope', speed: 1 })).status).toBe(404);
  });

  it('the live room hears nothing of a replay, and the replay room nothing of the live launch', async () => {
    const live = await socket();
    const watcher = await socket();
    const liveHeard: { event: string; replayId?: string }[] = [];
    const replayHeard: { event: string; replayId?: string }[] = [];
    for (const ev of ['reading', 'checkpoint', 'alert', 'alert:ack', 'alert:escalated', 'replay']) {
      live.on(ev, (p: { replayId?: string }) => liveHeard.push({ event: ev, replayId: p.replayId }));
      watcher.on(ev, (p: { replayId?: string }) => replayHeard.push({ event: ev, replayId: p.replayId }));
    }
    expect((await emit(live, 'subscribe', { launchId: recorded.launch.id })).ok).toBe(true);
    expect((await emit(live, 'inbox:subscribe', {})).ok).toBe(true);
    const id = await start({ speed: 60, paused: true });
    const sub = await emit<SubscribeData>(watcher, 'subscribe', { replayId: id });
    expect(sub.ok && sub.data.kind).toBe('snapshot');
    await t.call('POST', `/api/replays/${id}/end`);
    // A live reading for the launch: only the live room hears it.
    await t.call('POST', `/api/launches/${recorded.launch.id}/readings`, { minute: 89, uv: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(replayHeard.filter((h) => h.event === 'alert').length).toBeGreaterThan(0);
    expect(replayHeard.every((h) => h.replayId === id)).toBe(true);
    // The live room heard the live reading (and what it re-evaluated), nothing of the replay.
    expect(liveHeard[0]).toEqual({ event: 'reading', replayId: undefined });
    expect(liveHeard.every((h) => h.replayId === undefined && h.event !== 'replay')).toBe(true);
    const heardBeforeAck = liveHeard.length;
    // Acknowledging in the replay changes nothing of the live launch.
    const open = (
      await t.call<{ snapshot: LaunchSnapshot }>('GET', `/api/replays/${id}`)
    ).body.snapshot.alerts.find((a) => a.status === 'open');
    expect(open).toBeDefined();
    const ack = await emit<Alert>(watcher, 'alert:ack', {
      replayId: id,
      alertId: open!.id,
      by: '学员',
      action: '钻展加投',
    });
    expect(ack.ok && ack.data.ackedBy).toBeTruthy();
    await new Promise((r) => setTimeout(r, 200));
    expect(liveHeard).toHaveLength(heardBeforeAck);
    const liveLaunch = await t.call<LaunchSnapshot>('GET', `/api/launches/${recorded.launch.id}`);
    expect(liveLaunch.body.alerts.find((a) => a.id === open!.id)!.ackedBy).not.toBe('学员');
  });

  it('a resubscribing replay viewer gets the events it missed, or a snapshot after a seek', async () => {
    const s = await socket();
    const id = await start({ speed: 60, paused: true });
    const first = await emit<SubscribeData>(s, 'subscribe', { replayId: id });
    const offset = first.ok && first.data.kind === 'snapshot' ? first.data.snapshot.offset : -1;
    await t.call('POST', `/api/replays/${id}/step`);
    await t.call('POST', `/api/replays/${id}/step`);
    const again = await emit<SubscribeData>(s, 'subscribe', { replayId: id, after: offset });
    expect(again.ok && again.data.kind).toBe('events');
    await t.call('POST', `/api/replays/${id}/seek`, { minute: 20 });
    const afterSeek = await emit<SubscribeData>(s, 'subscribe', { replayId: id, after: offset });
    expect(afterSeek.ok && afterSeek.data.kind).toBe('snapshot');
  });

  it('a drill’s score sheet matches the acknowledgements made', async () => {
    const id = await start({ speed: 60, paused: true, drill: { trainee: '小李' } });
    await t.call('POST', `/api/replays/${id}/seek`, { minute: 16 });
    const alerts = (await t.call<{ snapshot: LaunchSnapshot }>('GET', `/api/replays/${id}`)).body.snapshot
      .alerts;
    const first = alerts.find((a) => a.status === 'open')!;
    expect(first).toBeDefined();
    // Seek to 30 s after it was raised (the replay clock is at 16:00; the alert fired just after 15:00).
    const res = await t.call<Alert>('POST', `/api/replays/${id}/alerts/${first.id}/ack`, {
      action: TEAM_ACTION,
    });
    expect(res.status).toBe(200);
    expect(res.body.ackedBy).toBe('小李');
    await t.call('POST', `/api/replays/${id}/end`);
    const sheet = (await t.call<DrillScoreSheet>('GET', `/api/replays/${id}/score`)).body;
    const row = sheet.alerts.find((a) => a.alertId === first.id)!;
    const expectedSeconds = (Date.parse(res.body.ackedAt!) - Date.parse(first.raisedAt)) / 1000;
    expect(row.trainee).toMatchObject({
      ackedBy: '小李',
      action: TEAM_ACTION,
      responseSeconds: expectedSeconds,
    });
    expect(row.team).toMatchObject({ ackedBy: '王芳', action: TEAM_ACTION, responseSeconds: 90 });
    expect(row.sameActionAsTeam).toBe(true);
    // One acknowledgement handles the incident: its alerts are the trainee's; every other is missed.
    const replayed = (await t.call<{ snapshot: LaunchSnapshot }>('GET', `/api/replays/${id}`)).body.snapshot
      .alerts;
    const inIncident = new Set(replayed.filter((a) => a.incidentId === first.incidentId).map((a) => a.id));
    const handled = sheet.alerts.filter((a) => a.trainee !== null);
    expect(handled.length).toBeGreaterThan(0);
    for (const h of handled) expect(inIncident.has(h.alertId), h.alertId).toBe(true);
    expect(sheet.acknowledged).toBe(handled.length);
    expect(sheet.missed).toBe(sheet.alerts.length - handled.length);
    for (const other of sheet.alerts.filter((a) => !inIncident.has(a.alertId))) {
      expect(other.trainee).toBeNull();
      expect(other.score).toBe(0);
    }
    expect(sheet.trainee).toBe('小李');
    expect(sheet.score).toBe(Math.round(sheet.alerts.reduce((s, a) => s + a.score, 0) / sheet.alerts.length));
  });

  it('what-if: a wider tolerance fires fewer alerts and leaves the stored launch as it was', async () => {
    const before = await t.call<LaunchSnapshot>('GET', `/api/launches/${recorded.launch.id}`);
    const wide = await t.call<WhatIfResult>('POST', `/api/launches/${recorded.launch.id}/what-if`, {
      tolerance: 0.9,
    });
    expect(wide.status).toBe(200);
    expect(wide.body.alerts.filter((a) => a.kind === 'breach')).toEqual([]);
    expect(wide.body.removed.length).toBeGreaterThan(0);
    const narrow = await t.call<WhatIfResult>('POST', `/api/launches/${recorded.launch.id}/what-if`, {
      tolerance: 0.01,
      checkpoints: [10, 20, 30],
    });
    expect(narrow.body.checkpoints.map((c) => c.checkpoint)).toEqual([10, 20, 30]);
    expect(narrow.body.added.length).toBeGreaterThan(0);
    const after = await t.call<LaunchSnapshot>('GET', `/api/launches/${recorded.launch.id}`);
    expect(after.body.offset).toBe(before.body.offset);
    expect(after.body.alerts).toEqual(before.body.alerts);
  });
});
