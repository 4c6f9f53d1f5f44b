/**
 * The one scheduler that drives every launch's clock (launches/due-queue.ts, LaunchService): a
 * launch is ticked when `tick` would record something, not before; re-armed by every commit; many
 * due at once are handed out a slice per turn of the event loop.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, LaunchSnapshot } from '@warroom/shared';
import { DueQueue } from '../../server/src/launches/due-queue';
import type { CommandRun } from '../../server/src/launches/service';
import { MINUTE_MS, makeApp, pastLaunchInput, readings, removeTempDirs, waitFor } from '../helpers/server';

describe('DueQueue', () => {
  it('hands keys out in due order, each once, re-armed or removed as told', async () => {
    const out: string[] = [];
    const q = new DueQueue<string>((k) => out.push(k));
    const now = Date.now();
    q.set('c', now + 60);
    q.set('a', now + 20);
    q.set('b', now + 40);
    q.set('d', now + 30);
    q.set('c', now + 10); // moved earlier
    q.delete('d');
    q.set('e', Infinity); // never due
    expect(q.size).toBe(3);
    expect(q.dueAt('c')).toBe(now + 10);
    await waitFor(() => out.length === 3, { timeoutMs: 2000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(out).toEqual(['c', 'a', 'b']);
    expect(q.size).toBe(0);
    q.close();
  });

  it('thousands due at once come out in slices, the event loop turning between them', async () => {
    let handed = 0;
    let turnedAt: number | null = null;
    const q = new DueQueue<number>(() => handed++, 50);
    const at = Date.now() + 20;
    for (let i = 0; i < 2000; i++) q.set(i, at);
    await waitFor(() => handed > 0, { timeoutMs: 2000, intervalMs: 1 });
    setImmediate(() => (turnedAt = handed));
    await waitFor(() => handed === 2000, { timeoutMs: 5000, intervalMs: 1 });
    expect(turnedAt).not.toBeNull();
    expect(turnedAt!).toBeLessThan(2000);
    q.close();
  });
});

describe('the launch scheduler', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await removeTempDirs();
  });

  /** A command run, with the wall-clock instant it ended. */
  type Ran = CommandRun & { endedAt: number };
  const ticksOf = (runs: Ran[], id: string) => runs.filter((r) => r.command === 'tick' && r.launchId === id);

  it('ticks an idle launch only at its grace deadline, and the data-gap alert is raised then', async () => {
    app = await makeApp();
    const runs: Ran[] = [];
    app.launches.onCommand((r) => runs.push({ ...r, endedAt: Date.now() }));
    // Checkpoint 15’s grace (0 s) ends 2.5 s from now (under Redis the new launch’s tick lease is taken within 1 s).
    const deadline = Date.now() + 2500;
    const res = await app.inject({
      method: 'POST',
      url: '/api/launches',
      payload: {
        ...pastLaunchInput({ graceSeconds: 0 }),
        startAt: new Date(deadline - 15 * MINUTE_MS).toISOString(),
      },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ id: string }>().id;
    const startMs = Date.parse(res.json<{ startAt: string }>().startAt);
    // The launch's own deadline (its start is kept to the second).
    const due = startMs + 15 * MINUTE_MS;
    await waitFor(() => app!.launches.dueAt(id) === due, { what: 'armed at the deadline' });
    // Just before the deadline: nothing has ticked the launch.
    await new Promise((r) => setTimeout(r, Math.max(0, due - 300 - Date.now())));
    // (A busy machine may wake this test late: only ticks that ended before the deadline count.)
    expect(ticksOf(runs, id).filter((r) => r.endedAt < due)).toEqual([]);
    const gap = await waitFor(
      async () => {
        const s = (await app!.inject({ method: 'GET', url: `/api/launches/${id}` })).json<LaunchSnapshot>();
        return s.alerts.find((a: Alert) => a.kind === 'data-gap' && a.checkpoint === 15);
      },
      { what: 'the data-gap alert', intervalMs: 10 },
    );
    expect(Date.parse(gap.raisedAt)).toBeGreaterThanOrEqual(due);
    // At the deadline, not at the next 5 s sweep (a loaded machine may wake the timer a little late).
    expect(Date.parse(gap.raisedAt) - due).toBeLessThan(1000);
    // One tick recorded it; the next is armed at checkpoint 15's escalation, not sooner.
    expect(ticksOf(runs, id).filter((r) => r.events.length > 0)).toHaveLength(1);
    const escalateAt = Date.parse(gap.raisedAt) + 300_000;
    await waitFor(() => app!.launches.dueAt(id) === escalateAt, {
      what: `armed at the escalation (${escalateAt})`,
    }).catch((e: Error) => {
      throw new Error(`${e.message}; armed at ${app!.launches.dueAt(id)}, ${ticksOf(runs, id).length} ticks`);
    });
  });

  it('a commit re-arms its launch: an alert raised by readings escalates on time with no tick between', async () => {
    app = await makeApp();
    const runs: Ran[] = [];
    app.launches.onCommand((r) => runs.push({ ...r, endedAt: Date.now() }));
    const res = await app.inject({
      method: 'POST',
      url: '/api/launches',
      payload: pastLaunchInput({ escalateAfterSeconds: 1 }, 20),
    });
    const id = res.json<{ id: string }>().id;
    const posted = await app.inject({
      method: 'POST',
      url: `/api/launches/${id}/readings`,
      payload: readings(0, 15, 0.5),
    });
    expect(posted.statusCode).toBe(200);
    const raised = (await app.inject({ method: 'GET', url: `/api/launches/${id}` }))
      .json<LaunchSnapshot>()
      .alerts.find((a) => a.checkpoint === 15 && a.metric === 'uv')!;
    expect(raised.escalated).toBe(false);
    // Armed by the readings' commit at the escalation instant (the alert's incident, a second on).
    const escalateAt = Date.parse(raised.raisedAt) + 1000;
    // (First the feed's change to live is due at once; then the escalation.)
    await waitFor(() => app!.launches.dueAt(id) === escalateAt, { what: 'armed at the escalation' });
    const escalating = await waitFor(
      () => ticksOf(runs, id).find((r) => r.events.some((e) => e.type === 'alert.escalated')),
      { what: 'the escalation', intervalMs: 10 },
    );
    // Recorded at its instant, and stored then, not at the next 5 s sweep.
    expect(escalating.endedAt - escalateAt).toBeLessThan(1000);
    // The ticks that ran were the ones that recorded something: no polling in between.
    expect(ticksOf(runs, id).every((r) => r.events.length > 0)).toBe(true);
  });
});
