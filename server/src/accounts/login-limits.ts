/**
 * Login attempts, limited as OWASP's credential-stuffing guidance has it: per address across
 * usernames (a spray from one machine) and per username across addresses (one account guessed from
 * many), both at once. Every attempt counts, right or wrong, and it is counted before its password
 * is hashed, so a refused attempt costs a counter and nothing else — no scrypt, no audit write.
 *
 * A refused burst is audited once per key and window (`login.blocked`, with how many attempts were
 * refused), when the window ends or the server closes. Each instance audits the refusals it saw.
 */
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Limiter, type LimitAnswer, tooManyRequests } from '../plugins/rate-limits';
import type { AuditLog } from './audit';

/** Blocked keys waiting for their window to end; beyond this many the oldest is written at once. */
const MAX_PENDING = 10_000;

type By = 'address' | 'username';

interface Blocked {
  by: By;
  value: string;
  limit: number;
  refused: number;
  timer: NodeJS.Timeout;
}

export class LoginLimits {
  private readonly byAddress: Limiter;
  private readonly byUsername: Limiter;
  private readonly blocked = new Map<string, Blocked>();
  private readonly windowSeconds: number;

  constructor(
    app: FastifyInstance,
    private readonly audit: AuditLog,
    private readonly log: FastifyBaseLogger,
  ) {
    const { loginPerAddressPerMinute, loginPerUsernamePerMinute, windowMs } = app.limits;
    this.windowSeconds = Math.round(windowMs / 1000);
    this.byAddress = app.limiter(loginPerAddressPerMinute, (req) => `login:address:${addressOf(req)}`);
    this.byUsername = app.limiter(loginPerUsernamePerMinute, (req) => `login:username:${usernameOf(req)}`);
  }

  /**
   * Counts the attempt against its address, then (if the address may still try) its username;
   * throws the 429 when either is over. An address already refused does not use up the username's
   * attempts, so a sprayer does not lock the people it names out as well.
   */
  async check(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const address = await this.byAddress(req);
    if (address.exceeded) {
      this.refused('address', addressOf(req), address);
      throw tooManyRequests(reply, address, 'loginAddress');
    }
    const username = await this.byUsername(req);
    if (username.exceeded) {
      this.refused('username', usernameOf(req), username);
      throw tooManyRequests(reply, username, 'loginUsername');
    }
  }

  private refused(by: By, value: string, answer: LimitAnswer): void {
    const key = `${by}:${value}`;
    const entry = this.blocked.get(key);
    if (entry) {
      entry.refused++;
      return;
    }
    if (this.blocked.size >= MAX_PENDING) void this.write(this.blocked.keys().next().value!);
    const timer = setTimeout(() => void this.write(key), Math.max(answer.resetMs, 0));
    timer.unref();
    this.blocked.set(key, { by, value, limit: answer.limit, refused: 1, timer });
  }

  private async write(key: string): Promise<void> {
    const entry = this.blocked.get(key);
    if (!entry) return;
    this.blocked.delete(key);
    clearTimeout(entry.timer);
    const { by, value, limit, refused } = entry;
    await this.audit
      .record('anonymous', 'login.blocked', value, {
        [by]: value,
        refused,
        limit,
        windowSeconds: this.windowSeconds,
      })
      .catch((e: unknown) =>
        this.log.error({ err: e, by, value, refused }, 'could not audit a blocked login burst'),
      );
  }

  /** Writes every burst still open (the server is closing). */
  async close(): Promise<void> {
    await Promise.all([...this.blocked.keys()].map((key) => this.write(key)));
  }
}

/** IPv6 addresses count per /64, as one machine usually holds the whole prefix. */
function addressOf(req: FastifyRequest): string {
  return normalizeIP(req.ip);
}

/** Read after the body was validated (LoginInput: a string of at most 40 characters). */
function usernameOf(req: FastifyRequest): string {
  return (req.body as { username: string }).username;
}
