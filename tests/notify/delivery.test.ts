/**
 * Notifications end to end in one process: channels over HTTP (secrets never returned), each
 * platform's receiver getting the signed message in Chinese with the plan and the ack link,
 * routing by role / launch / severity, the acknowledgement told back (已确认 · who · action),
 * retries with backoff through a receiver outage, bunching over a robot's rate limit, and the
 * delivery log and test button with the platform's own codes.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Channel, ChannelTestResult, DeliveryLogEntry, Incident, Launch } from '@warroom/shared';
import { makeApp, pastLaunchInput, readings, removeTempDirs, userCookie, waitFor } from '../helpers/server';
import { parseMetrics } from '../helpers/metrics';
import { type Kind, Receiver } from './receivers';

type AdminApp = FastifyInstance & { adminCookie: string };

const PUBLIC_URL = 'https://warroom.example.cn';
let app: AdminApp;
const receivers: Receiver[] = [];

async function start(notify: Record<string, number> = {}): Promise<void> {
  app = (await makeApp({
    notify: {
      publicUrl: PUBLIC_URL,
      backoffMs: 50,
      backoffMaxMs: 400,
      maxAttempts: 12,
      perMinute: 1000,
      timeoutMs: 2000,
      intervalMs: 50,
      ...notify,
    },
  })) as AdminApp;
  await app.ready();
}

async function receiver(kind: Kind, opts: ConstructorParameters<typeof Receiver>[1] = {}): Promise<Receiver> {
  const r = new Receiver(kind, opts);
  await r.up();
  receivers.push(r);
  return r;
}

async function channel(r: Receiver, extra: Record<string, unknown> = {}): Promise<Channel> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/channels',
    payload: { name: `${r.kind} 群`, kind: r.kind, url: r.url, secret: r.opts.secret, ...extra },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Channel>();
}

/** Visitors, units and GMV 30% under plan to T+15: one traffic incident (推广主管). */
async function shortLaunch(overrides: Record<string, unknown> = {}): Promise<Launch> {
  const launch = await postJson<Launch>('/api/launches', pastLaunchInput(overrides), 201);
  await postJson(`/api/launches/${launch.id}/readings`, readings(0, 15, 0.7), 200);
  return launch;
}

async function postJson<T = unknown>(url: string, payload: unknown, status: number): Promise<T> {
  const res = await app.inject({ method: 'POST', url, payload: payload as object });
  expect(res.statusCode, res.body).toBe(status);
  return res.json<T>();
}

async function deliveries(id: string): Promise<DeliveryLogEntry[]> {
  const res = await app.inject({ method: 'GET', url: `/api/channels/${id}/deliveries` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<DeliveryLogEntry[]>();
}

beforeEach(() => undefined);
afterEach(async () => {
  await app?.close();
  await Promise.all(receivers.splice(0).map((r) => r.down()));
});
afterAll(removeTempDirs);

describe('channels', () => {
  it('are created, read, replaced and deleted by admins; the secret never comes back', async () => {
    await start();
    const r = await receiver('dingtalk', { secret: 'SECabc123', token: 'abcdef0123456789' });
    const created = await channel(r, { route: { roles: ['推广主管'] } });
    expect(created).toMatchObject({ kind: 'dingtalk', hasSecret: true, route: { roles: ['推广主管'] } });
    expect(JSON.stringify(created)).not.toContain('SECabc123');
    expect(created.url).not.toContain('abcdef0123456789');
    const got = await app.inject({ method: 'GET', url: `/api/channels/${created.id}` });
    expect(got.body).not.toContain('SECabc123');
    const list = await app.inject({ method: 'GET', url: '/api/channels' });
    expect(list.json<Channel[]>().map((c) => c.id)).toEqual([created.id]);
    const put = await app.inject({
      method: 'PUT',
      url: `/api/channels/${created.id}`,
      payload: { name: '推广群', kind: 'dingtalk', url: r.url },
    });
    expect(put.statusCode, put.body).toBe(200);
    // A secret left out keeps the stored one.
    expect(put.json<Channel>()).toMatchObject({ name: '推广群', hasSecret: true, route: {} });
    const test = await app.inject({ method: 'POST', url: `/api/channels/${created.id}/test` });
    expect(test.json<ChannelTestResult>()).toMatchObject({ ok: true, status: 200 });
    expect(r.accepted).toHaveLength(1);
    const del = await app.inject({ method: 'DELETE', url: `/api/channels/${created.id}` });
    expect(del.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/api/channels/${created.id}` })).statusCode).toBe(404);
  });

  it('refuse bad input with a clear 400, and people who are not admins', async () => {
    await start();
    const bad = await app.inject({
      method: 'POST',
      url: '/api/channels',
      payload: { name: 'x', kind: 'dingtalk', url: 'ftp://example.com/x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('url');
    const kind = await app.inject({
      method: 'POST',
      url: '/api/channels',
      payload: { name: 'x', kind: 'slack', url: 'https://example.com' },
    });
    expect(kind.statusCode).toBe(400);
    const cookie = await userCookie(app, { username: 'sup', role: 'supervisor' });
    const res = await app.inject({ method: 'GET', url: '/api/channels', headers: { cookie } });
    expect(res.statusCode).toBe(403);
  });

  it('test answers with the platform’s error code for a wrong signature', async () => {
    await start();
    const r = await receiver('feishu', { secret: 'right-secret' });
    const c = await channel(r, { secret: 'wrong-secret' });
    const res = await app.inject({ method: 'POST', url: `/api/channels/${c.id}/test` });
    expect(res.json<ChannelTestResult>()).toMatchObject({ ok: false, code: '19021' });
  });
});

describe('delivery', () => {
  it('each platform gets the signed message once, in Chinese, with the plan and the ack link', async () => {
    await start();
    const rs = await Promise.all([
      receiver('dingtalk', { secret: 'SECdingtalk' }),
      receiver('wecom', { token: 'wecom-key-0123456789' }),
      receiver('feishu', { secret: 'feishu-secret' }),
      receiver('webhook', { secret: 'whsec_test' }),
    ]);
    for (const r of rs) await channel(r);
    const launch = await shortLaunch();
    for (const r of rs) await r.waitFor((got) => got.some((x) => x.accepted));
    const incident = [...app.registry.get(launch.id)!.state.incidents.values()][0]!;
    for (const r of rs) {
      expect(
        r.received.every((x) => x.accepted),
        `${r.kind}: ${JSON.stringify(r.received)}`,
      ).toBe(true);
      expect(r.accepted).toHaveLength(1);
      const text = r.accepted[0]!.text;
      expect(text).toContain(launch.name);
      expect(text).toContain('T+15');
      expect(text).toContain('低于计划');
      expect(text).toContain('诊断');
      expect(text).toContain('预案');
      expect(text).toContain('负责人');
      expect(text).toContain(`${PUBLIC_URL}/ack/${encodeURIComponent(incident.id)}`);
    }
    const hook = rs[3]!.accepted[0]!;
    const opened = [...app.registry.get(launch.id)!.state.notifications.values()].find(
      (n) => n.due.kind === 'opened',
    )!;
    expect(hook.headers['x-warroom-delivery']).toBe(opened.due.key);
    expect(opened.due.key).toBe(`${incident.id}#1`);
  });

  it('routes by owner role, launch and severity; escalations go to the 电商经理’s channel', async () => {
    await start();
    const promo = await receiver('webhook');
    const service = await receiver('webhook');
    const other = await receiver('webhook');
    const critical = await receiver('webhook');
    const manager = await receiver('webhook');
    await channel(promo, { route: { roles: ['推广主管'] } });
    await channel(service, { route: { roles: ['客服主管'] } });
    await channel(other, { route: { launchIds: ['another-launch'] } });
    await channel(critical, { route: { minSeverity: 'critical' } });
    await channel(manager, { route: { roles: ['电商经理'] } });
    const launch = await shortLaunch({ escalateAfterSeconds: 1 });
    await promo.waitFor((got) => got.length >= 1);
    const incident = [...app.registry.get(launch.id)!.state.incidents.values()][0]!;
    expect(incident.owner).toBe('推广主管');
    // Nobody acknowledges: the incident escalates to the manager's channel.
    await manager.waitFor((got) => got.length >= 1);
    expect(manager.received[0]!.text).toContain('电商经理');
    const severity = (app.registry.get(launch.id)!.state.incidents.get(incident.id) as Incident).severity;
    expect(service.received).toHaveLength(0);
    expect(other.received).toHaveLength(0);
    if (severity !== 'critical') expect(critical.received).toHaveLength(0);
  });

  it('tells the acknowledgement back to the channels: 已确认 · who · action', async () => {
    await start();
    const r = await receiver('wecom');
    await channel(r);
    const launch = await shortLaunch();
    await r.waitFor((got) => got.length >= 1);
    const incident = [...app.registry.get(launch.id)!.state.incidents.values()][0]!;
    const cookie = await userCookie(app, { username: 'wangfang', displayName: '王芳', role: 'supervisor' });
    const ack = await app.inject({
      method: 'POST',
      url: `/api/incidents/${encodeURIComponent(incident.id)}/ack`,
      headers: { cookie },
      payload: { action: '加大直通车投放' },
    });
    expect(ack.statusCode, ack.body).toBe(200);
    await r.waitFor((got) => got.length >= 2);
    expect(r.accepted[1]!.text).toContain('已确认 · 王芳 · 加大直通车投放');
    expect(launch.id).toBeTruthy();
  });

  it('retries with backoff through an outage and loses nothing', async () => {
    await start();
    const r = await receiver('dingtalk', { secret: 'SECoutage' });
    const c = await channel(r);
    await r.down();
    await shortLaunch();
    // Several failed attempts, each waiting longer than the last (backoff × 2 with jitter).
    const log = await waitFor(
      async () => {
        const d = await deliveries(c.id);
        return d.filter((x) => x.status === 'retrying').length >= 4 ? d : null;
      },
      { what: 'four failed attempts' },
    );
    const tries = log.filter((x) => x.status === 'retrying').reverse();
    expect(tries.map((x) => x.attempt)).toEqual([1, 2, 3, 4].slice(0, tries.length));
    const waits = tries.map((x) => Date.parse(x.nextAt!) - Date.parse(x.at));
    // Attempt n waits within [½, 1] × 50 × 2^(n−1) ms.
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(Math.floor(25 * 2 ** i));
      expect(w).toBeLessThanOrEqual(Math.ceil(50 * 2 ** i));
    });
    expect(tries[0]!.code).toMatch(/network_error/);
    // The backlog and the failures are on /metrics.
    const during = parseMetrics((await app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(during.value('warroom_notification_backlog')).toBe(1);
    expect(during.value('warroom_notification_failures_total', { kind: 'dingtalk' })).toBeGreaterThanOrEqual(
      4,
    );
    await r.up();
    await r.waitFor((got) => got.some((x) => x.accepted));
    await waitFor(async () => (await deliveries(c.id)).some((x) => x.status === 'sent'));
    expect(r.accepted).toHaveLength(1);
    const after = parseMetrics((await app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(after.value('warroom_notification_backlog')).toBe(0);
    expect(after.value('warroom_notification_attempts_total', { kind: 'dingtalk', status: 'sent' })).toBe(1);
  });

  it('records the platform’s code when it refuses a wrong signature, then gives up', async () => {
    await start();
    const r = await receiver('dingtalk', { secret: 'SECright' });
    const c = await channel(r, { secret: 'SECwrong' });
    await shortLaunch();
    const log = await waitFor(async () => {
      const d = await deliveries(c.id);
      return d.some((x) => x.status === 'failed') ? d : null;
    });
    expect(log[0]).toMatchObject({ status: 'failed', code: '310000', message: 'sign not match', attempt: 3 });
    expect(r.accepted).toHaveLength(0);
  });

  it('bunches updates into one message when a robot is over its rate limit', async () => {
    await start({ perMinute: 1, rateWindowMs: 1500 });
    const r = await receiver('feishu', { secret: 'feishu' });
    await channel(r);
    const first = await shortLaunch();
    await r.waitFor((got) => got.length >= 1);
    // Three more launches short of plan inside the window: more than the robot takes.
    const more = [await shortLaunch(), await shortLaunch(), await shortLaunch()];
    await r.waitFor((got) => got.some((x) => x.title.includes('条告警更新')), 8000);
    const bunched = r.received.find((x) => x.title.includes('条告警更新'))!;
    expect(bunched.title).toBe('3 条告警更新');
    for (const l of more) expect(bunched.text).toContain(`/ack/${l.id}-i-traffic-under`);
    expect(r.received).toHaveLength(2);
    // Each launch's log has its own notification sent once.
    for (const l of [first, ...more]) {
      const rt = app.registry.get(l.id)!;
      await waitFor(() => [...rt.state.notifications.values()].every((n) => n.attempts.length > 0));
      const ns = [...rt.state.notifications.values()];
      expect(ns).toHaveLength(1);
      expect(ns[0]!.attempts.filter((a) => a.status === 'sent')).toHaveLength(1);
    }
  });
});
