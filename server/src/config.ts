/** The environment, validated once at start: the only module that reads process.env. */
import { Password } from '@warroom/shared';
import { z } from 'zod';

/** `VAR=` means unset, as `REDIS_URL=` does, so compose files can pass an empty default. */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema);

const perMinute = (fallback: number) =>
  unsetIfEmpty(
    z.coerce.number().int().min(1, { error: 'must be a whole number of 1 or more' }).default(fallback),
  );

/** Defaults for the request limits (README: Configuration). */
export const DEFAULT_LIMITS = {
  /** Generous: a feed pushes one reading a minute; imports and batches use few requests. */
  ingestPerMinute: 1_200_000,
  /**
   * Login attempts (right or wrong) one address may make, across usernames: a password spray from
   * one machine. An office behind one NAT logs in a few times a day, far below it.
   */
  loginPerAddressPerMinute: 20,
  /** Login attempts on one username, from any number of addresses: guessing one account. */
  loginPerUsernamePerMinute: 10,
};

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  REDIS_URL: z.string().optional(),
  /**
   * A Redis Cluster instead of one server: its seed nodes, `host:port` (or `redis://…` URLs)
   * separated by commas. Takes the place of REDIS_URL.
   */
  REDIS_CLUSTER_NODES: unsetIfEmpty(
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z.string().regex(/^([a-z]+:\/\/)?[^\s/]+:\d{1,5}\/?$/, {
              error: 'each node must be host:port or a redis:// URL with a port',
            }),
          )
          .min(1, { error: 'name at least one node' }),
      )
      .optional(),
  ),
  /**
   * How many replicas must have a log append before it is answered (Redis WAIT; 0: the master's
   * reply is enough). With replicas, 1 keeps every answered write through a failover.
   */
  REDIS_WAIT_REPLICAS: unsetIfEmpty(z.coerce.number().int().min(0).max(16).default(0)),
  /** How long an append waits for those replicas before it fails with 503 (at most the 1.5 s a command may take). */
  REDIS_WAIT_TIMEOUT_MS: unsetIfEmpty(z.coerce.number().int().min(10).max(1_000).default(1_000)),
  /** Key prefix in Redis, so several deployments (or test runs) can share one server. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,60}$/)
    .default('warroom:'),
  /** Held to the same rules as any user's password (PASSWORD_MIN_LENGTH, shared/src/auth.ts). */
  WARROOM_ADMIN_PASSWORD: unsetIfEmpty(Password.optional()),
  /** Behind a reverse proxy: trust its X-Forwarded-For, so rate limits and the audit see the real address. */
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  WARROOM_INGEST_RATE_PER_MINUTE: perMinute(DEFAULT_LIMITS.ingestPerMinute),
  WARROOM_LOGIN_PER_ADDRESS_PER_MINUTE: perMinute(DEFAULT_LIMITS.loginPerAddressPerMinute),
  WARROOM_LOGIN_PER_USERNAME_PER_MINUTE: perMinute(DEFAULT_LIMITS.loginPerUsernamePerMinute),
  /** `1`: one stdout line of heap and event-loop delay every WARROOM_DIAGNOSTICS_MS (the soak benchmark). */
  WARROOM_DIAGNOSTICS: z
    .string()
    .optional()
    .transform((v) => v === '1'),
  WARROOM_DIAGNOSTICS_MS: unsetIfEmpty(z.coerce.number().int().min(10).default(1000)),
  /** Largest CSV an import accepts (413 beyond it). */
  WARROOM_IMPORT_MAX_BYTES: unsetIfEmpty(z.coerce.number().int().min(1).optional()),
  /** Rows an import decides and stores at a time. */
  WARROOM_IMPORT_BATCH_ROWS: unsetIfEmpty(z.coerce.number().int().min(1).optional()),
  /** SIGTERM/SIGINT: how long in-flight work may take to finish before the process exits anyway (1). */
  WARROOM_SHUTDOWN_TIMEOUT_MS: unsetIfEmpty(z.coerce.number().int().min(100).default(10_000)),
  /** The address people open War room at: the base of the ack links in notifications. */
  WARROOM_PUBLIC_URL: unsetIfEmpty(z.url({ protocol: /^https?$/ }).optional()),
  /** Notifications: first retry after about this long, doubling (with jitter) up to the max. */
  WARROOM_NOTIFY_BACKOFF_MS: unsetIfEmpty(z.coerce.number().int().min(1).optional()),
  WARROOM_NOTIFY_BACKOFF_MAX_MS: unsetIfEmpty(z.coerce.number().int().min(1).optional()),
  /** Attempts per message and channel before it is recorded as failed. */
  WARROOM_NOTIFY_MAX_ATTEMPTS: unsetIfEmpty(z.coerce.number().int().min(1).max(100).optional()),
  /** Messages a minute per robot (DingTalk, WeCom and Feishu allow about 20); more are bunched. */
  WARROOM_NOTIFY_PER_MINUTE: unsetIfEmpty(z.coerce.number().int().min(1).max(10_000).optional()),
  /** Timeout of one request to a channel. */
  WARROOM_NOTIFY_TIMEOUT_MS: unsetIfEmpty(z.coerce.number().int().min(100).max(60_000).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLIENT_DIST: z.string().optional(),
});
export type Config = z.infer<typeof Env>;

/** Thrown with every bad variable named, one `NAME: what is wrong` each. */
export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = Env.safeParse(env);
  if (!r.success) {
    throw new ConfigError(
      `bad environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}

/** The import limits the environment sets (apps built in-process without options take these). */
export function importLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  maxBytes?: number;
  batchRows?: number;
} {
  const c = loadConfig({ ...env, WARROOM_ADMIN_PASSWORD: undefined });
  return { maxBytes: c.WARROOM_IMPORT_MAX_BYTES, batchRows: c.WARROOM_IMPORT_BATCH_ROWS };
}

/** The sender's settings the environment sets (unset ones keep the defaults, notify/sender.ts). */
export function notifyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  publicUrl?: string;
  backoffMs?: number;
  backoffMaxMs?: number;
  maxAttempts?: number;
  perMinute?: number;
  timeoutMs?: number;
} {
  let c: Config;
  try {
    c = loadConfig(env);
  } catch {
    return {};
  }
  const out = {
    publicUrl: c.WARROOM_PUBLIC_URL ?? (c.HOST && c.PORT ? `http://${c.HOST}:${c.PORT}` : undefined),
    backoffMs: c.WARROOM_NOTIFY_BACKOFF_MS,
    backoffMaxMs: c.WARROOM_NOTIFY_BACKOFF_MAX_MS,
    maxAttempts: c.WARROOM_NOTIFY_MAX_ATTEMPTS,
    perMinute: c.WARROOM_NOTIFY_PER_MINUTE,
    timeoutMs: c.WARROOM_NOTIFY_TIMEOUT_MS,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}
