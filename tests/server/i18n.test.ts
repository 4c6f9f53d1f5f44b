/**
 * The server answers in the caller's language: `Accept-Language: zh-CN` gets validation problems
 * (and the server's own refusals) in Chinese with the field named in Chinese, `en` in English with
 * the field named, and a caller naming no language the English it always got. Sockets take the
 * page's language from the handshake (`auth.lang`).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Socket, io } from 'socket.io-client';
import type { AckEnvelope, Alert, ClientToServerEvents, ServerToClientEvents } from '@warroom/shared';
import { makeApp, pastLaunchInput, removeTempDirs } from '../helpers/server';

let app: FastifyInstance & { adminCookie: string };

beforeEach(async () => {
  app = (await makeApp({ ticking: false })) as FastifyInstance & { adminCookie: string };
});
afterEach(async () => {
  await app.close();
});
afterAll(removeTempDirs);

interface ErrorBody {
  error: { code: string; message: string; details?: { issues: { path: string[]; message: string }[] } };
}

async function postLaunch(body: unknown, language?: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/launches',
    headers: language === undefined ? {} : { 'accept-language': language },
    payload: body as object,
  });
  return { status: res.statusCode, body: res.json<ErrorBody>() };
}

const LATE_CHECKPOINT = pastLaunchInput({ checkpoints: [15, 200] });

describe('POST /api/launches with bad fields', () => {
  it('answers a zh-CN caller in Chinese, naming the field in Chinese', async () => {
    const res = await postLaunch(LATE_CHECKPOINT, 'zh-CN');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toBe('场次有误：检查点第 2 项：检查点 200 在活动结束之后（时长 60 分钟）');
    // The issues keep their path; their message is the translated one.
    expect(res.body.error.details?.issues).toEqual([
      { path: ['checkpoints', '1'], message: '检查点 200 在活动结束之后（时长 60 分钟）' },
    ]);
  });

  it('answers a caller naming no language in English, exactly as before', async () => {
    const res = await postLaunch(LATE_CHECKPOINT);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'launch is invalid: checkpoints[1]: checkpoint 200 is after the launch ends (durationMinutes 60)',
    );
    expect(res.body.error.details?.issues).toEqual([
      { path: ['checkpoints', '1'], message: 'checkpoint 200 is after the launch ends (durationMinutes 60)' },
    ]);
  });

  it('names the field in English for a caller asking for English', async () => {
    const res = await postLaunch(LATE_CHECKPOINT, 'en');
    expect(res.body.error.message).toBe(
      'launch is invalid: Checkpoints item 2: checkpoint 200 is after the launch ends (durationMinutes 60)',
    );
  });

  it('lists several problems with their Chinese field names, zod’s own messages included', async () => {
    const res = await postLaunch(pastLaunchInput({ name: '', tolerance: 'wide' }), 'zh-CN,zh;q=0.9,en;q=0.8');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^场次有误：名称：不能为空；阈值：无效输入/);
  });

  it.each([
    ['zh-TW,zh;q=0.9', 'zh'],
    ['zh', 'zh'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-FR', 'none'],
    ['*', 'en'],
  ] as const)('reads Accept-Language %s as %s', async (header, lang) => {
    const { body } = await postLaunch(pastLaunchInput({ name: '' }), header);
    const expected = {
      zh: '场次有误：名称：不能为空',
      en: 'launch is invalid: Name: must not be empty',
      none: 'launch is invalid: name: must not be empty',
    }[lang];
    expect(body.error.message).toBe(expected);
  });

  it('answers concurrent callers each in their own language', async () => {
    const languages = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'zh-CN' : undefined));
    const answers = await Promise.all(languages.map((l) => postLaunch(LATE_CHECKPOINT, l)));
    answers.forEach((a, i) =>
      expect(a.body.error.message.startsWith(languages[i] ? '场次有误：' : 'launch is invalid: ')).toBe(true),
    );
  });
});

describe("the server's own refusals", () => {
  it('says in Chinese that the body is not JSON, the route is unknown, or the media type is wrong', async () => {
    const inChinese = async (method: 'GET' | 'POST', url: string, contentType?: string, payload?: string) => {
      const res = await app.inject({
        method,
        url,
        headers: { 'accept-language': 'zh-CN', ...(contentType ? { 'content-type': contentType } : {}) },
        payload,
      });
      return { status: res.statusCode, error: res.json<ErrorBody>().error };
    };
    const json = await inChinese('POST', '/api/launches', 'application/json', '{"name": ');
    expect(json.status).toBe(400);
    expect(json.error.code).toBe('invalid_json');
    expect(json.error.message).toMatch(/^请求内容不是有效的 JSON/);

    const route = await inChinese('GET', '/api/nothing');
    expect(route.status).toBe(404);
    expect(route.error.message).toBe('没有这个接口: GET /api/nothing');

    const media = await inChinese('POST', '/api/launches', 'application/xml', '<launch/>');
    expect(media.status).toBe(415);
    expect(media.error.message).toBe('请以 application/json 发送请求内容');
  });

  it('says in Chinese who may not do what, and why a login or an upload was refused', async () => {
    const zh = async (method: 'GET' | 'POST', url: string, payload?: unknown, headers = {}) => {
      const res = await app.inject({
        method,
        url,
        headers: { 'accept-language': 'zh-CN', ...headers },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: res.statusCode, message: res.json<Partial<ErrorBody>>().error?.message };
    };
    expect(await zh('GET', '/api/launches', undefined, { cookie: '' })).toEqual({
      status: 401,
      message: '请先登录 (或发送访问令牌)',
    });
    expect(await zh('POST', '/api/session', { username: 'admin', password: 'not-the-password' })).toEqual({
      status: 401,
      message: '用户名或密码错误',
    });
    expect(await zh('GET', '/api/launches', undefined, { authorization: 'Bearer nosuch' })).toEqual({
      status: 401,
      message: '访问令牌无效 (未知或已吊销)',
    });
    const launch = await zh('POST', '/api/launches', {
      name: '计数',
      startAt: new Date().toISOString(),
      forecast: { template: { uv: 100, units: 10, gmv: 1000 } },
    });
    expect(launch.status).toBe(201);
    const created = (await app.inject({ method: 'GET', url: '/api/launches' })).json<{ id: string }[]>()[0]!;
    expect(await zh('POST', `/api/launches/${created.id}/readings`, [])).toEqual({
      status: 400,
      message: '每次请求请发送 1 到 10000 条数据 (收到 0 条)',
    });
  });

  it('keeps the English of these refusals for a caller naming no language', async () => {
    const route = await app.inject({ method: 'GET', url: '/api/nothing' });
    expect(route.json<ErrorBody>().error.message).toBe('no route GET /api/nothing');
    const missing = await app.inject({ method: 'GET', url: '/api/launches/nosuch' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorBody>().error.message).toBe('launch nosuch does not exist');
  });
});

describe('socket payloads', () => {
  type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
  const sockets: ClientSocket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });

  async function connect(auth: Record<string, string>): Promise<ClientSocket> {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('not listening');
    const socket: ClientSocket = io(`http://127.0.0.1:${addr.port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: app.adminCookie },
      auth,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  const ack = (s: ClientSocket, input: unknown): Promise<AckEnvelope<Alert>> =>
    s.timeout(5000).emitWithAck('alert:ack', input);

  it('are refused in the language the page gave at the handshake', async () => {
    const s = await connect({ lang: 'zh' });
    const r = await ack(s, { alertId: 'a1', note: 'x'.repeat(1001) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_input');
    expect(r.error.message).toMatch(/^消息内容有误：备注：数值过大/);
  });

  it('are refused in the original English without a language', async () => {
    const s = await connect({});
    const r = await ack(s, { alertId: 'a1', note: 'x'.repeat(1001) });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'payload is invalid: note: Too big: expected string to have <=1000 characters',
      },
    });
  });
});
