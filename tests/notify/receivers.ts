/**
 * Local HTTP receivers that behave like each platform's robot: they verify the signature exactly as
 * the platform documents it and answer the platform's error code for a wrong one, answer its
 * success code, refuse with its rate-limit error (`limitPerMinute`, or `refuseNext`), and go down
 * and come back (`down()` closes the port; `up()` listens on it again).
 *
 * - DingTalk: `?access_token=…&timestamp=<ms>&sign=<urlencoded base64 HmacSHA256(secret,
 *   ts + "\n" + secret)>`; {errcode: 0, errmsg: 'ok'}; 310000 sign not match; 130101 too fast.
 * - WeCom: `?key=…`; {errcode: 0}; 93000 invalid webhook url (key); 45009 api freq out of limit.
 * - Feishu: body {timestamp: "<s>", sign: base64 HmacSHA256(key = ts + "\n" + secret, "")}; {code: 0};
 *   19021 sign match fail; 11232 frequency limited.
 * - Webhook: X-Warroom-Signature `t=<s>,v1=<hex HmacSHA256(secret, t + "." + body)>`; 2xx; 401; 429.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Kind = 'dingtalk' | 'wecom' | 'feishu' | 'webhook';

export interface Received {
  at: number;
  /** The message's text (markdown / card / webhook text). */
  text: string;
  title: string;
  body: unknown;
  headers: IncomingMessage['headers'];
  /** Answered with success. */
  accepted: boolean;
  code: number;
}

export interface ReceiverOptions {
  secret?: string;
  /** WeCom: the robot's key; DingTalk: its access_token. */
  token?: string;
  /** Refuse with the rate-limit code past this many accepted messages in a rolling minute. */
  limitPerMinute?: number;
  /** Answer this long after the request (to catch a sender mid-request). */
  delayMs?: number;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export class Receiver {
  private server: Server | null = null;
  port = 0;
  readonly received: Received[] = [];
  /** Messages refused with the rate-limit code from now on, up to this many. */
  refuseNext = 0;
  private acceptedAt: number[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    readonly kind: Kind,
    readonly opts: ReceiverOptions = {},
  ) {}

  /** The URL a channel is given (with the token the platform puts in it). */
  get url(): string {
    const base = `http://127.0.0.1:${this.port}`;
    const token = this.opts.token ?? 'tok-0123456789abcdef';
    switch (this.kind) {
      case 'dingtalk':
        return `${base}/robot/send?access_token=${token}`;
      case 'wecom':
        return `${base}/cgi-bin/webhook/send?key=${token}`;
      case 'feishu':
        return `${base}/open-apis/bot/v2/hook/${token}`;
      case 'webhook':
        return `${base}/hooks/warroom`;
    }
  }

  /** The messages it took (answered success). */
  get accepted(): Received[] {
    return this.received.filter((r) => r.accepted);
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: the sender's connections are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once a request arrived for which `fn` holds. */
  async waitFor(fn: (r: Received[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!fn(this.received)) {
      if (Date.now() > deadline)
        throw new Error(`${this.kind} receiver: timed out; got ${this.received.length} requests`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      /* answered below as a bad request */
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const verdict = this.verify(url, body, raw, req.headers);
    const now = Date.now();
    this.acceptedAt = this.acceptedAt.filter((t) => t > now - 60_000);
    let status = 200;
    let answer: Record<string, unknown>;
    let accepted = false;
    let code = 0;
    if (verdict !== null) {
      code = verdict;
      status = this.kind === 'webhook' ? verdict : 200;
      answer = this.error(verdict);
    } else if (
      this.refuseNext > 0 ||
      (this.opts.limitPerMinute !== undefined && this.acceptedAt.length >= this.opts.limitPerMinute)
    ) {
      if (this.refuseNext > 0) this.refuseNext--;
      code = this.rateLimitCode();
      status = this.kind === 'webhook' ? 429 : 200;
      answer = this.error(code);
    } else {
      accepted = true;
      this.acceptedAt.push(now);
      answer = this.kind === 'feishu' ? { code: 0, msg: 'success', data: {} } : { errcode: 0, errmsg: 'ok' };
    }
    this.received.push({
      at: now,
      text: textOf(this.kind, body),
      title: titleOf(this.kind, body),
      body,
      headers: req.headers,
      accepted,
      code,
    });
    for (const w of this.waiters.splice(0)) w();
    if (this.kind === 'webhook') {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(accepted ? { ok: true } : answer));
    } else json(res, status, answer);
  }

  private rateLimitCode(): number {
    return { dingtalk: 130101, wecom: 45009, feishu: 11232, webhook: 429 }[this.kind];
  }

  private error(code: number): Record<string, unknown> {
    const text: Record<number, string> = {
      310000: 'sign not match',
      130101: 'send too fast, exceed 20 times per minute',
      93000: 'invalid webhook url',
      45009: 'api freq out of limit',
      19021: 'sign match fail or timestamp is not within one hour from current time',
      11232: 'frequency limited psm',
      401: 'bad signature',
      429: 'too many requests',
      400: 'bad request',
    };
    if (this.kind === 'feishu') return { code, msg: text[code] ?? 'error', data: {} };
    return { errcode: code, errmsg: text[code] ?? 'error' };
  }

  /** Null when the request is signed as the platform documents; else the platform's error code. */
  private verify(
    url: URL,
    body: Record<string, unknown>,
    raw: string,
    headers: IncomingMessage['headers'],
  ): number | null {
    const secret = this.opts.secret;
    const token = this.opts.token ?? 'tok-0123456789abcdef';
    switch (this.kind) {
      case 'dingtalk': {
        if (url.searchParams.get('access_token') !== token) return 300001;
        if (!secret) return null;
        const ts = url.searchParams.get('timestamp') ?? '';
        // The query string carries the urlencoded base64; URLSearchParams decodes it once.
        const sign = url.searchParams.get('sign') ?? '';
        const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
        if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > 3600_000) return 310000;
        if (!same(sign, expected)) return 310000;
        if (body.msgtype !== 'markdown') return 400;
        return null;
      }
      case 'wecom':
        if (url.searchParams.get('key') !== token) return 93000;
        if (body.msgtype !== 'markdown') return 400;
        return null;
      case 'feishu': {
        if (!url.pathname.endsWith(`/hook/${token}`)) return 19001;
        if (!secret) return null;
        const ts = String(body.timestamp ?? '');
        const sign = String(body.sign ?? '');
        if (!/^\d{10}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 3600) return 19021;
        const expected = createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64');
        if (!same(sign, expected)) return 19021;
        return null;
      }
      case 'webhook': {
        if (!secret) return null;
        const header = String(headers['x-warroom-signature'] ?? '');
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
        if (!m) return 401;
        const expected = createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest('hex');
        if (Math.abs(Date.now() / 1000 - Number(m[1])) > 300 || !same(m[2]!, expected)) return 401;
        return null;
      }
    }
  }
}

function textOf(kind: Kind, body: Record<string, unknown>): string {
  const b = body as {
    markdown?: { text?: string; content?: string };
    card?: { elements?: { text?: { content?: string } }[] };
    text?: string;
  };
  if (kind === 'dingtalk') return b.markdown?.text ?? '';
  if (kind === 'wecom') return b.markdown?.content ?? '';
  if (kind === 'feishu') return b.card?.elements?.[0]?.text?.content ?? '';
  return typeof b.text === 'string' ? b.text : '';
}

function titleOf(kind: Kind, body: Record<string, unknown>): string {
  const b = body as {
    markdown?: { title?: string };
    card?: { header?: { title?: { content?: string } } };
    title?: string;
  };
  if (kind === 'dingtalk') return b.markdown?.title ?? '';
  if (kind === 'feishu') return b.card?.header?.title?.content ?? '';
  if (kind === 'webhook') return b.title ?? '';
  return textOf(kind, body).split('\n')[0] ?? '';
}

/** The dedup keys a received message carries (webhook header, else the ack link's incident). */
export function keysOf(r: Received): string[] {
  const h = r.headers['x-warroom-delivery'];
  if (typeof h === 'string') return h.split(',');
  return [];
}
