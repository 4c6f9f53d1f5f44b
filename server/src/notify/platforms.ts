/**
 * The four kinds of channel: how a message is signed and shaped for each, and how each platform's
 * reply reads.
 *
 * - DingTalk custom robot (自定义机器人): 加签 = urlencode(base64(HmacSHA256(key = secret, message =
 *   timestampMs + "\n" + secret))), appended as `&timestamp=…&sign=…`; a `markdown` message; success
 *   is `errcode: 0` (310000: sign not match; 130101: more than 20 messages a minute).
 * - WeCom group robot (群机器人): the URL carries `key`; a `markdown` message; success is
 *   `errcode: 0` (93000: invalid webhook key; 45009: over the API frequency limit).
 * - Feishu custom bot (自定义机器人): 签名校验 = base64(HmacSHA256(key = timestampSeconds + "\n" +
 *   secret, message = "")), `timestamp` and `sign` in the JSON body; an interactive card; success is
 *   `code: 0` (19021: sign match fail; 11232: frequency limited).
 * - Generic webhook: the notification as JSON, `X-Warroom-Signature: t=<unix seconds>,v1=<hex
 *   HMAC-SHA256(secret, t + "." + body)>` (Stripe's scheme) and `X-Warroom-Delivery: <dedup keys>`;
 *   success is any 2xx. docs/API.md shows how a receiver verifies it.
 */
import { createHmac } from 'node:crypto';
import type { ChannelKind } from '@warroom/shared';
import type { Message } from './messages';

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface PlatformReply {
  ok: boolean;
  /** The platform's code (errcode / code), else the HTTP status or a network error's name. */
  code: string | null;
  message: string | null;
  /** The platform refused for its rate limit: wait, then send the waiting ones as one message. */
  rateLimited: boolean;
  /** Retrying the same request cannot help (bad signature, bad key): few attempts. */
  permanent: boolean;
}

export const RATE_LIMIT_CODES: Record<ChannelKind, string[]> = {
  dingtalk: ['130101'],
  wecom: ['45009'],
  feishu: ['11232'],
  webhook: ['429'],
};

const PERMANENT_CODES: Record<ChannelKind, string[]> = {
  dingtalk: ['310000', '300001', '400101', '400102'],
  wecom: ['93000', '40008', '40058'],
  feishu: ['19021', '19001', '19002', '19024'],
  webhook: [],
};

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('', 'utf8').digest('base64');
}

export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

export interface ChannelTarget {
  kind: ChannelKind;
  url: string;
  secret: string | null;
}

/** The request for one message to one channel at wall time `nowMs`. */
export function buildRequest(
  channel: ChannelTarget,
  message: Message,
  webhookPayload: unknown,
  deliveryKeys: readonly string[],
  nowMs: number,
): OutboundRequest {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  switch (channel.kind) {
    case 'dingtalk': {
      let url = channel.url;
      if (channel.secret) {
        const sign = encodeURIComponent(dingtalkSign(channel.secret, nowMs));
        url += `${url.includes('?') ? '&' : '?'}timestamp=${nowMs}&sign=${sign}`;
      }
      const body = { msgtype: 'markdown', markdown: { title: message.title, text: message.markdown } };
      return { url, headers: json, body: JSON.stringify(body) };
    }
    case 'wecom': {
      const body = { msgtype: 'markdown', markdown: { content: message.markdown } };
      return { url: channel.url, headers: json, body: JSON.stringify(body) };
    }
    case 'feishu': {
      const ts = Math.floor(nowMs / 1000);
      const card = {
        header: {
          title: { tag: 'plain_text', content: message.title },
          template: /严重|critical/.test(message.title) ? 'red' : 'orange',
        },
        elements: [{ tag: 'div', text: { tag: 'lark_md', content: message.markdown } }],
      };
      const body = {
        ...(channel.secret ? { timestamp: String(ts), sign: feishuSign(channel.secret, ts) } : {}),
        msg_type: 'interactive',
        card,
      };
      return { url: channel.url, headers: json, body: JSON.stringify(body) };
    }
    case 'webhook': {
      const body = JSON.stringify(webhookPayload);
      const ts = Math.floor(nowMs / 1000);
      const headers: Record<string, string> = { ...json, 'x-warroom-delivery': deliveryKeys.join(',') };
      if (channel.secret) headers['x-warroom-signature'] = webhookSignature(channel.secret, ts, body);
      return { url: channel.url, headers, body };
    }
  }
}

/** Reads a platform's answer (HTTP status and body). */
export function readReply(kind: ChannelKind, status: number, text: string): PlatformReply {
  const fail = (code: string, message: string | null): PlatformReply => ({
    ok: false,
    code,
    message,
    rateLimited: RATE_LIMIT_CODES[kind].includes(code) || code === '429',
    permanent: PERMANENT_CODES[kind].includes(code),
  });
  if (kind === 'webhook') {
    if (status >= 200 && status < 300) return ok();
    return {
      ...fail(String(status), text.slice(0, 200) || null),
      permanent: status >= 400 && status < 500 && status !== 408 && status !== 429,
    };
  }
  if (status < 200 || status >= 300) return fail(String(status), text.slice(0, 200) || null);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fail('bad_reply', 'the reply was not JSON');
  }
  const code = kind === 'feishu' ? (parsed.code ?? parsed.StatusCode) : parsed.errcode;
  const message = kind === 'feishu' ? (parsed.msg ?? parsed.StatusMessage) : parsed.errmsg;
  if (code === 0) return ok();
  return fail(String(code ?? 'bad_reply'), typeof message === 'string' ? message : null);
}

function ok(): PlatformReply {
  return { ok: true, code: null, message: null, rateLimited: false, permanent: false };
}
