/**
 * The logger configuration, so no route can leak a credential into the log: a kiosk screen opens
 * `/screen/<id>?token=…`, integrations send `?access_token=`, people send a session cookie and
 * pushers a bearer token. Request lines log the URL with secret-bearing parameters' values
 * replaced, never the headers; error messages and stacks are cleaned the same way; and any object
 * logged with headers in it has its authorization and cookies redacted by pino.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';
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

// A name with a hyphen is written in brackets: pino's path syntax reads `headers."x-api-key"` as a
// key with the quotes in it, which no header has (so those two were never redacted).
const HEADER_PATHS = ['.authorization', '.cookie', '["set-cookie"]', '["x-api-key"]'].flatMap((h) => [
  `headers${h}`,
  `*.headers${h}`,
  `*.*.headers${h}`,
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

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogFn = (...args: unknown[]) => void;
type Logger = FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };

/**
 * A request's logger, made only when something is logged at a level that is on. Fastify gives
 * every request a child of the app's logger (binding its `reqId`), and pino runs the redaction
 * above over every child's bindings when it is made: at the default `info` every request logs, but
 * with LOG_LEVEL above it most requests log nothing, and paid for a child anyway.
 */
class LazyChildLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: Logger & { isLevelEnabled: (level: string) => boolean },
    private readonly bindings: Bindings,
    private readonly opts: ChildLoggerOptions,
  ) {}

  private real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.opts));
  }

  private at(level: Level): LogFn {
    return (...args) => {
      if (this.made || this.parent.isLevelEnabled(level)) (this.real()[level] as LogFn)(...args);
    };
  }

  readonly fatal = this.at('fatal');
  readonly error = this.at('error');
  readonly warn = this.at('warn');
  readonly info = this.at('info');
  readonly debug = this.at('debug');
  readonly trace = this.at('trace');
  silent: LogFn = () => undefined;

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.made ? (this.made as Logger).isLevelEnabled!(level) : this.parent.isLevelEnabled(level);
  }

  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, opts);
  }
}

/**
 * Fastify's `childLoggerFactory`: a request's logger is a LazyChildLogger, unless the route asks
 * for a level or serializers of its own (then pino's child at once, as Fastify's default does).
 */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  opts: ChildLoggerOptions,
): FastifyBaseLogger {
  const parent = logger as Logger;
  if (typeof parent.isLevelEnabled !== 'function' || Object.keys(opts).length > 0)
    return logger.child(bindings, opts);
  return new LazyChildLogger(
    parent as Logger & { isLevelEnabled: (level: string) => boolean },
    bindings,
    opts,
  ) as unknown as FastifyBaseLogger;
}
