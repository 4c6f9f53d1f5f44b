/**
 * The logger configuration, so no route can leak a credential into the log: a kiosk screen opens
 * `/screen/<id>?token=…`, integrations send `?access_token=`, people send a session cookie and
 * pushers a bearer token. Request lines log the URL with secret-bearing parameters' values
 * replaced, never the headers; error messages and stacks are cleaned the same way; and any object
 * logged with headers in it has its authorization and cookies redacted by pino.
 */
import type { FastifyServerOptions } from 'fastify';
import { stdSerializers } from 'pino';

const REDACTED = '[redacted]';

/** A query parameter whose name says it carries a secret: token, access_token, password, api_key, … */
const SECRET_PARAM =
  /([?&;](?:[^=&#\s]*?(?:token|secret|passw(?:or)?d|session|auth|api[-_]?key|signature)[^=&#\s]*)=)[^&#\s"'<>]*/gi;
const BEARER = /\b(Bearer|Basic)\s+[^\s,;"']+/gi;
const SESSION_COOKIE = /\b(wr_session=)[^;\s,"']+/g;

/** The text with every secret it may carry (URL parameters, Authorization values, our cookie) replaced. */
export function redactSecrets(text: string): string {
  return text
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(SESSION_COOKIE, `$1${REDACTED}`);
}

const HEADER_PATHS = ['authorization', 'cookie', '"set-cookie"', '"x-api-key"'].flatMap((h) => [
  `headers.${h}`,
  `*.headers.${h}`,
  `*.*.headers.${h}`,
]);

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * pino's error serializer (message and stack with their causes'), then its strings cleaned. Only
 * the serializer's own copies are changed; objects it passes through are the error's own.
 */
function redactingErr(err: Error): ReturnType<typeof stdSerializers.err> {
  const out = stdSerializers.err(err);
  const clean = (o: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(o))
      if (typeof value === 'string') o[key] = redactSecrets(value);
  };
  clean(out as unknown as Record<string, unknown>);
  for (const e of out.aggregateErrors ?? []) clean(e as unknown as Record<string, unknown>);
  return out;
}

type LoggerOption = FastifyServerOptions['logger'];

/** `logger` with the serializers and redaction above; ours win over any the caller passed. */
export function redactingLogger(logger: LoggerOption): LoggerOption {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    redact: { paths: HEADER_PATHS, censor: REDACTED },
    serializers: {
      ...base.serializers,
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactSecrets(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
      err: redactingErr,
    },
  };
}
