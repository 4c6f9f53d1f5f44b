/** Sessions, users, tokens and the audit trail. */
import type { FastifyPluginAsync } from 'fastify';
import { LoginInput, TokenInput, UserInput } from '@warroom/shared';
import { z } from 'zod';
import { UsernameTakenError } from '../accounts/accounts';
import { SESSION_HOURS } from '../accounts/accounts';
import { actorName } from '../accounts/policy';
import { HttpError, notFound, parseInput } from '../http-errors';
import { SESSION_COOKIE } from '../plugins/auth';

export const accountRoutes: FastifyPluginAsync = async (app) => {
  app.post(
    '/api/session',
    {
      config: {
        access: 'public',
        // Per address and username: guessing one account from many addresses, or many accounts
        // from one address, both run into it.
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          // After the body is parsed: on the default onRequest hook `req.body` is not there yet, so
          // every login from one address would share one bucket (the whole office locked out).
          hook: 'preHandler',
          keyGenerator: (req) => {
            const body = req.body as { username?: unknown } | undefined;
            const user = typeof body?.username === 'string' ? body.username.slice(0, 40) : '';
            return `${req.ip}|${user}`;
          },
        },
      },
    },
    async (req, reply) => {
      const { username, password } = parseInput(LoginInput, req.body, 'login');
      const session = await app.accounts.login(username, password);
      if (!session) {
        await app.audit.record(username, 'login.failed', null, { ip: req.ip });
        throw new HttpError(401, 'unauthorized', 'wrong username or password');
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
    },
  );

  app.get('/api/session', { config: { access: 'public' } }, async (req) => {
    if (!req.principal) throw new HttpError(401, 'unauthorized', 'not logged in');
    return req.principal;
  });

  app.delete('/api/session', { config: { access: 'user' } }, async (req, reply) => {
    if (req.sessionSecret) {
      await app.accounts.logout(req.sessionSecret);
      app.io.in(`session:${req.sessionSecret.slice(0, 16)}`).disconnectSockets(true);
      await app.audit.record(actorName(req.principal), 'logout', null);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/users', { config: { access: 'admin' } }, async () => app.accounts.listUsers());

  app.post('/api/users', { config: { access: 'admin' } }, async (req, reply) => {
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

  app.get('/api/tokens', { config: { access: 'admin' } }, async () => app.accounts.listTokens());

  app.post('/api/tokens', { config: { access: 'admin' } }, async (req, reply) => {
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

  app.delete('/api/tokens/:id', { config: { access: 'admin' } }, async (req) => {
    const { id } = parseInput(z.object({ id: z.string().min(1).max(40) }), req.params, 'path');
    const token = await app.accounts.revokeToken(id);
    if (!token) throw notFound(`token ${id}`);
    app.io.in(`token:${id}`).disconnectSockets(true);
    await app.audit.record(actorName(req.principal), 'token.revoke', id);
    return token;
  });

  app.get('/api/audit', { config: { access: 'admin' } }, async (req) => {
    const q = parseInput(
      z.object({
        limit: z.coerce.number().int().min(1).max(10_000).default(500),
        action: z.string().max(40).optional(),
      }),
      req.query,
      'query',
    );
    return app.audit.list(q.limit, q.action);
  });
};
