/**
 * Outbound requests to the channels: http(s) only, no redirect followed (a 3xx is a failure), a
 * short timeout, and at most MAX_REPLY_BYTES of the reply read.
 */
import type { OutboundRequest } from './platforms';

export const MAX_REPLY_BYTES = 64 * 1024;
export const DEFAULT_TIMEOUT_MS = 5_000;

export interface RawReply {
  /** Null when no answer came (network error, timeout). */
  status: number | null;
  text: string;
  error: string | null;
}

export async function post(req: OutboundRequest, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RawReply> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { status: null, text: '', error: 'bad_url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { status: null, text: '', error: 'bad_url' };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readCapped(res);
    if (res.status >= 300 && res.status < 400) return { status: res.status, text, error: 'redirect_refused' };
    return { status: res.status, text, error: null };
  } catch (e) {
    const name = (e as Error).name === 'TimeoutError' ? 'timeout' : 'network_error';
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { status: null, text: '', error: cause ? `${name}:${cause}` : name };
  }
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = MAX_REPLY_BYTES - size;
    chunks.push(value.length > room ? value.subarray(0, room) : value);
    size += Math.min(value.length, room);
    if (size >= MAX_REPLY_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
