/**
 * The channel strip (流量来源) on the wall at 1920×1080: visitors by channel against plan, spend
 * against budget and ROI, for a launch with channel data — 直通车 45% short and over its budget —
 * and no strip for a launch without. And the review's channel section.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Launch, LaunchSnapshot } from '@warroom/shared';
import {
  adminSession,
  api,
  canRunBrowser,
  createLaunch,
  launchBrowser,
  postReadings,
  screenshotPath,
  signIn,
  startServer,
  type RunningServer,
} from './harness';

/** The plan's channel shares, and what each channel delivers and costs per visitor here. */
const SHARES = { organic: 0.45, ztc: 0.3, display: 0.1, affiliate: 0.1, offsite: 0.05 };
const DELIVERS: Record<keyof typeof SHARES, number> = {
  organic: 1,
  ztc: 0.55, // clearly past twice the tolerance (▼45%), whatever minute of the day the plan is drawn for
  display: 1,
  affiliate: 1,
  offsite: 1,
};
const COST: Record<keyof typeof SHARES, number> = {
  organic: 0,
  ztc: 2.4,
  display: 0.8,
  affiliate: 0,
  offsite: 0.5,
};

describe.skipIf(!canRunBrowser)('the channel strip on the wall', () => {
  let server: RunningServer;
  let browser: Browser;

  const open = async (path: string, lang: 'zh' | 'en' = 'zh') => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await signIn(context, server.url, await adminSession(server.url));
    // The UI language a person chose is kept in the browser (warroom.lang).
    await context.addInitScript((l) => localStorage.setItem('warroom.lang', JSON.stringify(l)), lang);
    const page = await context.newPage();
    await page.goto(`${server.url}${path}`);
    return page;
  };

  /** Minutes [0, to) of the launch's plan, 直通车 at 60% of its share, with channel figures and spend. */
  const postChannels = (launch: Launch, to: number) =>
    api(
      server.url,
      'POST',
      `/api/launches/${launch.id}/readings`,
      Array.from({ length: to }, (_, m) => {
        const f = launch.forecast[m]!;
        const channels = Object.fromEntries(
          (Object.keys(SHARES) as (keyof typeof SHARES)[]).map((c) => {
            const uv = Math.round(f.uv * SHARES[c] * DELIVERS[c]);
            const gmv = Math.round(f.gmv * SHARES[c] * DELIVERS[c] * 100) / 100;
            const spend = Math.round((c === 'affiliate' ? gmv * 0.08 : uv * COST[c]) * 100) / 100;
            return [c, { uv, orders: Math.round(f.orders * SHARES[c] * DELIVERS[c]), gmv, spend }];
          }),
        );
        return {
          minute: m,
          uv: Math.round(f.uv * 0.88),
          pv: Math.round(f.pv),
          orders: Math.round(f.orders * 0.9),
          units: Math.round(f.units * 0.9),
          gmv: Math.round(f.gmv * 0.9 * 100) / 100,
          channels,
        };
      }),
    );

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows visitors against plan, spend against budget and ROI; 直通车 short and over budget in red', async () => {
    const launch = await createLaunch(server.url, '雪凡妮 聚划算 · 直通车不足', 31, {
      channelShares: SHARES,
      budgets: { total: 25_000, channels: { ztc: 4_000, display: 3_000 } },
    });
    await postChannels(launch, 31);
    const snapshot = await api<LaunchSnapshot>(server.url, 'GET', `/api/launches/${launch.id}`);
    const crossed = snapshot.alerts.find((a) => a.id === `${launch.id}-budget-ztc-crossed`)!;
    expect(crossed).toMatchObject({ kind: 'budget', owner: '电商经理', severity: 'critical' });
    expect(snapshot.alerts.find((a) => a.id === `${launch.id}-t15-channel-ztc`)).toMatchObject({
      channel: 'ztc',
    });

    const screen = await open(`/screen/${launch.id}`);
    const strip = screen.getByTestId('channel-strip');
    await strip.waitFor();
    const ztc = screen.getByTestId('channel-ztc');
    expect(await ztc.innerText()).toContain('直通车');
    expect(await ztc.innerText()).toMatch(/▼4\d\.\d%/);
    expect(await ztc.locator('.ch-dev').getAttribute('data-level')).toBe('critical');
    expect(await ztc.getByTestId('ch-spend').getAttribute('data-level')).toBe('critical');
    expect(await ztc.innerText()).toContain('ROI');
    // 站内免费 on plan, no spend: no ROI; the others within.
    expect(await screen.getByTestId('channel-organic').locator('.ch-dev').getAttribute('data-level')).toBe(
      'ok',
    );
    expect(await screen.getByTestId('channel-organic').innerText()).toContain('ROI —');
    expect(
      await screen.getByTestId('channel-display').getByTestId('ch-spend').getAttribute('data-level'),
    ).toBe('ok');
    expect(await screen.getByTestId('channel-total').innerText()).toContain('活动ROI');
    // Nothing overflows the 16:9 canvas: the strip sits inside the screen.
    const box = (await strip.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(1080);
    await screen.waitForTimeout(600);
    await screen.screenshot({ path: screenshotPath('big-screen-channels.png') });
    await strip.screenshot({ path: screenshotPath('channel-strip.png') });
    // The featured budget alert reads as one, not as a data gap.
    const headlines = await screen.getByTestId('alert-headline').allInnerTexts();
    expect(headlines.join(' ')).not.toContain('数据中断');
    await screen.context().close();

    const en = await open(`/screen/${launch.id}`, 'en');
    await en.getByTestId('channel-strip').waitFor();
    expect(await en.getByTestId('channel-ztc').innerText()).toContain('ZTC');

    await en.context().close();

    const reviewPage = await open(`/review/${launch.id}`);
    const section = reviewPage.getByTestId('review-channels');
    await section.waitFor();
    expect(await reviewPage.getByTestId('review-channel-ztc').innerText()).toContain('直通车');
    expect(await reviewPage.getByTestId('review-budget-alerts').innerText()).toContain('已超预算');
    await section.screenshot({ path: screenshotPath('review-channels.png') });
    await reviewPage.context().close();
  });

  it('a launch without channel data has no channel strip', async () => {
    const launch = await createLaunch(server.url, '雪凡妮 聚划算 · 无渠道', 10);
    await postReadings(server.url, launch, 0, 10);
    const screen = await open(`/screen/${launch.id}`);
    await screen.getByTestId('kpis').waitFor();
    await screen.getByTestId('run-sheet').waitFor();
    expect(await screen.getByTestId('channel-strip').count()).toBe(0);
    await screen.context().close();
  });
});
