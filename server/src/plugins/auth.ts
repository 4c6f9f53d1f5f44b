/**
 * Authentication and authorization at the edge. People log in (session cookie: HttpOnly,
 * SameSite=Lax); data pushers and kiosk screens send a bearer token. Every /api route declares an
 * access level (`config.access`); a route without one is refused, so nothing is open by accident.
 * Cookie-authenticated state changes from another site's page are refused (CSRF).
 */
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditEntry, Principal } from '@warroom/shared';
import { type AccountEvent, type AccountLog, Accounts } from '../accounts/accounts';
import { AuditLog, type AuditLogStore } from '../accounts/audit';
import { type Access, actorName, allowed } from '../accounts/policy';
import { HttpError } from '../http-errors';
import { JsonlLogStore } from '../store/file-store';

declare module 'fastify' {
  interface FastifyInstance {
    accounts: Accounts;
    audit: AuditLog;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The session secret when the principal came from the cookie. */
    sessionSecret: string | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export const SESSION_COOKIE = 'wr_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthPluginOptions {
  dataDir: string;
  adminPassword?: string;
  /** Shared logs (Redis) instead of DATA_DIR/accounts, followed when another instance writes. */
  shared?: {
    accountLog: AccountLog & { init(): Promise<void>; close(): Promise<void> };
    auditLog: AuditLogStore & { close(): Promise<void> };
    onChange(fn: () => void): void;
  };
}

/** The principal behind a bearer token or a session cookie value. */
export function resolvePrincipal(
  accounts: Accounts,
  authorization: string | undefined,
  sessionSecret: string | undefined,
): { principal: Principal | null; badToken: boolean; viaCookie: boolean } {
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    const principal = m ? accounts.principalForToken(m[1]!) : null;
    return { principal, badToken: !principal, viaCookie: false };
  }
  if (sessionSecret) {
    const principal = accounts.principalForSession(sessionSecret);
    return { principal, badToken: false, viaCookie: !!principal };
  }
  return { principal: null, badToken: false, viaCookie: false };
}

/** A browser page of another site may not change state with our cookie. */
export function crossSite(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (typeof origin === 'string' && origin !== 'null') {
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  if (origin === 'null') return true;
  return req.headers['sec-fetch-site'] === 'cross-site';
}

export default fp<AuthPluginOptions>(
  async (app, opts) => {
    await app.register(cookie);
    // DATA_DIR/accounts/accounts.jsonl and DATA_DIR/accounts/audit.jsonl
    const accountLog = opts.shared?.accountLog ?? new JsonlLogStore<AccountEvent>(opts.dataDir, 'accounts');
    const auditLog = opts.shared?.auditLog ?? new JsonlLogStore<AuditEntry>(opts.dataDir, 'accounts');
    await accountLog.init();
    const accounts = new Accounts(accountLog);
    const audit = new AuditLog(auditLog);
    await accounts.load();
    await audit.load();
    if (opts.adminPassword) await accounts.ensureAdmin(opts.adminPassword);
    opts.shared?.onChange(() => {
      void accounts.catchUp().catch(() => undefined);
      void audit.catchUp().catch(() => undefined);
    });
    app.addHook('onClose', async () => {
      await accountLog.close();
      await auditLog.close();
    });
    app.decorate('accounts', accounts);
    app.decorate('audit', audit);
    app.decorateRequest('principal', null);
    app.decorateRequest('sessionSecret', null);

    /** Sets the principal and refuses what it may not do (throws the 401/403). */
    const authorize = (req: FastifyRequest, resolved: ReturnType<typeof resolvePrincipal>) => {
      const { principal, badToken, viaCookie } = resolved;
      if (badToken) throw new HttpError(401, 'unauthorized', { key: 'http.badToken' });
      req.principal = principal;
      req.sessionSecret = viaCookie ? req.cookies[SESSION_COOKIE]! : null;
      const access = req.routeOptions.config?.access;
      if (!access) {
        // Every API route must say who may use it; static files and the 404 handler need not.
        if (req.routeOptions.url?.startsWith('/api/'))
          throw new HttpError(403, 'forbidden', { key: 'http.routeClosed' });
        return;
      }
      if (viaCookie && !SAFE_METHODS.has(req.method) && crossSite(req))
        throw new HttpError(403, 'forbidden', { key: 'http.crossSite' });
      if (allowed(principal, access)) return;
      if (!principal) throw new HttpError(401, 'unauthorized', { key: 'http.logInFirst' });
      throw new HttpError(403, 'forbidden', {
        key: 'http.needsAccess',
        params: { who: actorName(principal), access },
      });
    };

    // Callback style: every request passes here, and only a shared log's catch-up has to wait.
    app.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
      const secret = req.cookies[SESSION_COOKIE];
      const resolved = resolvePrincipal(accounts, req.headers.authorization, secret);
      // A session or token created a moment ago on another instance (shared log): catch up once.
      if (opts.shared && !resolved.principal && (req.headers.authorization !== undefined || secret)) {
        accounts
          .catchUp()
          .catch(() => undefined)
          .then(() => authorize(req, resolvePrincipal(accounts, req.headers.authorization, secret)))
          .then(() => done(), done);
        return;
      }
      authorize(req, resolved);
      done();
    });
  },
  { name: 'auth' },
);
