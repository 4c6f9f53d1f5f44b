/**
 * `GET /metrics` in the Prometheus text format (prom-client), for an admin or a `metrics` token:
 * what an operator graphs and alerts on for the war room itself.
 *
 * Measured at the edges, never inside the engine: the launch service's commands (latency, and the
 * facts each stored: readings accepted, checkpoint evaluations, alerts raised, acknowledged and
 * escalated, time to acknowledge), the store's appends (and the file store's fdatasync per group
 * commit), the readings route's answers (duplicates and rejects), sockets by kind, the commit →
 * emit fan-out, HTTP requests, the event loop and the process (prom-client's defaults).
 *
 * Facts are counted from the commands this instance ran, not from what it folds: with several
 * instances every one folds every launch, so counting folds would count each fact once per
 * instance, where these counters sum across instances to the cluster's totals.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { type LaunchEventBody, type LaunchState, realMs } from '@warroom/shared';
import { z } from 'zod';
import type { CommandRun } from '../launches/service';
import { FileEventStore } from '../store/file-store';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: WarroomMetrics;
  }
}

/** Latency buckets (seconds) for work measured in milliseconds: commands, appends, fsync, pushes. */
const FAST = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Time to acknowledge an alert (seconds): people take seconds to an hour. */
const HUMAN = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** The instruments other plugins report to; each app has its own registry (tests build many apps). */
export class WarroomMetrics {
  readonly registry = new Registry();

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(
    name: string,
    help: string,
    buckets: number[],
    labelNames: readonly L[] = [],
  ) {
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  readonly readings = this.counter(
    'warroom_readings_total',
    'Readings by outcome (accepted: new or changed; duplicate: an identical re-send; rejected) and source',
    ['source', 'outcome'] as const,
  );

  readonly commands = this.histogram(
    'warroom_command_duration_seconds',
    'Launch service commands, decided and stored (retries after offset conflicts included)',
    FAST,
    ['command', 'outcome'] as const,
  );

  readonly appends = this.histogram(
    'warroom_store_append_duration_seconds',
    'Appends to a launch log until durable (file: group commit and fdatasync; redis: the append script)',
    FAST,
    ['store', 'outcome'] as const,
  );

  readonly fsyncs = this.histogram(
    'warroom_fsync_duration_seconds',
    'Embedded store: one group commit of a launch log, its write and fdatasync',
    FAST,
  );

  readonly fsyncAppends = this.histogram(
    'warroom_fsync_batch_appends',
    'Embedded store: appends made durable by one fdatasync (group commit)',
    [1, 2, 5, 10, 20, 50, 100, 200, 500],
  );

  readonly checkpoints = this.counter(
    'warroom_checkpoint_evaluations_total',
    'Checkpoint evaluations recorded, by whether any compared metric was outside the tolerance',
    ['result'] as const,
  );

  readonly alertsRaised = this.counter('warroom_alerts_raised_total', 'Alerts raised, by kind and severity', [
    'kind',
    'severity',
  ] as const);

  readonly alertsAcknowledged = this.counter(
    'warroom_alerts_acknowledged_total',
    'Alerts acknowledged, by kind',
    ['kind'] as const,
  );

  readonly alertsEscalated = this.counter(
    'warroom_alerts_escalated_total',
    'Alerts escalated (left unacknowledged past escalateAfterSeconds), by kind',
    ['kind'] as const,
  );

  readonly incidents = this.counter(
    'warroom_incidents_total',
    'Incident transitions (one story handled once), by what happened and the kind of incident',
    ['change', 'kind'] as const,
  );

  readonly timeToAcknowledge = this.histogram(
    'warroom_alert_time_to_acknowledge_seconds',
    "From raised to acknowledged, in real seconds (a simulation's speed taken out), by kind",
    HUMAN,
    ['kind'] as const,
  );

  readonly fanout = this.histogram(
    'warroom_push_fanout_seconds',
    "From a commit being durable to its pushes emitted to this instance's sockets",
    FAST,
  );

  readonly http = this.histogram(
    'warroom_http_request_duration_seconds',
    'HTTP requests by route pattern, method and status',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ['method', 'route', 'status'] as const,
  );

  /** Notifications (plugins/notify.ts reports each attempt of the sender). */
  readonly notificationAttempts = this.counter(
    'warroom_notification_attempts_total',
    'Deliveries of notifications to channels, by channel kind and outcome (sent, retrying, failed)',
    ['kind', 'status'] as const,
  );

  readonly notificationFailures = this.counter(
    'warroom_notification_failures_total',
    "Deliveries that did not go through (retried or given up), by channel kind and the platform's code",
    ['kind', 'code'] as const,
  );

  readonly notificationSeconds = this.histogram(
    'warroom_notification_send_seconds',
    "One request to a channel, until the platform's answer (or the timeout)",
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ['kind'] as const,
  );

  /** Counts the facts one command stored. */
  countFacts(run: CommandRun, state: Pick<LaunchState, 'simulation'>): void {
    const source = SOURCES[run.command];
    for (const e of run.events) this.countFact(e, source, state);
  }

  private countFact(
    e: LaunchEventBody,
    source: string | undefined,
    state: Pick<LaunchState, 'simulation'>,
  ): void {
    switch (e.type) {
      case 'reading.ingested':
        // HTTP readings are counted from the answer the pusher got (with its duplicates and rejects).
        if (source && source !== 'http') this.readings.inc({ source, outcome: 'accepted' });
        return;
      case 'checkpoint.evaluated': {
        const breach = e.result.metrics.some((m) => m.breach !== null);
        this.checkpoints.inc({ result: breach ? 'breach' : 'within' });
        return;
      }
      case 'alert.raised':
        this.alertsRaised.inc({ kind: e.alert.kind, severity: e.alert.severity });
        return;
      case 'alert.acknowledged': {
        this.alertsAcknowledged.inc({ kind: e.alert.kind });
        const ackedMs = e.alert.ackedAt ? Date.parse(e.alert.ackedAt) : NaN;
        const raisedMs = Date.parse(e.alert.raisedAt);
        if (Number.isFinite(ackedMs - raisedMs))
          this.timeToAcknowledge.observe({ kind: e.alert.kind }, realMs(state, ackedMs - raisedMs) / 1000);
        return;
      }
      case 'alert.escalated':
        this.alertsEscalated.inc({ kind: e.alert.kind });
        return;
      case 'incident.opened':
      case 'incident.worsened':
      case 'incident.acknowledged':
      case 'incident.escalated':
      case 'incident.resolved':
      case 'incident.reopened':
        this.incidents.inc({ change: e.type.slice('incident.'.length), kind: e.incident.kind });
        return;
      default:
        return;
    }
  }
}

/** Where a command's readings came from. */
const SOURCES: Partial<Record<CommandRun['command'], string>> = {
  ingest: 'http',
  import: 'import',
  'simulation.step': 'simulator',
};

const READINGS_ROUTE = '/api/launches/:id/readings';

export default fp(
  async (app: FastifyInstance) => {
    const metrics = new WarroomMetrics();
    const { registry } = metrics;
    app.decorate('metrics', metrics);
    // Process CPU, memory, handles, GC and the event-loop delay (nodejs_eventloop_lag_*).
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

    app.launches.onCommand((run) => {
      metrics.commands.observe({ command: run.command, outcome: run.ok ? 'stored' : 'failed' }, run.seconds);
      const rt = app.registry.get(run.launchId);
      if (rt) metrics.countFacts(run, rt.state);
    });

    // The store's appends, timed around the store object every runtime calls.
    const store = app.registry.store;
    const append = store.append.bind(store);
    store.append = async (launchId, events) => {
      const end = metrics.appends.startTimer({ store: store.kind });
      try {
        await append(launchId, events);
        end({ outcome: 'stored' });
      } catch (e) {
        end({ outcome: 'failed' });
        throw e;
      }
    };
    if (store instanceof FileEventStore)
      store.onFlushed = (seconds, appends) => {
        metrics.fsyncs.observe(seconds);
        metrics.fsyncAppends.observe(appends);
      };

    // HTTP readings as the pusher was answered: accepted, duplicates and rejects by item; a
    // request refused as a whole (400) rejects every reading it carried.
    for (const outcome of ['accepted', 'duplicate', 'rejected'] as const)
      metrics.readings.inc({ source: 'http', outcome }, 0);
    // Both hooks run on every answer: callback style, so neither makes a promise per request.
    app.addHook('preSerialization', (req, reply, payload: unknown, done) => {
      if (req.routeOptions.url === READINGS_ROUTE) {
        const answer = payload as { accepted?: number; duplicates?: number; rejected?: unknown[] };
        if (reply.statusCode === 200 && typeof answer.accepted === 'number') {
          // A zero is not counted (prom-client hashes the labels of every inc); the series exist from
          // the start, at 0 (below), so /metrics shows the same either way.
          const duplicates = answer.duplicates ?? 0;
          const rejected = answer.rejected?.length ?? 0;
          if (answer.accepted > 0)
            metrics.readings.inc({ source: 'http', outcome: 'accepted' }, answer.accepted);
          if (duplicates > 0) metrics.readings.inc({ source: 'http', outcome: 'duplicate' }, duplicates);
          if (rejected > 0) metrics.readings.inc({ source: 'http', outcome: 'rejected' }, rejected);
        } else if (reply.statusCode === 400) {
          const n = Array.isArray(req.body) ? req.body.length : 1;
          metrics.readings.inc({ source: 'http', outcome: 'rejected' }, n);
        }
      }
      done(null, payload);
    });

    app.addHook('onResponse', (req, reply, done) => {
      // The route pattern, never the URL: ids would make a series per launch.
      const route = req.routeOptions.url ?? 'unrouted';
      metrics.http.observe(
        { method: req.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });

    new Gauge({
      name: 'warroom_launches',
      help: 'Launches this instance holds',
      registers: [registry],
      collect() {
        this.set(app.registry.all().length);
      },
    });
    new Gauge({
      name: 'warroom_alerts_open',
      help: 'Alerts open (raised and not acknowledged or cleared), by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const rt of app.registry.all())
          for (const a of rt.state.alerts.values()) if (a.status === 'open') this.inc({ kind: a.kind });
      },
    });
    new Gauge({
      name: 'warroom_sockets',
      help: "Sockets connected to this instance, by kind (a screen's token, or a logged-in person)",
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        this.reset();
        this.set({ kind: 'screen-token' }, 0);
        this.set({ kind: 'user' }, 0);
        // Read when scraped, from the sockets themselves: nothing to keep in step.
        if (!app.hasDecorator('io')) return;
        for (const socket of app.io.of('/').sockets.values()) {
          const p = socket.data.principal;
          this.inc({ kind: p?.kind === 'token' ? 'screen-token' : 'user' });
        }
      },
    });
    new Gauge({
      name: 'warroom_leases_held',
      help: 'Cluster leases this instance holds (Redis: tick, simulation and replay leases)',
      registers: [registry],
      collect() {
        this.set(app.redisBackend?.leases.heldCount() ?? 0);
      },
    });

    new Gauge({
      name: 'warroom_notification_backlog',
      help: 'Notification deliveries waiting or retrying, over the launches this instance sends for',
      registers: [registry],
      collect() {
        this.set(app.hasDecorator('notify') ? app.notify.sender.backlog() : 0);
      },
    });

    app.get(
      '/metrics',
      {
        config: { access: 'metrics' },
        schema: {
          summary: 'Prometheus metrics (text exposition format)',
          tags: ['meta'],
          response: {
            200: {
              description: 'The metrics',
              content: { 'text/plain': { schema: z.string() } },
            },
          },
        },
      },
      async (_req, reply) =>
        reply
          .type(registry.contentType)
          .header('cache-control', 'no-store')
          .send(await registry.metrics()),
    );
  },
  { name: 'metrics', dependencies: ['registry'] },
);
