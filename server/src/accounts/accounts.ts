/**
 * People, sessions and bearer tokens, kept as an append-only log (state is its fold) so that a
 * restart keeps everyone logged in and every token valid. Secrets are stored hashed.
 */
import { Password } from '@warroom/shared';
import type { Principal, Role, TokenInfo, TokenScope, User, UserInput } from '@warroom/shared';
import { OffsetConflictError } from '../store/event-store';
import { hashPassword, newSecret, secretHash, verifyPassword } from './passwords';

export type AccountEvent =
  | { offset: number; type: 'user.created'; user: User; passwordHash: string }
  | { offset: number; type: 'user.password_set'; username: string; passwordHash: string }
  | { offset: number; type: 'token.created'; token: TokenInfo; hash: string }
  | { offset: number; type: 'token.revoked'; id: string; at: string }
  | { offset: number; type: 'session.created'; hash: string; username: string; expiresAt: string }
  | { offset: number; type: 'session.deleted'; hash: string };

type Body = AccountEvent extends infer E ? (E extends { offset: number } ? Omit<E, 'offset'> : never) : never;

export interface AccountLog {
  read(stream: string): Promise<{ events: AccountEvent[] }>;
  append(stream: string, events: readonly AccountEvent[]): Promise<void>;
  /** A log shared by several instances (Redis): what others appended after `after`. */
  readAfter?(stream: string, after: number): Promise<AccountEvent[]>;
}

/** Appends another instance won before ours: each means catching up and deciding again. */
const MAX_CONFLICT_RETRIES = 8;

const STREAM = 'accounts';
export const SESSION_HOURS = 24;

export class UsernameTakenError extends Error {}

export class Accounts {
  private users = new Map<string, { user: User; passwordHash: string }>();
  private tokens = new Map<string, { token: TokenInfo; hash: string }>();
  private tokenByHash = new Map<string, string>();
  private sessions = new Map<string, { username: string; expiresAt: number }>();
  private offset = 0;
  /** Decisions are serialised so two creations of one username cannot both pass the check. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly log: AccountLog) {}

  async load(): Promise<void> {
    const { events } = await this.log.read(STREAM);
    for (const e of events) this.apply(e);
  }

  /**
   * Folds what other instances appended (a shared log): a session created on one instance works
   * on the others. Serialised with this instance's own writes.
   */
  catchUp(): Promise<void> {
    return this.serial(() => this.readNew());
  }

  private async readNew(): Promise<void> {
    if (!this.log.readAfter) return;
    for (const e of await this.log.readAfter(STREAM, this.offset)) this.apply(e);
  }

  /** Appends at the next offset; after a conflict, catches up and lets `decide` run again. */
  private async appendDecided(decide: () => Body[]): Promise<AccountEvent[]> {
    for (let attempt = 0; ; attempt++) {
      const events = decide().map((b, i) => ({ ...b, offset: this.offset + i + 1 }) as AccountEvent);
      try {
        await this.log.append(STREAM, events);
        return events;
      } catch (e) {
        if (!(e instanceof OffsetConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw e;
        await this.readNew();
      }
    }
  }

  private apply(e: AccountEvent): void {
    this.offset = e.offset;
    switch (e.type) {
      case 'user.created':
        this.users.set(e.user.username, { user: e.user, passwordHash: e.passwordHash });
        break;
      case 'user.password_set': {
        const u = this.users.get(e.username);
        if (u) u.passwordHash = e.passwordHash;
        break;
      }
      case 'token.created':
        this.tokens.set(e.token.id, { token: e.token, hash: e.hash });
        this.tokenByHash.set(e.hash, e.token.id);
        break;
      case 'token.revoked': {
        const t = this.tokens.get(e.id);
        if (t) t.token = { ...t.token, revokedAt: e.at };
        break;
      }
      case 'session.created':
        this.sessions.set(e.hash, { username: e.username, expiresAt: Date.parse(e.expiresAt) });
        break;
      case 'session.deleted':
        this.sessions.delete(e.hash);
        break;
    }
  }

  /** Writes, then folds: nothing is believed before it is durable. */
  private record(bodies: Body[]): Promise<void> {
    const run = this.chain.then(async () => {
      const events = await this.appendDecided(() => bodies);
      for (const e of events) this.apply(e);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  async createUser(input: UserInput): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    return this.serial(async () => {
      const user: User = {
        username: input.username,
        role: input.role,
        displayName: input.displayName ?? input.username,
        ownerRole: input.ownerRole ?? null,
        createdAt: new Date().toISOString(),
      };
      // Checked again after a conflict: another instance may have created the same name.
      const events = await this.appendDecided(() => {
        if (this.users.has(input.username))
          throw new UsernameTakenError(`user ${input.username} already exists`);
        return [{ type: 'user.created' as const, user, passwordHash }];
      });
      for (const e of events) this.apply(e);
      return user;
    });
  }

  /** WARROOM_ADMIN_PASSWORD: the `admin` user exists with this password after start. */
  async ensureAdmin(password: string): Promise<void> {
    // config.ts refuses it at start; an app built in-process is held to the same rule.
    const valid = Password.safeParse(password);
    if (!valid.success) throw new Error(`the admin password ${valid.error.issues[0]!.message}`);
    let existing = this.users.get('admin');
    if (!existing) {
      try {
        await this.createUser({ username: 'admin', password, role: 'admin', displayName: 'admin' });
        return;
      } catch (e) {
        // Another instance starting at the same time created it first.
        if (!(e instanceof UsernameTakenError)) throw e;
        existing = this.users.get('admin')!;
      }
    }
    if (await verifyPassword(password, existing.passwordHash)) return;
    await this.record([
      { type: 'user.password_set', username: 'admin', passwordHash: await hashPassword(password) },
    ]);
  }

  listUsers(): User[] {
    return [...this.users.values()].map((u) => u.user);
  }

  /** A new session for valid credentials; null otherwise (the caller says nothing about which was wrong). */
  async login(username: string, password: string): Promise<{ secret: string; user: User } | null> {
    const u = this.users.get(username);
    // Verify against a dummy hash for unknown users so timing does not reveal who exists.
    const ok = await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH);
    if (!u || !ok) return null;
    const secret = newSecret();
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000).toISOString();
    await this.record([{ type: 'session.created', hash: secretHash(secret), username, expiresAt }]);
    return { secret, user: u.user };
  }

  async logout(secret: string): Promise<void> {
    const hash = secretHash(secret);
    if (this.sessions.has(hash)) await this.record([{ type: 'session.deleted', hash }]);
  }

  principalForSession(secret: string): Principal | null {
    const s = this.sessions.get(secretHash(secret));
    if (!s || s.expiresAt <= Date.now()) return null;
    const u = this.users.get(s.username);
    if (!u) return null;
    return {
      kind: 'user',
      username: u.user.username,
      displayName: u.user.displayName,
      role: u.user.role,
      ownerRole: u.user.ownerRole,
    };
  }

  async createToken(
    name: string,
    scope: TokenScope,
    createdBy: string,
  ): Promise<{ token: TokenInfo; secret: string }> {
    const secret = `wr_${scope}_${newSecret()}`;
    const token: TokenInfo = {
      id: secretHash(secret)
        .slice(0, 12)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x'),
      name,
      scope,
      createdBy,
      createdAt: new Date().toISOString(),
      revokedAt: null,
    };
    await this.record([{ type: 'token.created', token, hash: secretHash(secret) }]);
    return { token, secret };
  }

  async revokeToken(id: string): Promise<TokenInfo | null> {
    const t = this.tokens.get(id);
    if (!t) return null;
    if (!t.token.revokedAt) await this.record([{ type: 'token.revoked', id, at: new Date().toISOString() }]);
    return this.tokens.get(id)!.token;
  }

  listTokens(): TokenInfo[] {
    return [...this.tokens.values()].map((t) => t.token);
  }

  principalForToken(secret: string): Principal | null {
    const id = this.tokenByHash.get(secretHash(secret));
    const t = id ? this.tokens.get(id) : undefined;
    if (!t || t.token.revokedAt) return null;
    return { kind: 'token', tokenId: t.token.id, name: t.token.name, scope: t.token.scope };
  }

  roleOf(username: string): Role | null {
    return this.users.get(username)?.user.role ?? null;
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
