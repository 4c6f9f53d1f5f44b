/**
 * The wall as an operations director checks it before putting it up (issue 17): the pace between
 * checkpoints, a blocked chime said in the corner, run-sheet tasks of a launch set up after the
 * fact, the featured alert, people's timers in a 30× simulation, and the clock while the server
 * is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Launch, LaunchSnapshot } from '@warroom/shared';
import {
  adminSession,
  api,
  canRunBrowser,
  createLaunch,
  launchBrowser,
  openWall,
  postReadings,
  screenshotPath,
  signIn,
  startServer,
  type RunningServer,
} from './harness';

const text = (page: Page, testId: string) => page.getByTestId(testId).first().innerText();

/** T+hh:mm:ss on the header clock, as launch-clock seconds since 开团. */
async function clockSeconds(page: Page): Promise<number> {
  const m = /T\+(\d\d):(\d\d):(\d\d)/.exec(await text(page, 'launch-clock'));
  if (!m) throw new Error(`no T+ clock in ${await text(page, 'launch-clock')}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

describe.skipIf(!canRunBrowser)('the wall, as a director checks it', () => {
  let server: RunningServer;
  let browser: Browser;

  const newLaunch = (minutesAgo: number, extra: Record<string, unknown> = {}) =>
    createLaunch(server.url, '雪凡妮 聚划算 · 10:00 场', minutesAgo, extra);
  const post = (launch: Launch, from: number, to: number, uvShare: number) =>
    postReadings(server.url, launch, from, to, { uv: uvShare });
  const openScreen = (launchId: string, b: Browser = browser) => openWall(b, server.url, launchId);

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('before T+15 says how the pace is tracking, in amber, without an alert; tasks due before the launch existed are 未记录 and done ones leave the strip', async () => {
    const launch = await newLaunch(12, {
      runSheet: [
        { id: 'pre-check', title: '开团前点击量/收藏量 vs 预估', owner: '运营主管', offsetMinutes: -60 },
        { id: 'swap-pages', title: '撤下预热页面、上活动页面', owner: '美工主管', offsetMinutes: -3 },
        { id: 'hour-review', title: '一小时流量销量分析', owner: '运营主管', offsetMinutes: 50 },
      ],
    });
    // Ten minutes at two thirds of the forecast's visitors: the tiles read about −33%.
    await post(launch, 0, 10, 0.67);
    const screen = await openScreen(launch.id);
    const pace = screen.getByTestId('pace-line');
    await expect.poll(() => pace.getAttribute('data-level')).toBe('warning');
    const line = await pace.innerText();
    expect(line).toContain('预警');
    expect(line).toMatch(/按当前节奏 T\+15 预计 访客数 ▼3[23]\.\d%/);
    expect(line).toContain('届时才会告警');
    // No alert and no green all-clear: only the checkpoint's rule raises an alert.
    expect(await screen.getByTestId('alert-panel').getAttribute('data-status')).toBe('none');
    expect(await text(screen, 'alert-panel')).not.toContain('一切正常');
    expect(await text(screen, 'checkpoint-15')).toMatch(/访客▼3[23]\.\d%/);
    const snapshot = await api<LaunchSnapshot>(server.url, 'GET', `/api/launches/${launch.id}`);
    expect(snapshot.alerts).toEqual([]);

    // The launch was set up at T+12: the T−60 and T−3 tasks were never in anyone's hands here.
    const strip = screen.getByTestId('run-sheet');
    await expect
      .poll(() => screen.getByTestId('rs-pre-check').getAttribute('data-status'))
      .toBe('unrecorded');
    expect(await strip.innerText()).toContain('未记录');
    expect(await strip.innerText()).not.toContain('逾期');
    expect(await screen.getByTestId('rs-hour-review').getAttribute('data-status')).toBe('upcoming');
    await screen.waitForTimeout(600);
    await screen.screenshot({ path: screenshotPath('big-screen-pace.png') });
    // Ticked off after all, a task leaves the strip.
    await api(server.url, 'POST', `/api/launches/${launch.id}/run-sheet/swap-pages/done`, { by: '王芳' });
    await expect.poll(() => screen.getByTestId('rs-swap-pages').count()).toBe(0);
    await screen.context().close();
  });

  it('says in the corner when the browser blocks sound, and not when the kiosk flag allows it', async () => {
    const launch = await newLaunch(5);
    // Headless Chromium lets every page play sound whatever its autoplay flag, so this page gets the
    // audio of a browser that does not: suspended until someone interacts with the page, as a TV's
    // browser started without --autoplay-policy=no-user-gesture-required keeps it.
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await context.addInitScript(() => {
      // Someone touched the page (Playwright's own evaluate calls count as activation, so the
      // browser's userActivation cannot tell).
      let touched = false;
      for (const type of ['pointerdown', 'keydown'])
        window.addEventListener(type, () => (touched = true), { capture: true });
      const Real = window.AudioContext;
      window.AudioContext = class extends Real {
        private allowed = false;
        override get state(): AudioContextState {
          return this.allowed ? super.state : 'suspended';
        }
        override resume(): Promise<void> {
          if (!touched) return Promise.resolve();
          this.allowed = true;
          return super.resume().then(() => void this.dispatchEvent(new Event('statechange')));
        }
      };
    });
    await signIn(context, server.url, await adminSession(server.url));
    const blocked = await context.newPage();
    await blocked.goto(`${server.url}/screen/${launch.id}`);
    const notice = blocked.getByTestId('sound-blocked');
    await notice.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await notice.innerText()).toContain('声音被浏览器阻止');
    // In the header's corner, not over the alert panel.
    const box = (await notice.boundingBox())!;
    const header = (await blocked.getByTestId('screen-header').boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(header.y + header.height);
    expect(box.x).toBeGreaterThan(1920 / 2);
    await blocked.screenshot({ path: screenshotPath('big-screen-sound-blocked.png') });
    // A click (someone at the TV) lets the browser play sound: the notice goes.
    await notice.click();
    await notice.waitFor({ state: 'detached', timeout: 5000 });
    await context.close();

    const kiosk = await openScreen(launch.id);
    await kiosk.waitForTimeout(1000);
    expect(await kiosk.getByTestId('sound-blocked').count()).toBe(0);
    await kiosk.context().close();
  });

  it('features the most recent open alert of the most severe, not an older escalated one', async () => {
    const launch = await newLaunch(40, { escalateAfterSeconds: 1 });
    await post(launch, 0, 15, 0.7); // T+15: visitors −30%, a warning
    const screen = await openScreen(launch.id);
    const panel = screen.getByTestId('alert-panel');
    await expect.poll(() => panel.getAttribute('data-alert-id')).toBe(`${launch.id}-t15-uv`);
    await expect.poll(() => panel.getAttribute('data-escalated'), { timeout: 15_000 }).toBe('true');
    await post(launch, 15, 25, 0.7); // T+25: again −30%, a newer warning
    await expect.poll(() => panel.getAttribute('data-alert-id')).toBe(`${launch.id}-t25-uv`);
    expect(await text(screen, 'alert-headline')).toContain('访客数');
    // T+15 and T+25 are one story (issue 12): it went to the manager, and so the featured T+25
    // alert of it is shown escalated; no other story is open.
    expect(await panel.getAttribute('data-escalated')).toBe('true');
    expect(await screen.getByTestId('alert-more').count()).toBe(0);
    await screen.context().close();
  });

  it(
    'in a 30× simulation the owner gets five real minutes, and the clock holds while the server is down',
    { timeout: 150_000 },
    async () => {
      const { launchId } = await api<{ launchId: string }>(server.url, 'POST', '/api/simulations', {
        scenario: 'traffic-shortfall',
        speed: 30,
        seed: 7,
      });
      const screen = await openScreen(launchId);
      // The launch clock runs at the launch's speed: about 60 s of it in 2 real seconds.
      await expect.poll(() => text(screen, 'launch-clock'), { timeout: 70_000 }).toMatch(/T\+00:0\d/);
      const a = await clockSeconds(screen);
      await screen.waitForTimeout(2000);
      const advanced = (await clockSeconds(screen)) - a;
      expect(advanced).toBeGreaterThan(40);
      expect(advanced).toBeLessThan(80);

      // The shortfall trips the 15-minute checkpoint about 30 real seconds after 开团.
      const panel = screen.getByTestId('alert-panel');
      await expect.poll(() => panel.getAttribute('data-status'), { timeout: 70_000 }).toBe('open');
      const openSeen = Date.now();
      await screen.waitForTimeout(10_000);
      // Ten real seconds later: not escalated, about 4:50 left (not 10 s to a 300 s launch clock).
      expect(await panel.getAttribute('data-escalated')).toBe('false');
      const left = Number(await screen.getByTestId('alert-escalate-left').getAttribute('data-left-ms'));
      expect(left).toBeGreaterThan(280_000);
      expect(left).toBeLessThan(295_000);
      expect(await text(screen, 'alert-escalate-left')).toMatch(/\(04:[45]\d 后升级至电商经理\)/);
      // It counts real seconds: what it shows is the real time since it opened (give or take the
      // poll that saw it open and the screen's half-second timer), not 30× that.
      const shown = /未确认 00:(\d\d)/.exec(await text(screen, 'alert-ack-state'));
      const elapsed = (Date.now() - openSeen) / 1000;
      expect(Number(shown?.[1])).toBeGreaterThanOrEqual(Math.floor(elapsed) - 2);
      expect(Number(shown?.[1])).toBeLessThanOrEqual(Math.ceil(elapsed) + 2);
      await screen.screenshot({ path: screenshotPath('big-screen-simulation.png') });

      // The server dies: the clock stops where it was, marked, and does not run on.
      await server.kill();
      await screen.getByTestId('connection-banner').waitFor({ state: 'visible', timeout: 10_000 });
      await screen.getByTestId('clock-paused').waitFor({ state: 'visible' });
      expect(await text(screen, 'clock-paused')).toContain('时钟暂停');
      const paused = await clockSeconds(screen);
      await screen.waitForTimeout(3000);
      expect(await clockSeconds(screen)).toBe(paused);
      await screen.screenshot({ path: screenshotPath('big-screen-clock-paused.png') });

      // Back: the clock resumes from where the server's simulation is, never below what it showed.
      server = await startServer({ port: server.port, dataDir: server.dataDir });
      await screen.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 20_000 });
      await expect.poll(() => screen.getByTestId('clock-paused').count(), { timeout: 10_000 }).toBe(0);
      let last = paused;
      for (let i = 0; i < 12; i++) {
        const now = await clockSeconds(screen);
        expect(now).toBeGreaterThanOrEqual(last);
        last = now;
        await screen.waitForTimeout(250);
      }
      expect(last).toBeGreaterThan(paused);
      await screen.context().close();
    },
  );
});
