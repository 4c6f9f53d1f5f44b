/**
 * The review's channel section (流量来源): per-channel visitors against plan, spend against budget
 * and ROI from the shared ledger, the budget alerts, and the export tables — on hand-computed data.
 */
import { describe, expect, it } from 'vitest';
import { ReadingInput } from '@warroom/shared';
import { review } from '../../server/src/review/review';
import { reviewCsv, reviewSections } from '../../server/src/review/export';
import { PLAN, WarRoom, clock, makeLaunch } from './helpers';

describe('the review’s channel section', () => {
  it('is there only for launches with channel data', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15] }));
    room.send(ReadingInput.parse({ minute: 0, ...PLAN }), clock(1));
    expect(review(room.state, clock(61)).channels).toBeUndefined();
    expect(reviewSections(review(room.state, clock(61))).map((s) => s.name)).not.toContain('流量来源');
  });

  /**
   * 20 minutes: 直通车 24 visitors a minute against 30 planned (−20%, inside), ¥40 a minute against a
   * ¥600 budget (crossed at minute 15: ¥640), ¥150 GMV a minute: ROI 3,000 / 800 = 3.75.
   */
  it('sums visitors against plan, spend against budget and ROI, and lists the budget alerts', () => {
    const room = new WarRoom(
      makeLaunch({ checkpoints: [15], channelShares: { ztc: 0.3 }, budgets: { channels: { ztc: 600 } } }),
    );
    for (let m = 0; m < 20; m++)
      room.send(
        ReadingInput.parse({
          minute: m,
          ...PLAN,
          channels: { ztc: { uv: 24, orders: 1, gmv: 150, spend: 40 } },
        }),
        clock(m + 1),
      );
    const r = review(room.state, clock(61));
    expect(r.channels!.rows).toEqual([
      {
        channel: 'ztc',
        uv: 480,
        planUv: 600,
        uvDeviation: -0.2,
        orders: 20,
        gmv: 3000,
        spend: 800,
        budget: 600,
        budgetUsed: 800 / 600,
        roi: 3.75,
      },
    ]);
    expect(r.channels!.total).toEqual({
      spend: 800,
      budget: null,
      budgetUsed: null,
      paidGmv: 3000,
      roi: 3.75,
      launchGmv: 20_000,
      activityRoi: 25,
    });
    expect(r.channels!.budgetAlerts.map((a) => [a.crossing, a.minute, a.spend])).toEqual([
      ['projected', 15, 40], // raised at minute 0: fifteen minutes to go at ¥40 a minute
      ['crossed', 15, 640],
    ]);
    expect(r.alerts.filter((a) => a.kind === 'budget').map((a) => a.owner)).toEqual(['电商经理', '电商经理']);
    const sections = reviewSections(r);
    const channels = sections.find((s) => s.name === '流量来源')!;
    expect(channels.rows[0]).toEqual(['直通车', 480, 600, -0.2, 20, 3000, 800, 600, 800 / 600, 3.75]);
    const budget = sections.find((s) => s.name === '超预算')!;
    expect(budget.rows.map((row) => row.slice(0, 3))).toEqual([
      ['直通车', '预计超预算', 15],
      ['直通车', '已超预算', 15],
    ]);
    expect(reviewCsv(r)).toContain('流量来源');
  });
});
