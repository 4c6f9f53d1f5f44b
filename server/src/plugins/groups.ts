/**
 * Launch groups (`app.groups`): the groups log (DATA_DIR/groups/groups.jsonl, or the Redis stream
 * `<prefix>groups:groups`, followed when another instance writes), folded at start.
 */
import fp from 'fastify-plugin';
import { type GroupEvent, Groups } from '../groups/groups';
import { JsonlLogStore } from '../store/file-store';

declare module 'fastify' {
  interface FastifyInstance {
    groups: Groups;
  }
}

export default fp<{ dataDir: string }>(
  async (app, opts) => {
    const redis = app.redisBackend;
    const log = redis?.groupLog ?? new JsonlLogStore<GroupEvent>(opts.dataDir, 'groups');
    if (!redis) await (log as JsonlLogStore<GroupEvent>).init();
    const groups = new Groups(log, (id) => app.registry.get(id)?.state.launch.name ?? null);
    await groups.load();
    redis?.onGroups(() => void groups.catchUp().catch(() => undefined));
    if (!redis) app.addHook('onClose', async () => (log as JsonlLogStore<GroupEvent>).close());
    app.decorate('groups', groups);
  },
  { name: 'groups', dependencies: ['registry'] },
);
