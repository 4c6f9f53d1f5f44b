/**
 * The wall's own rules, pure: which alert is featured, where a run-sheet task stands, and how the
 * browser's launch clock runs, holds while the connection is down and never goes back; how a span
 * people lived reads (the review's response times).
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '@warroom/shared';
import { featuredAlert, runSheet, runSheetView } from '../../client/src/derive';
import { formatSpan } from '../../client/src/format';
import { clockAt, launchNow, pauseClock, retime, type LaunchView } from '../../client/src/store/launchFold';
import { WarRoom, clock, makeLaunch } from '../engine/helpers';

function view(room: WarRoom): LaunchView {
  return { ...room.state, clock: clockAt(room.state.nowMs, 0, 1) };
}

function alert(id: string, over: Partial<Alert>): Alert {
  const at = over.raisedAt ?? '2026-11-11T10:15:00+08:00';
  return {
    id,
    launchId: 'launch-1',
    kind: 'breach',
    checkpoint: 15,
    metric: 'uv',
    direction: 'under',
    severity: 'warning',
    deviation: -0.3,
    actual: 700,
    forecast: 1000,
    missingMinutes: [],
    plan: { metric: 'uv', direction: 'under', title: '流量不足', owners: [] },
    owner: '推广主管',
    status: 'open',
    raisedAt: at,
    updatedAt: at,
    escalated: false,
    escalatedAt: null,
    escalatedTo: null,
    ackedBy: null,
    ackedAt: null,
    action: null,
    note: null,
    history: [{ type: 'raised', at }],
    ...over,
  };
}

function featured(...alerts: Alert[]): string | undefined {
  const v = view(new WarRoom());
  for (const a of alerts) v.alerts.set(a.id, a);
  return featuredAlert(v)?.id;
}

describe('the featured alert', () => {
  const t15 = alert('t15', {});
  const t25 = alert('t25', { checkpoint: 25, raisedAt: '2026-11-11T10:25:00+08:00' });

  it('is the most recent open one of equal severity, even when an older one escalated', () => {
    expect(featured({ ...t15, escalated: true, escalatedTo: '电商经理' }, t25)).toBe('t25');
  });

  it('is the most severe open one first, however recent the others', () => {
    expect(featured({ ...t15, severity: 'critical' }, t25)).toBe('t15');
  });

  it('counts an alert that reopened from when it reopened', () => {
    const reopened = {
      ...t15,
      history: [
        { type: 'raised' as const, at: t15.raisedAt },
        { type: 'reopened' as const, at: '2026-11-11T10:30:00+08:00' },
      ],
    };
    expect(featured(reopened, t25)).toBe('t15');
  });

  it('with nothing open, is the most recently acknowledged one; with nothing at all, none', () => {
    const acked = (a: Alert, at: string): Alert => ({ ...a, status: 'acknowledged', ackedAt: at });
    expect(featured(acked(t15, '2026-11-11T10:40:00+08:00'), acked(t25, '2026-11-11T10:35:00+08:00'))).toBe(
      't15',
    );
    expect(featured({ ...t15, status: 'cleared' })).toBeUndefined();
  });
});

describe('a run-sheet task on the screens', () => {
  it('due before the launch was set up is 未记录, not overdue; after it, overdue', () => {
    // Set up at T+12: the T−60, T−3 and T+5 tasks were never in anyone's hands here.
    const room = new WarRoom(makeLaunch({}, clock(12)));
    const v = view(room);
    const status = Object.fromEntries(runSheet(v).map((i) => [i.key, runSheetView(v, i, clock(40))]));
    expect(status).toMatchObject({
      'pre-check': 'unrecorded',
      'swap-pages': 'unrecorded',
      'follow-sales-5': 'unrecorded',
      'follow-sales-15': 'overdue',
      'decide-plan': 'overdue',
      'hour-review': 'upcoming',
    });
  });

  it('ticked off, is done even if it was due before the launch existed', () => {
    const room = new WarRoom(makeLaunch({}, clock(12)));
    room.state.runSheetDone.set('pre-check', {
      taskId: 'pre-check',
      by: '王芳',
      at: '2026-11-11T10:13:00+08:00',
    });
    const v = view(room);
    const item = runSheet(v).find((i) => i.key === 'pre-check')!;
    expect(runSheetView(v, item, clock(40))).toBe('late');
  });
});

describe('the browser’s launch clock', () => {
  it('runs at the launch’s speed from what the server last said', () => {
    expect(launchNow(clockAt(1_000_000, 5_000, 30), 7_000)).toBe(1_060_000);
  });

  it('holds while the connection is down', () => {
    const paused = pauseClock(clockAt(1_000_000, 5_000, 30), 6_000);
    expect(launchNow(paused, 6_000)).toBe(1_030_000);
    expect(launchNow(paused, 60_000)).toBe(1_030_000);
    // Paused twice, it keeps the first instant.
    expect(launchNow(pauseClock(paused, 9_000), 60_000)).toBe(1_030_000);
  });

  it('holds from the first render after the pause, even one that carries an older timer tick', () => {
    // The timer last ticked at 5.6 s; the connection went down at 6 s and the store re-rendered the
    // screen with the 5.6 s tick. The held clock shows 6 s's time at once and never moves after.
    const paused = pauseClock(clockAt(1_000_000, 5_000, 30), 6_000);
    expect(launchNow(paused, 5_600)).toBe(1_030_000);
    expect(launchNow(paused, 6_100)).toBe(1_030_000);
  });

  it('resumes when the server tells the time, never below what it showed', () => {
    const paused = pauseClock(clockAt(1_000_000, 5_000, 30), 6_000);
    // The restarted simulation resumed from its last stored tick, behind what the wall showed.
    const back = retime(paused, 1_010_000, 30, 20_000);
    expect(back.pausedAt).toBeNull();
    expect(launchNow(back, 20_000)).toBe(1_030_000);
    expect(launchNow(back, 20_500)).toBe(1_030_000);
    expect(launchNow(back, 21_000)).toBe(1_040_000);
  });

  it('goes back when told to on purpose (a replay’s seek)', () => {
    const seek = retime(clockAt(1_000_000, 5_000, 30), 500_000, 30, 6_000, false);
    expect(launchNow(seek, 6_000)).toBe(500_000);
  });
});

describe('a span people lived, in words', () => {
  it.each([
    [135_000, '2分15秒', '2 min 15 s'],
    [45_000, '45秒', '45 s'],
    [3_900_000, '1小时5分', '1 h 5 min'],
  ])('%d ms reads %s / %s', (ms, zh, en) => {
    expect(formatSpan('zh', ms)).toBe(zh);
    expect(formatSpan('en', ms)).toBe(en);
  });
});
