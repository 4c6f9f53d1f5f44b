/**
 * The outbox's rules without HTTP: each platform's signature as documented (checked against the
 * documented algorithms computed independently), replies read with the platform's own codes,
 * the incident rules' `notification.due` (one per dedup key), a delivery the channel took never
 * recorded twice, backoff bounds, routing, and the messages' wording.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Incident, type LaunchState, evolve, initialState, notificationFor } from '@warroom/shared';
import { recordDelivery, routeNotification } from '../../server/src/engine/index';
import { record } from '../../server/src/engine/record';
import { routes, maskUrl, type StoredChannel } from '../../server/src/notify/channels';
import { compose, messageLang } from '../../server/src/notify/messages';
import {
  buildRequest,
  dingtalkSign,
  feishuSign,
  readReply,
  webhookSignature,
} from '../../server/src/notify/platforms';
import { DEFAULT_SENDER, NotificationSender } from '../../server/src/notify/sender';

describe('signatures', () => {
  it('DingTalk 加签: base64(HmacSHA256(secret, ts + "\\n" + secret)), urlencoded in the URL', () => {
    const ts = 1_700_000_000_123;
    const expected = createHmac('sha256', 'SECx').update(`${ts}\nSECx`).digest('base64');
    expect(dingtalkSign('SECx', ts)).toBe(expected);
    const req = buildRequest(
      { kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'SECx' },
      { title: 't', markdown: 'm', lang: 'zh' },
      {},
      ['k'],
      ts,
    );
    expect(req.url).toBe(
      `https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=${ts}&sign=${encodeURIComponent(expected)}`,
    );
    expect(JSON.parse(req.body)).toEqual({ msgtype: 'markdown', markdown: { title: 't', text: 'm' } });
  });

  it('Feishu 签名校验: base64(HmacSHA256(key = ts + "\\n" + secret, message "")), in the body', () => {
    const ts = 1_700_000_000;
    const expected = createHmac('sha256', `${ts}\nfs`).update('').digest('base64');
    expect(feishuSign('fs', ts)).toBe(expected);
    const req = buildRequest(
      { kind: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', secret: 'fs' },
      { title: 't', markdown: 'm', lang: 'zh' },
      {},
      ['k'],
      ts * 1000 + 999,
    );
    expect(JSON.parse(req.body)).toMatchObject({
      timestamp: String(ts),
      sign: expected,
      msg_type: 'interactive',
    });
  });

  it('webhooks: t=<s>,v1=<hex HmacSHA256(secret, t + "." + body)>, and the dedup keys', () => {
    const req = buildRequest(
      { kind: 'webhook', url: 'https://example.com/h', secret: 'wh' },
      { title: 't', markdown: 'm', lang: 'zh' },
      { a: 1 },
      ['k1', 'k2'],
      1_700_000_000_500,
    );
    const v1 = createHmac('sha256', 'wh').update(`1700000000.${req.body}`).digest('hex');
    expect(req.headers['x-warroom-signature']).toBe(`t=1700000000,v1=${v1}`);
    expect(webhookSignature('wh', 1_700_000_000, req.body)).toBe(`t=1700000000,v1=${v1}`);
    expect(req.headers['x-warroom-delivery']).toBe('k1,k2');
  });
});

describe('replies', () => {
  it.each([
    ['dingtalk', 200, '{"errcode":0,"errmsg":"ok"}', { ok: true }],
    [
      'dingtalk',
      200,
      '{"errcode":310000,"errmsg":"sign not match"}',
      { ok: false, code: '310000', permanent: true },
    ],
    ['dingtalk', 200, '{"errcode":130101,"errmsg":"send too fast"}', { ok: false, rateLimited: true }],
    ['wecom', 200, '{"errcode":0}', { ok: true }],
    ['wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', { ok: false, permanent: true }],
    ['wecom', 200, '{"errcode":45009}', { ok: false, rateLimited: true }],
    ['feishu', 200, '{"code":0,"msg":"success"}', { ok: true }],
    ['feishu', 200, '{"code":19021,"msg":"sign match fail"}', { ok: false, code: '19021', permanent: true }],
    ['feishu', 200, '{"code":11232,"msg":"frequency limited"}', { ok: false, rateLimited: true }],
    ['webhook', 204, '', { ok: true }],
    ['webhook', 401, 'bad signature', { ok: false, code: '401', permanent: true }],
    ['webhook', 429, '', { ok: false, rateLimited: true, permanent: false }],
    ['webhook', 503, '', { ok: false, permanent: false }],
    ['dingtalk', 200, '<html>', { ok: false, code: 'bad_reply' }],
  ] as const)('%s %i %s', (kind, status, body, expected) => {
    expect(readReply(kind, status, body)).toMatchObject(expected);
  });
});

const incident = (over: Partial<Incident> = {}): Incident =>
  ({
    id: 'L1-i-traffic-under',
    launchId: 'L1',
    key: 'traffic-under',
    kind: 'breach',
    cause: 'traffic',
    metric: 'uv',
    direction: 'under',
    severity: 'warning',
    status: 'open',
    checkpoint: 15,
    deviation: -0.3,
    diagnosis: null,
    plan: {
      metric: 'uv',
      direction: 'under',
      title: '流量不足',
      owners: [{ role: '推广主管', actions: ['直通车加价'] }],
    },
    owner: '推广主管',
    alertCount: 1,
    evaluations: [],
    openedAt: '2026-12-02T10:15:00.000+08:00',
    updatedAt: '2026-12-02T10:15:00.000+08:00',
    notified: { severity: 'warning', deviation: -0.3, at: '2026-12-02T10:15:00.000+08:00' },
    escalated: false,
    escalatedAt: null,
    escalatedTo: null,
    ackedBy: null,
    ackedAt: null,
    action: null,
    note: null,
    history: [{ type: 'opened', at: '2026-12-02T10:15:00.000+08:00' }],
    ...over,
  }) as Incident;

function state(): LaunchState {
  return initialState({
    id: 'L1',
    name: '双11 开团',
    startAt: '2026-12-02T10:00:00.000+08:00',
    durationMinutes: 60,
    timezone: 'Asia/Shanghai',
    checkpoints: [15],
    tolerance: 0.2,
    metrics: ['uv'],
    graceSeconds: 60,
    escalateAfterSeconds: 300,
    stock: null,
    price: null,
    targets: null,
    playbook: [],
    forecast: [],
    clock: 'wall',
    createdAt: '2026-12-02T09:00:00.000+08:00',
  });
}

describe('the outbox in the log', () => {
  it('an incident fact that announces something brings one notification.due; an update does not', () => {
    const s = state();
    const events: Parameters<typeof record>[1] = [];
    record(s, events, { type: 'incident.opened', incident: incident() });
    record(s, events, { type: 'incident.updated', incident: incident({ deviation: -0.31 }) });
    const acked = incident({
      ackedBy: '王芳',
      action: '直通车加价',
      history: [...incident().history, { type: 'acknowledged', at: 'x', by: '王芳' }],
    });
    record(s, events, { type: 'incident.acknowledged', incident: acked });
    // The same fact again (a replayed decision) is not a second message.
    record(s, events, { type: 'incident.acknowledged', incident: acked });
    const due = events.filter((e) => e.type === 'notification.due');
    expect(due.map((e) => e.type === 'notification.due' && e.notification.key)).toEqual([
      'L1-i-traffic-under#1',
      'L1-i-traffic-under#2',
    ]);
    expect(notificationFor('incident.resolved', incident())).toBeNull();
    expect(s.notifications.get('L1-i-traffic-under#2')!.due).toMatchObject({
      kind: 'acknowledged',
      by: '王芳',
    });
  });

  it('routes once, and records a delivery the channel took only once', () => {
    const s = state();
    record(s, [], { type: 'incident.opened', incident: incident() });
    const key = 'L1-i-traffic-under#1';
    const routed = routeNotification(s, key, ['c1'], 0);
    expect(routed).toHaveLength(1);
    expect(routeNotification(s, key, ['c2'], 0)).toEqual([]);
    const attempt = {
      keys: [key],
      channelId: 'c1',
      status: 'sent' as const,
      attempt: 1,
      code: null,
      message: null,
      at: 'now',
      nextAt: null,
    };
    for (const e of recordDelivery(s, attempt)) evolve(s, e);
    expect(recordDelivery(s, attempt)).toEqual([]);
    expect(recordDelivery(s, { ...attempt, status: 'retrying', attempt: 2 })).toEqual([]);
    expect(s.notifications.get(key)!.deliveries.c1!.status).toBe('sent');
  });
});

describe('the sender’s rules', () => {
  it('backs off exponentially with jitter in [½, 1] of the ceiling, capped', () => {
    const at = (r: number) =>
      new NotificationSender(
        null as never,
        null as never,
        null as never,
        { ...DEFAULT_SENDER, publicUrl: 'x', backoffMs: 1000, backoffMaxMs: 8000 },
        console,
        () => r,
      );
    expect([1, 2, 3, 4, 5].map((n) => at(0).backoff(n))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect([1, 2, 3, 4, 5].map((n) => at(0.999999).backoff(n))).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  /**
   * The schedule a receiver outage meets at the defaults (2 s doubling to 60 s, 12 attempts, a 5 s
   * request timeout, the outbox looked at every 500 ms), for any jitter, any moment the message
   * falls due within the outage and any time each failed request takes: a 2-minute outage delays
   * the message by at most one capped wait after the receiver is back, and never fails it.
   */
  it('at the default backoff a 2-minute outage delays a message, at most a minute past its end, and loses none', () => {
    const OUTAGE_MS = 120_000;
    const { maxAttempts, timeoutMs, intervalMs, backoffMaxMs } = DEFAULT_SENDER;
    const sender = (random: () => number) =>
      new NotificationSender(
        null as never,
        null as never,
        null as never,
        { ...DEFAULT_SENDER, publicUrl: 'x' },
        console,
        random,
      );
    // The shortest road to giving up (every wait at ½ its ceiling) is longer than 3 minutes.
    const fastest = sender(() => 0);
    const earliestGiveUp = Array.from({ length: maxAttempts - 1 }, (_, i) => fastest.backoff(i + 1)).reduce(
      (a, b) => a + b,
    );
    expect(earliestGiveUp).toBe(211_000);
    const attempts = maxAttempts - 1;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: OUTAGE_MS - 1 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: attempts,
          maxLength: attempts,
        }),
        fc.array(fc.integer({ min: 0, max: timeoutMs }), { minLength: attempts, maxLength: attempts }),
        fc.array(fc.integer({ min: 0, max: intervalMs }), { minLength: attempts, maxLength: attempts }),
        (dueAt, jitter, took, lag) => {
          let n = 0;
          const s = sender(() => jitter[n++]!);
          let at = dueAt;
          let attempt = 1;
          // Attempts made while the receiver is down fail; each waits its backoff, picked up by the
          // next look at the outbox.
          while (at < OUTAGE_MS) {
            expect(attempt, 'the message would be marked failed').toBeLessThan(maxAttempts);
            at += took[attempt - 1]! + s.backoff(attempt) + lag[attempt - 1]!;
            attempt++;
          }
          expect(attempt).toBeGreaterThan(1);
          expect(at - OUTAGE_MS).toBeLessThanOrEqual(timeoutMs + backoffMaxMs + intervalMs);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  const channel = (route: StoredChannel['route']): StoredChannel => ({
    id: 'c',
    name: 'c',
    kind: 'webhook',
    url: 'https://x',
    secret: null,
    route,
    language: 'auto',
    enabled: true,
    createdAt: '',
    updatedAt: '',
    createdBy: 'admin',
  });
  const due = (kind: 'opened' | 'escalated', severity: 'warning' | 'critical' = 'warning') =>
    ({
      key: 'k',
      incidentId: 'L1-i-x',
      kind,
      severity,
      owner: '推广主管',
      at: '',
      by: null,
      action: null,
    }) as const;

  it.each([
    [{}, due('opened'), true],
    [{ roles: ['推广主管'] }, due('opened'), true],
    [{ roles: ['客服主管'] }, due('opened'), false],
    [{ launchIds: ['L2'] }, due('opened'), false],
    [{ minSeverity: 'critical' }, due('opened'), false],
    [{ minSeverity: 'critical' }, due('opened', 'critical'), true],
    [{ roles: ['推广主管'] }, due('escalated'), false],
    [{ roles: ['电商经理'] }, due('escalated'), true],
    [{ roles: ['推广主管'], escalations: true }, due('escalated'), true],
    [{}, due('escalated'), true],
    [{ escalations: false }, due('escalated'), false],
  ] as const)('route %j gets %j: %s', (route, d, expected) => {
    expect(routes(channel(route as StoredChannel['route']), 'L1', d)).toBe(expected);
  });

  it('sends a simulation only to channels that name it', () => {
    expect(routes(channel({}), 'L1', due('opened'), undefined, true)).toBe(false);
    expect(routes(channel({ launchIds: ['L1'] }), 'L1', due('opened'), undefined, true)).toBe(true);
  });

  it('masks the URL’s token', () => {
    expect(maskUrl('https://oapi.dingtalk.com/robot/send?access_token=abcdef123456')).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abcd****',
    );
    expect(maskUrl('https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef0123')).toBe(
      'https://open.feishu.cn/open-apis/bot/v2/hook/0123****',
    );
  });

  it('words the message in Chinese, or English for an English launch', () => {
    const s = state();
    const part = {
      launch: s.launch,
      due: { ...due('opened'), incidentId: incident().id },
      incident: incident(),
    };
    const zh = compose([part], messageLang('auto', '双11 开团'), 'https://w.cn/');
    expect(zh.markdown).toContain('访客数 低于计划 ▼30.0%');
    expect(zh.markdown).toContain('负责人 推广主管：直通车加价');
    expect(zh.markdown).toContain('[确认处理](https://w.cn/ack/L1-i-traffic-under)');
    const en = compose([part], messageLang('auto', 'Singles Day'), 'https://w.cn');
    expect(en.lang).toBe('en');
    expect(en.markdown).toContain('below plan ▼30.0%');
  });
});
