/** Sessions, users, tokens and the audit trail. */
import type { FastifyPluginAsync } from 'fastify';
import { AuditEntry, LoginInput, Principal, TokenInfo, TokenInput, User, UserInput } from '@warroom/shared';
import { z } from 'zod';
import { UsernameTakenError } from '../accounts/accounts';
import { SESSION_HOURS } from '../accounts/accounts';
import { LoginLimits } from '../accounts/login-limits';
import { actorName } from '../accounts/policy';
import { HttpError, notFound, parseInput } from '../http-errors';
import { SESSION_COOKIE } from '../plugins/auth';
import { errorResponse, noContent } from '../plugins/openapi';

const TokenParams = z.object({ id: z.string().min(1).max(40) });
const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
  action: z.string().max(40).optional(),
});

const tags = ['accounts'];
/** What the OpenAPI document says of each route (plugins/openapi.ts). */
const docs = {
  login: {
    summary: 'Log in: sets the session cookie (wr_session)',
    tags,
    body: LoginInput,
    response: {
      200: User.extend({ kind: z.literal('user') }),
      401: errorResponse(401),
      429: errorResponse(429),
    },
  },
  session: { summary: 'Who is asking', tags, response: { 200: Principal, 401: errorResponse(401) } },
  logout: { summary: 'Log out', tags, response: { 204: noContent } },
  users: { summary: 'People', tags, response: { 200: z.array(User) } },
  addUser: {
    summary: 'Add a person',
    tags,
    body: UserInput,
    response: { 201: User, 409: errorResponse(409) },
  },
  tokens: { summary: 'Bearer tokens', tags, response: { 200: z.array(TokenInfo) } },
  addToken: {
    summary: 'Create a bearer token (its secret is shown once)',
    tags,
    body: TokenInput,
    response: { 201: TokenInfo.extend({ token: z.string().describe('The secret, shown only now') }) },
  },
  revoke: { summary: 'Revoke a token', tags, params: TokenParams, response: { 200: TokenInfo } },
  audit: {
    summary: 'The audit trail',
    tags,
    querystring: AuditQuery,
    response: { 200: z.array(AuditEntry) },
  },
};

export const accountRoutes: FastifyPluginAsync = async (app) => {
  const loginLimits = new LoginLimits(app, app.audit, app.log);
  app.addHook('onClose', () => loginLimits.close());

  app.post('/api/session', { config: { access: 'public' }, schema: docs.login }, async (req, reply) => {
    const { username, password } = parseInput(LoginInput, req.body, 'login');
    // Before the password is hashed: a refused attempt costs nothing but a counter.
    await loginLimits.check(req, reply);
    const session = await app.accounts.login(username, password);
    if (!session) {
      await app.audit.record(username, 'login.failed', null, { ip: req.ip });
      throw new HttpError(401, 'unauthorized', { key: 'http.wrongLogin' });
    }
    await app.audit.record(username, 'login', null, { ip: req.ip });
    reply.setCookie(SESSION_COOKIE, session.secret, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: req.protocol === 'https',
      maxAge: SESSION_HOURS * 3600,
    });
    return { kind: 'user', ...session.user };
  });

  app.get('/api/session', { config: { access: 'public' }, schema: docs.session }, async (req) => {
    if (!req.principal) throw new HttpError(401, 'unauthorized', { key: 'http.notLoggedIn' });
    return req.principal;
  });

  app.delete('/api/session', { config: { access: 'user' }, schema: docs.logout }, async (req, reply) => {
    if (req.sessionSecret) {
      await app.accounts.logout(req.sessionSecret);
      app.io.in(`session:${req.sessionSecret.slice(0, 16)}`).disconnectSockets(true);
      await app.audit.record(actorName(req.principal), 'logout', null);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/users', { config: { access: 'admin' }, schema: docs.users }, async () =>
    app.accounts.listUsers(),
  );

  app.post('/api/users', { config: { access: 'admin' }, schema: docs.addUser }, async (req, reply) => {
    const input = parseInput(UserInput, req.body, 'user');
    try {
      const user = await app.accounts.createUser(input);
      await app.audit.record(actorName(req.principal), 'user.create', user.username, { role: user.role });
      return reply.status(201).send(user);
    } catch (e) {
      if (e instanceof UsernameTakenError) throw new HttpError(409, 'conflict', e.message);
      throw e;
    }
  });

  app.get('/api/tokens', { config: { access: 'admin' }, schema: docs.tokens }, async () =>
    app.accounts.listTokens(),
  );

  app.post('/api/tokens', { config: { access: 'admin' }, schema: docs.addToken }, async (req, reply) => {
    const input = parseInput(TokenInput, req.body, 'token');
    const { token, secret } = await app.accounts.createToken(
      input.name,
      input.scope,
      actorName(req.principal),
    );
    await app.audit.record(actorName(req.principal), 'token.create', token.id, {
      name: token.name,
      scope: token.scope,
    });
    // The secret is shown once; only its hash is kept.
    return reply.status(201).send({ ...token, token: secret });
  });

  app.delete('/api/tokens/:id', { config: { access: 'admin' }, schema: docs.revoke }, async (req) => {
    const { id } = parseInput(TokenParams, req.params, 'path');
    const token = await app.accounts.revokeToken(id);
    if (!token) throw notFound(`token ${id}`);
    app.io.in(`token:${id}`).disconnectSockets(true);
    await app.audit.record(actorName(req.principal), 'token.revoke', id);
    return token;
  });

  app.get('/api/audit', { config: { access: 'admin' }, schema: docs.audit }, async (req) => {
    const q = parseInput(AuditQuery, req.query, 'query');
    return app.audit.list(q.limit, q.action);
  });
};
