/**
 * The review's launch-day fields (issue 12) on data computed by hand: sell-out time, stock left,
 * orders placed / paid / waiting / closed, the payment rate, the funnel over the launch, 收藏/加购 in
 * the preheat and after 开团, new against returning buyers, every checkpoint's evaluation with the
 * incident that holds it, incidents with response times — and the same figures in the CSV and the
 * workbook.
 */
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { acknowledgeIncidentCommand } from '../../server/src/engine/index';
import { review } from '../../server/src/review/review';
import { reviewCsv, reviewSections, reviewXlsx } from '../../server/src/review/export';
import { WarRoom, clock, makeLaunch, reading } from '../engine/helpers';

/**
 * 30 minutes of preheat planned at 4 favourites and 2 add-to-carts a minute; the 60 minutes after
 * 开团 at 100 visitors, 10 paid buyers, 12 orders placed, 10 units, ¥1,000, 20 favourites, 5 carts,
 * 6 new buyers a minute. Stock: 500.
 */
function launchDay() {
  const forecast = [
    ...Array.from({ length: 30 }, (_, i) => ({ minute: i - 30, fav: 4, cart: 2 })),
    ...Array.from({ length: 60 }, (_, minute) => ({
      minute,
      uv: 100,
      orders: 10,
      units: 10,
      gmv: 1000,
      fav: 20,
      cart: 5,
      placedOrders: 12,
      newBuyers: 6,
    })),
  ];
  const room = new WarRoom(makeLaunch({ forecast, stock: 500, checkpoints: [15, 25] }, clock(-40)));
  // Preheat: 5 favourites and 1 cart a minute (150 against 120; 30 against 60).
  for (let m = -30; m < 0; m++) room.send(reading(m, { fav: 5, cart: 1 }), clock(m + 1));
  // Minutes 0–24: 70 visitors, 12 orders placed (¥1,800), 10 paid (¥1,500), 20 units, 4 new buyers.
  // 25 minutes × 20 units = 500: sold out in minute 24. Minutes 25–39: visitors, nothing sold.
  for (let m = 0; m < 40; m++) {
    const selling = m < 25;
    room.send(
      reading(m, {
        uv: 70,
        fav: 10,
        cart: selling ? 5 : 0,
        orders: selling ? 10 : 0,
        units: selling ? 20 : 0,
        gmv: selling ? 1500 : 0,
        placedOrders: selling ? 12 : 0,
        placedGmv: selling ? 1800 : 0,
        newBuyers: selling ? 4 : 0,
      }),
      clock(m + 1),
    );
  }
  return room;
}

describe('the review on launch day, on hand-computed data', () => {
  const room = launchDay();
  const traffic = [...room.state.incidents.values()].find((i) => i.key === 'traffic-under')!;
  // Acknowledged 90 s after it opened (the launch runs on the wall clock: 90 real seconds).
  const ackAt = Date.parse(traffic.openedAt) + 90_000;
  const acked = acknowledgeIncidentCommand(
    room.state,
    traffic.id,
    { by: '李雷', action: '直通车加价' },
    ackAt,
  );
  const r = review(room.state, clock(41));

  it('sold out in minute 24 (T+25, 10:25) with nothing left of the 500', () => {
    expect(r.stock).toEqual({
      stock: 500,
      sold: 500,
      remaining: 0,
      soldOutMinute: 24,
      soldOutAt: '2026-11-11T10:25:00+08:00',
    });
  });

  it('orders: 300 placed, 250 paid; 30 still inside the 30-minute window, 20 closed unpaid', () => {
    // Window at minute 39: minutes 10–39; placed there 15 × 12 = 180, paid 150 → 30 waiting
    // (¥27,000 − ¥22,500). Before it, minutes 0–9: 120 placed, 100 paid → 20 closed (¥3,000).
    expect(r.orders).toEqual({
      placedOrders: 300,
      placedAmount: 45_000,
      paidOrders: 250,
      paidAmount: 37_500,
      unpaidOrders: 30,
      unpaidAmount: 4500,
      closedOrders: 20,
      closedAmount: 3000,
      payRate: 250 / 300,
      paymentWindowMinutes: 30,
    });
    const payRate = r.kpis.find((k) => k.key === 'payRate')!;
    expect(payRate.actual).toBe(250 / 300);
    expect(payRate.target).toBe(600 / 720);
  });

  it('the funnel over the launch multiplies back to the GMV deviation; traffic is the cause', () => {
    // GMV 37,500 vs 60,000 = −37.5%; visitors 2,800 vs 6,000; conversion (250/2,800)/(600/6,000);
    // order value (37,500/250)/(60,000/600) = 150/100.
    const f = r.funnel!;
    expect(f.cause).toBe('traffic');
    expect(f.gmv).toBe(-0.375);
    expect(f.factors.traffic).toBeCloseTo(2800 / 6000 - 1, 11);
    expect(f.factors.conversion).toBeCloseTo(250 / 2800 / 0.1 - 1, 11);
    expect(f.factors.orderValue).toBe(0.5);
    const product = (1 + f.factors.traffic) * (1 + f.factors.conversion) * (1 + f.factors.orderValue);
    expect(product).toBeCloseTo(1 + f.gmv, 11);
    const shares = f.shares!;
    expect(shares.traffic + shares.conversion + shares.orderValue).toBeCloseTo(1, 12);
  });

  it('收藏/加购 in the preheat and after 开团, against the plan of the same minutes', () => {
    expect(r.engagement).toEqual([
      { phase: 'preheat', fav: 150, forecastFav: 120, cart: 30, forecastCart: 60 },
      { phase: 'launch', fav: 400, forecastFav: 1200, cart: 125, forecastCart: 300 },
    ]);
    const kpi = Object.fromEntries(r.kpis.map((k) => [k.key, k]));
    expect(kpi.fav).toEqual({ key: 'fav', target: 1320, actual: 550, completion: 550 / 1320 });
    expect(kpi.cart).toEqual({ key: 'cart', target: 360, actual: 155, completion: 155 / 360 });
  });

  it('new against returning buyers over the minutes that carry newBuyers', () => {
    expect(r.buyers).toEqual({
      minutes: 40,
      paidBuyers: 250,
      newBuyers: 100,
      returningBuyers: 150,
      newShare: 0.4,
      forecastNewBuyers: 240,
    });
  });

  it('every checkpoint’s evaluation is listed, each breach with the incident that holds it', () => {
    const evaluated = [...room.state.checkpoints.values()];
    expect(r.checkpoints).toHaveLength(evaluated.reduce((n, c) => n + c.metrics.length, 0));
    const uv = r.checkpoints.filter((c) => c.metric === 'uv');
    expect(uv.map((c) => c.checkpoint)).toEqual([15, 25]);
    // Visitors 30% under at both: one traffic story, both evaluations in it.
    for (const row of uv) {
      expect(row).toMatchObject({ breach: 'under', severity: 'warning', incidentId: traffic.id });
      expect(row.deviation).toBeCloseTo(-0.3, 12);
    }
    const incident = r.incidents.find((i) => i.incidentId === traffic.id)!;
    expect(incident.checkpoints).toEqual([15, 25]);
    // Units at T+25 are over plan (500 vs 250): a breach of its own story, not suppressed.
    const rowsWithIncident = r.checkpoints.filter((c) => c.breach !== null);
    for (const row of rowsWithIncident) {
      const holder = r.incidents.find((i) => i.incidentId === row.incidentId);
      expect(holder?.checkpoints, `T+${row.checkpoint} ${row.metric}`).toContain(row.checkpoint);
    }
    expect(r.checkpoints.every((c) => c.breach === null || c.incidentId !== null)).toBe(true);
  });

  it('incidents with who took them on and how fast (real seconds)', () => {
    expect(acked.ok).toBe(true);
    const row = r.incidents.find((i) => i.incidentId === traffic.id)!;
    expect(row).toMatchObject({
      key: 'traffic-under',
      status: 'acknowledged',
      owner: '推广主管',
      ackedBy: '李雷',
      action: '直通车加价',
      responseSeconds: 90,
    });
    const stock = r.incidents.find((i) => i.key === 'stock')!;
    expect(stock).toMatchObject({ kind: 'stock', responseSeconds: null, ackedBy: null });
    expect(r.incidents.map((i) => i.openedAt)).toEqual([...r.incidents.map((i) => i.openedAt)].sort());
  });

  it('the CSV and the workbook carry the same figures', async () => {
    const csv = reviewCsv(r);
    expect(csv).toContain('售罄时间,2026-11-11T10:25:00+08:00');
    expect(csv).toContain('超时关闭订单,20');
    expect(csv).toContain('待付款订单,30');
    expect(csv).toContain('新买家,100');
    expect(csv).toContain('老买家,150');
    expect(csv).toContain('预热,120,150,60,30');
    expect(csv).toContain('开团后,1200,400,300,125');
    expect(csv).toContain(`${traffic.id},流量,访客数,低于,警告,已确认,推广主管,`);
    expect(csv).toContain('T+15 T+25');
    expect(csv).toMatch(/访客,-0\.53333\d*,[\d.]+,是/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await reviewXlsx(r)) as unknown as ArrayBuffer);
    const names = reviewSections(r).map((s) => s.name);
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(names);
    const outcome = wb.getWorksheet('库存与订单')!;
    const values = new Map<string, unknown>();
    outcome.eachRow((row) => values.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(values.get('剩余库存')).toBe(0);
    expect(values.get('下单-支付转化率')).toBe(250 / 300);
    expect(values.get('超时关闭金额')).toBe(3000);
    const incidents = wb.getWorksheet('事件')!;
    expect(incidents.getRow(1).getCell(15).value).toBe('响应秒数');
    const ackedRow = incidents
      .getRows(2, incidents.rowCount - 1)!
      .find((x) => x.getCell(1).value === traffic.id)!;
    expect(ackedRow.getCell(15).value).toBe(90);
  });
});
