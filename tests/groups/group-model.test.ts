/**
 * The group's read model, pure (shared/src/group.ts, one definition for server and wall): tiles
 * and exact totals, urgency order, the featured incident, the combined forecast on real time;
 * and the wall's paging and kiosk playlist (client/src/wall/groupWall.ts).
 */
import { describe, expect, it } from 'vitest';
import { byUrgency, combinedCurve, featuredGroupIncident, groupView, type Group } from '@warroom/shared';
import { paging, playlistStep, type PlaylistItem } from '../../client/src/wall/groupWall';
import { MINUTE, WarRoom, clock, makeLaunch, readings, scaled } from '../engine/helpers';

const group: Group = {
  id: 'g1',
  name: '10:00 批次',
  launchIds: ['a', 'b', 'c'],
  target: null,
  createdAt: '2026-11-11T01:00:00.000Z',
  updatedAt: '2026-11-11T01:00:00.000Z',
  createdBy: 'admin',
};

/** Launch `id` opening `offset` minutes after 10:00, with `minutes` of readings at `factor` × plan. */
function room(id: string, offset: number, minutes: number, factor: number): WarRoom {
  const start = new Date(Date.parse('2026-11-11T10:00:00+08:00') + offset * MINUTE).toISOString();
  const r = new WarRoom({ ...makeLaunch({ name: `场 ${id}`, startAt: start }), id });
  if (minutes > 0) r.send(readings(0, minutes, scaled(factor)), clock(offset + minutes));
  return r;
}

describe('the group view', () => {
  const a = room('a', 0, 20, 0.5); // traffic short: a breach at T+15
  const b = room('b', 5, 15, 1.1);
  const c = room('c', 10, 0, 1);
  const nowMs = clock(20);
  const view = groupView(
    group,
    [a, b, c].map((r) => ({ state: r.state, nowMs })),
  );

  it('adds the tiles up exactly, and completion is against the sum of the plans', () => {
    expect(view.totals.gmv).toBe(20 * 500 + 15 * 1100);
    expect(view.totals.units).toBe(20 * 5 + 15 * 11);
    expect(view.totals.targetGmv).toBe(3 * 60_000);
    expect(view.totals.completion).toBeCloseTo(view.totals.gmv / 180_000, 12);
    expect(view.totals.live).toBe(3);
    // Tenths of a yuan that floats would drift on add up exactly.
    const d = new WarRoom({ ...makeLaunch({ name: '场 d' }), id: 'd' });
    d.send(readings(0, 3, { uv: 100, units: 10, gmv: 0.1 }), clock(3));
    const e = new WarRoom({ ...makeLaunch({ name: '场 e' }), id: 'e' });
    e.send(readings(0, 1, { uv: 100, units: 10, gmv: 0.2 }), clock(3));
    const v = groupView(
      { ...group, launchIds: ['d', 'e'] },
      [d, e].map((r) => ({ state: r.state, nowMs })),
    );
    // 0.1 + 0.1 + 0.1 + 0.2 in floats is 0.5000000000000001.
    expect(v.totals.gmv).toBe(0.5);
  });

  it('puts the launch with an unacknowledged incident first, then live ones furthest behind plan', () => {
    expect(view.launches.map((l) => l.id)).toEqual(['a', 'c', 'b']);
    expect(view.launches[0]!.worstIncident?.status).toBe('open');
    expect(view.launches.map((l) => l.minute)).toEqual([20, 10, 15]);
  });

  it('features the most severe unacknowledged incident, and none once it is taken on', () => {
    const featured = featuredGroupIncident([a.state, b.state, c.state]);
    expect(featured?.launchId).toBe('a');
    const alert = [...a.state.alerts.values()].find((x) => x.incidentId === featured!.id)!;
    expect(a.ack(alert.id, '王芳', clock(21)).ok).toBe(true);
    expect(featuredGroupIncident([a.state, b.state, c.state])).toBeNull();
    const after = groupView(
      group,
      [a, b, c].map((r) => ({ state: r.state, nowMs })),
    );
    expect(after.launches[0]!.worstIncident?.status).toBe('acknowledged');
    expect(after.totals.unacknowledged).toBe(0);
  });

  it('orders by urgency as a comparator', () => {
    const sorted = [...view.launches].reverse().sort(byUrgency);
    expect(sorted.map((l) => l.id)).toEqual(view.launches.map((l) => l.id));
  });
});

describe('the combined forecast', () => {
  it('places each launch on its own start: the 10:05 launch adds nothing before 10:05', () => {
    const a = room('a', 0, 10, 1);
    const b = room('b', 5, 5, 1);
    const curve = combinedCurve([a.state, b.state]);
    // 60 + 5 minutes from 10:00.
    expect(curve.times).toHaveLength(65);
    expect(curve.times[0]).toBe(a.state.startMs);
    expect(curve.forecast[4]).toBe(5 * 1000);
    expect(curve.forecast[5]).toBe(6 * 1000 + 1000);
    expect(curve.forecast.at(-1)).toBe(2 * 60_000);
    // Actuals through 10:09 (a's minute 9, b's minute 4), none after.
    expect(curve.actual[9]).toBe(10 * 1000 + 5 * 1000);
    expect(curve.actual[10]).toBeNull();
  });
});

describe('the wall’s pages and playlist', () => {
  it('turns pages of twelve with a countdown', () => {
    expect(paging(30, 0, 12, 15)).toEqual({ page: 0, pages: 3, left: 15 });
    expect(paging(30, 16_000, 12, 15)).toEqual({ page: 1, pages: 3, left: 14 });
    expect(paging(30, 45_000, 12, 15).page).toBe(0);
    expect(paging(12, 99_000, 12, 15)).toEqual({ page: 0, pages: 1, left: null });
  });

  it('rotates the group wall and each launch, holding on one with an unacknowledged critical incident', () => {
    const items: PlaylistItem[] = [
      { kind: 'group' },
      { kind: 'launch', launchId: 'a' },
      { kind: 'launch', launchId: 'b' },
    ];
    const none = () => false;
    let s = { index: 0, since: 0 };
    s = playlistStep(s, items, 10_000, 9_999, none);
    expect(s.index).toBe(0);
    s = playlistStep(s, items, 10_000, 10_000, none);
    expect(s).toEqual({ index: 1, since: 10_000 });
    const holdA = (id: string) => id === 'a';
    const held = playlistStep(s, items, 10_000, 60_000, holdA);
    expect(held).toBe(s);
    expect(playlistStep(held, items, 10_000, 60_000, none)).toEqual({ index: 2, since: 60_000 });
    expect(playlistStep({ index: 2, since: 0 }, items, 10_000, 10_000, none).index).toBe(0);
  });
});
