/** Launch groups (活动 / 场次组): CRUD, the group's run sheet and its review. Translation only. */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import {
  type Group,
  GroupInput,
  GroupListItem,
  GroupReview,
  GroupRunSheetRow,
  GroupView,
  groupView,
} from '@warroom/shared';
import { z } from 'zod';
import { actorName } from '../accounts/policy';
import { GroupRefusal, groupMembers } from '../groups/groups';
import { HttpError, parseInput } from '../http-errors';
import { downloadable, errorResponse, noContent } from '../plugins/openapi';
import { groupReviewCsv, groupReviewXlsx, sendReview } from '../review/export';
import { groupReview, groupRunSheet } from '../review/group-review';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const ReviewQuery = z.object({ format: z.enum(['json', 'csv', 'xlsx']).default('json') });

const tags = ['groups'];
/** What the OpenAPI document says of each route (plugins/openapi.ts). */
const docs = {
  list: {
    summary: 'Every launch group with its totals',
    tags,
    response: { 200: z.array(GroupListItem) },
  },
  create: {
    summary: 'Create a launch group (活动 / 场次组)',
    description: 'A launch belongs to at most one group: 409 names the group that holds it.',
    tags,
    body: GroupInput,
    response: { 201: GroupView, 409: errorResponse(409) },
  },
  get: {
    summary: 'A group, its launches as the group wall shows them, and its totals',
    tags,
    params: IdParams,
    response: { 200: GroupView },
  },
  update: {
    summary: "Replace a group's name, launches and target",
    tags,
    params: IdParams,
    body: GroupInput,
    response: { 200: GroupView, 409: errorResponse(409) },
  },
  remove: {
    summary: 'Delete a group (its launches stay)',
    tags,
    params: IdParams,
    response: { 204: noContent },
  },
  runSheet: {
    summary: "The group's run sheet: every launch's tasks merged by time",
    tags,
    params: IdParams,
    response: { 200: z.array(GroupRunSheetRow) },
  },
  review: {
    summary: 'The group review: launches side by side and the totals (JSON, CSV or Excel)',
    tags,
    params: IdParams,
    querystring: ReviewQuery,
    response: { 200: downloadable(GroupReview, 'The group review') },
  },
};

const membersOf = (app: FastifyInstance, group: Group) => groupMembers(app.registry, group);

const refusal = (e: unknown): never => {
  if (e instanceof GroupRefusal)
    throw new HttpError(
      e.status,
      e.status === 404 ? 'not_found' : e.status === 409 ? 'conflict' : 'invalid_input',
      { key: e.key, params: e.params },
    );
  throw e;
};

const fileName = (id: string, ext: string) => `group-review-${id.replace(/[^A-Za-z0-9_-]/g, '')}.${ext}`;

export const groupRoutes: FastifyPluginAsync = async (app) => {
  const find = (params: unknown): Group => {
    const { id } = parseInput(IdParams, params, 'path');
    const group = app.groups.get(id);
    if (!group) throw new HttpError(404, 'not_found', { key: 'group.notFound', params: { id } });
    return group;
  };
  const view = (group: Group) => groupView(group, membersOf(app, group));

  app.get('/api/groups', { config: { access: 'read' }, schema: docs.list }, async () =>
    app.groups.list().map((g) => ({ group: g, totals: view(g).totals })),
  );

  app.post('/api/groups', { config: { access: 'admin' }, schema: docs.create }, async (req, reply) => {
    const input = parseInput(GroupInput, req.body, 'group');
    const actor = actorName(req.principal);
    const group = await app.groups.create(input, actor).catch(refusal);
    await app.audit.record(actor, 'group.create', group.id, { name: group.name, launches: group.launchIds });
    return reply.status(201).send(view(group));
  });

  app.get('/api/groups/:id', { config: { access: 'read' }, schema: docs.get }, async (req) =>
    view(find(req.params)),
  );

  app.put('/api/groups/:id', { config: { access: 'admin' }, schema: docs.update }, async (req) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const input = parseInput(GroupInput, req.body, 'group');
    const group = await app.groups.update(id, input).catch(refusal);
    await app.audit.record(actorName(req.principal), 'group.update', id, {
      name: group.name,
      launches: group.launchIds,
    });
    return view(group);
  });

  app.delete('/api/groups/:id', { config: { access: 'admin' }, schema: docs.remove }, async (req, reply) => {
    const { id } = parseInput(IdParams, req.params, 'path');
    const actor = actorName(req.principal);
    const group = await app.groups.remove(id, actor).catch(refusal);
    await app.audit.record(actor, 'group.delete', id, { name: group.name });
    return reply.status(204).send();
  });

  app.get('/api/groups/:id/run-sheet', { config: { access: 'read' }, schema: docs.runSheet }, async (req) =>
    groupRunSheet(membersOf(app, find(req.params))),
  );

  app.get(
    '/api/groups/:id/review',
    { config: { access: 'read' }, schema: docs.review },
    async (req, reply) => {
      const group = find(req.params);
      const { format } = parseInput(ReviewQuery, req.query, 'query');
      const r = groupReview(group, membersOf(app, group), new Date().toISOString());
      return sendReview(reply, format, r, (ext) => fileName(group.id, ext), groupReviewCsv, groupReviewXlsx);
    },
  );
};
