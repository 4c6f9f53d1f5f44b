/** Notification channels (admin): DingTalk, WeCom and Feishu robots and signed webhooks. */
import type { FastifyPluginAsync } from 'fastify';
import { Channel, ChannelInput, ChannelTestResult, DeliveryLogEntry } from '@warroom/shared';
import { z } from 'zod';
import { actorName } from '../accounts/policy';
import { HttpError, notFound, parseInput } from '../http-errors';
import { newId } from '../launches/registry';
import { TooManyChannelsError, publicChannel } from '../notify/channels';
import { errorResponse, noContent } from '../plugins/openapi';

const Params = z.object({ id: z.string().min(1).max(40) });
const DeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });
const TestBody = z.strictObject({ language: z.enum(['zh', 'en']).optional() }).optional();

const tags = ['channels'];
const docs = {
  list: {
    summary: 'Notification channels (secrets are never returned)',
    tags,
    response: { 200: z.array(Channel) },
  },
  create: {
    summary: 'Add a channel: a DingTalk, WeCom or Feishu robot, or a signed webhook',
    tags,
    body: ChannelInput,
    response: { 201: Channel, 409: errorResponse(409) },
  },
  get: { summary: 'One channel', tags, params: Params, response: { 200: Channel, 404: errorResponse(404) } },
  update: {
    summary: 'Replace a channel’s settings (a secret left out keeps the stored one)',
    tags,
    params: Params,
    body: ChannelInput,
    response: { 200: Channel, 404: errorResponse(404) },
  },
  remove: {
    summary: 'Delete a channel',
    tags,
    params: Params,
    response: { 204: noContent, 404: errorResponse(404) },
  },
  deliveries: {
    summary: 'The channel’s delivery log, newest first: sent, failed (with the platform’s code), retrying',
    tags,
    params: Params,
    querystring: DeliveriesQuery,
    response: { 200: z.array(DeliveryLogEntry), 404: errorResponse(404) },
  },
  test: {
    summary: 'Send a test message; answers with the platform’s reply',
    tags,
    params: Params,
    body: TestBody,
    response: { 200: ChannelTestResult, 404: errorResponse(404) },
  },
};

export const channelRoutes: FastifyPluginAsync = async (app) => {
  const { channels, sender } = app.notify;
  const admin = { access: 'admin' as const };
  const find = async (id: string) => {
    let c = channels.get(id);
    if (!c) {
      await channels.catchUp().catch(() => undefined);
      c = channels.get(id);
    }
    if (!c) throw notFound(`channel ${id}`);
    return c;
  };

  app.get('/api/channels', { config: admin, schema: docs.list }, async () => {
    await channels.catchUp().catch(() => undefined);
    return channels.list().map(publicChannel);
  });

  app.post('/api/channels', { config: admin, schema: docs.create }, async (req, reply) => {
    const input = parseInput(ChannelInput, req.body, 'channel');
    try {
      const c = await channels.create(newId(), input, actorName(req.principal));
      await app.audit.record(actorName(req.principal), 'channel.create', c.id, {
        name: c.name,
        kind: c.kind,
      });
      return reply.status(201).send(publicChannel(c));
    } catch (e) {
      if (e instanceof TooManyChannelsError) throw new HttpError(409, 'conflict', e.message);
      throw e;
    }
  });

  app.get('/api/channels/:id', { config: admin, schema: docs.get }, async (req) => {
    const { id } = parseInput(Params, req.params, 'path');
    return publicChannel(await find(id));
  });

  app.put('/api/channels/:id', { config: admin, schema: docs.update }, async (req) => {
    const { id } = parseInput(Params, req.params, 'path');
    const input = parseInput(ChannelInput, req.body, 'channel');
    await find(id);
    const c = await channels.update(id, input);
    if (!c) throw notFound(`channel ${id}`);
    await app.audit.record(actorName(req.principal), 'channel.update', id, { name: c.name, kind: c.kind });
    return publicChannel(c);
  });

  app.delete('/api/channels/:id', { config: admin, schema: docs.remove }, async (req, reply) => {
    const { id } = parseInput(Params, req.params, 'path');
    const c = await find(id);
    if (!(await channels.remove(id))) throw notFound(`channel ${id}`);
    await app.audit.record(actorName(req.principal), 'channel.delete', id, { name: c.name, kind: c.kind });
    return reply.status(204).send();
  });

  app.get('/api/channels/:id/deliveries', { config: admin, schema: docs.deliveries }, async (req) => {
    const { id } = parseInput(Params, req.params, 'path');
    const { limit } = parseInput(DeliveriesQuery, req.query, 'query');
    await find(id);
    const out: DeliveryLogEntry[] = [];
    for (const rt of app.registry.all())
      for (const n of rt.state.notifications.values())
        for (const a of n.attempts)
          if (a.channelId === id && a.keys[0] === n.due.key)
            out.push({ ...a, launchId: rt.id, incidentId: n.due.incidentId, kind: n.due.kind });
    out.sort((a, b) => b.at.localeCompare(a.at));
    return out.slice(0, limit);
  });

  app.post('/api/channels/:id/test', { config: admin, schema: docs.test }, async (req) => {
    const { id } = parseInput(Params, req.params, 'path');
    const body = parseInput(TestBody, req.body ?? undefined, 'request body');
    const c = await find(id);
    const lang = body?.language ?? (c.language === 'en' ? 'en' : 'zh');
    const result = await sender.test(c, lang);
    await app.audit.record(actorName(req.principal), 'channel.test', id, {
      ok: result.ok,
      code: result.code,
    });
    return result;
  });
};
