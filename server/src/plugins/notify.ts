/**
 * Notifications: the channels (admin configuration, a log like the accounts log) and the sender
 * that delivers each launch's outbox (server/src/notify). Under Redis the channels are the Stream
 * `<prefix>accounts:channels`, followed on the accounts notifications, and only the holder of a
 * launch's tick lease sends its messages.
 */
import fp from 'fastify-plugin';
import { JsonlLogStore } from '../store/file-store';
import { RedisLogStore } from '../store/redis-store';
import { type ChannelEvent, Channels } from '../notify/channels';
import { DEFAULT_SENDER, NotificationSender, type SenderOptions } from '../notify/sender';

declare module 'fastify' {
  interface FastifyInstance {
    notify: { channels: Channels; sender: NotificationSender };
  }
}

export interface NotifyPluginOptions {
  dataDir: string;
  options?: Partial<SenderOptions>;
}

export default fp<NotifyPluginOptions>(
  async (app, opts) => {
    const redis = app.redisBackend;
    const log = redis
      ? new RedisLogStore<ChannelEvent>(
          redis.redis,
          redis.prefix,
          'accounts',
          `${redis.prefix}accounts`,
          redis.leases.instanceId,
        )
      : new JsonlLogStore<ChannelEvent>(opts.dataDir, 'channels');
    await log.init();
    const channels = new Channels(log);
    await channels.load();
    if (redis) redis.onAccounts(() => void channels.catchUp().catch(() => undefined));
    const sender = new NotificationSender(
      app.launches,
      app.registry,
      channels,
      { publicUrl: 'http://localhost:3000', ...DEFAULT_SENDER, ...opts.options },
      app.log,
    );
    app.decorate('notify', { channels, sender });
    // A command (here, or caught up from another instance) decided a message: look now.
    app.registry.on('committed', (_rt, events) => {
      if (events.some((e) => e.type === 'notification.due' || e.type === 'notification.delivery'))
        sender.poke();
    });
    sender.onAttempt((r) => {
      app.metrics.notificationAttempts.inc({ kind: r.kind, status: r.status });
      app.metrics.notificationSeconds.observe({ kind: r.kind }, r.seconds);
      if (r.status !== 'sent') app.metrics.notificationFailures.inc({ kind: r.kind, code: r.code ?? 'none' });
    });
    app.addHook('onReady', async () => {
      if (opts.options?.intervalMs !== 0) sender.start();
    });
    app.addHook('preClose', async () => {
      await sender.close();
    });
    app.addHook('onClose', async () => {
      if (log instanceof JsonlLogStore) await log.close();
    });
  },
  { name: 'notify', dependencies: ['registry', 'metrics'] },
);
