/**
 * The group wall (issue 14) as a director checks it: a 10:00/10:05/10:10 batch from the simulator
 * on one wall — every launch shown, totals equal to the sums of each launch's own API, an incident
 * featured within a second of its checkpoint reaching the group room, calmed by an acknowledgement
 * in the console — at 1080p and 4K; then 30 launches (no text below the single wall's smallest,
 * pages that rotate with a countdown, no scrollbars); and a kiosk playlist that holds on a launch
 * with an unacknowledged critical incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import {
  type AckEnvelope,
  type ClientToServerEvents,
  type GroupView,
  type Launch,
  type LaunchSnapshot,
  MAX_GROUP_LAUNCHES,
  type ServerToClientEvents,
} from '@warroom/shared';
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

/** The single wall's smallest text, in its unit (1/100 of the 16:9 canvas): 0.75u, 14.4 px at 1080p. */
const MIN_TEXT_U = 0.75;

/** Visible text smaller than the single wall's smallest, and anything that scrolls. */
function legibility(page: Page) {
  return page.evaluate((minU) => {
    const u = Math.min(window.innerWidth / 100, (window.innerHeight * 1.7778) / 100);
    const small: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!el || !node.textContent?.trim()) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom < 0 || r.top > window.innerHeight) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < minU * u - 0.05)
        small.push(
          `${size.toFixed(1)}px < ${(minU * u).toFixed(1)}: ${node.textContent.trim().slice(0, 40)}`,
        );
    }
    const root = document.documentElement;
    const scrolling = Array.from(document.querySelectorAll('*'))
      .filter((el) => {
        const o = getComputedStyle(el);
        return (
          /(auto|scroll)/.test(o.overflowY + o.overflowX) &&
          (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
        );
      })
      .map((el) => el.className || el.tagName);
    if (root.scrollHeight > window.innerHeight + 1 || root.scrollWidth > window.innerWidth + 1)
      scrolling.push('document');
    return { small, scrolling };
  }, MIN_TEXT_U);
}

describe.skipIf(!canRunBrowser)('the group wall', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const sockets: Socket[] = [];

  const open = async (path: string, width = 1920, height = 1080) => {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    await signIn(context, server.url, await adminSession(server.url));
    const page = await context.newPage();
    await page.goto(`${server.url}${path}`);
    return page;
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
  });

  it('shows a 10:00/10:05/10:10 batch: every launch, totals from their APIs, the incident featured at once and calmed from the console', async () => {
    const started = await api<{ groupId: string; simulations: { simulationId: string; launchId: string }[] }>(
      server.url,
      'POST',
      '/api/simulations',
      {
        scenario: 'traffic-shortfall',
        speed: 60,
        seed: 11,
        group: { count: 3, intervalMinutes: 5, name: '聚划算 10:00 批次' },
      },
    );
    const { groupId } = started;
    const ids = started.simulations.map((s) => s.launchId);

    // The group room as a client sees it: when each incident's opening reached it.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, {
      transports: ['websocket'],
      forceNew: true,
      extraHeaders: { cookie: `wr_session=${await adminSession(server.url)}` },
    });
    sockets.push(socket);
    const arrived = new Map<string, number>();
    socket.on('events', (p) => {
      for (const e of p.events)
        if (e.type === 'incident.opened' && !arrived.has(e.incident.id))
          arrived.set(e.incident.id, Date.now());
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await socket.emitWithAck('group:subscribe', { groupId });

    const wall = await open(`/wall/${groupId}`);
    await wall.getByTestId('group-wall').waitFor();
    // When the wall first featured each incident (the page's own clock, the same machine's).
    await wall.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { __featured: Record<string, number> }).__featured = seen;
      const note = () => {
        const id = document.querySelector('[data-testid="group-featured"]')?.getAttribute('data-incident-id');
        if (id && !(id in seen)) seen[id] = Date.now();
      };
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true });
      note();
    });
    const tiles = wall.getByTestId('group-tile');
    await expect.poll(() => tiles.count(), { timeout: 20_000 }).toBe(3);
    expect(
      new Set(await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-launch-id')))),
    ).toEqual(new Set(ids));

    // The first incident of the batch (launch 1's traffic shortfall at T+15): featured within 1 s.
    const first = await expect
      .poll(() => [...arrived.keys()][0] ?? null, { timeout: 90_000 })
      .not.toBeNull()
      .then(() => [...arrived.keys()][0]!);
    const shownAt = await expect
      .poll(
        () =>
          wall.evaluate(
            (id) => (window as unknown as { __featured: Record<string, number> }).__featured[id] ?? null,
            first,
          ),
        {
          timeout: 5_000,
        },
      )
      .not.toBeNull()
      .then(() =>
        wall.evaluate(
          (id) => (window as unknown as { __featured: Record<string, number> }).__featured[id]!,
          first,
        ),
      );
    expect(shownAt - arrived.get(first)!).toBeLessThan(1000);
    const featured = wall.getByTestId('group-featured');
    expect(await featured.getAttribute('data-status')).toBe('open');
    const featuredText = await featured.innerText();
    expect(featuredText).toContain('预备方案');
    expect(featuredText).toContain('负责人');

    // Hold the batch still: stop every simulation, so what the wall shows can be checked exactly.
    for (const s of started.simulations)
      await api(server.url, 'DELETE', `/api/simulations/${s.simulationId}`);
    const snaps = await Promise.all(
      ids.map((id) => api<LaunchSnapshot>(server.url, 'GET', `/api/launches/${id}`)),
    );
    const sum = (pick: (r: LaunchSnapshot['readings'][number]) => number) =>
      snaps.reduce(
        (s, snap) =>
          s +
          snap.readings
            .filter((r) => r.minute >= 0 && r.minute < snap.launch.durationMinutes)
            .reduce((a, r) => a + pick(r), 0),
        0,
      );
    const gmv = sum((r) => r.gmv);
    const units = sum((r) => r.units);
    expect(gmv).toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await wall.getByTestId('total-gmv-value').getAttribute('data-value')), {
        timeout: 10_000,
      })
      .toBeCloseTo(gmv, 2);
    expect(Number(await wall.getByTestId('total-units-value').getAttribute('data-value'))).toBe(units);
    const view = await api<GroupView>(server.url, 'GET', `/api/groups/${groupId}`);
    expect(view.totals.gmv).toBeCloseTo(gmv, 2);
    expect(view.totals.units).toBe(units);

    await wall.screenshot({ path: screenshotPath('group-wall.png') });
    expect(await legibility(wall)).toEqual({ small: [], scrolling: [] });

    // 4K: the same wall, scaled.
    const wall4k = await open(`/wall/${groupId}`, 3840, 2160);
    await expect.poll(() => wall4k.getByTestId('group-tile').count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => wall4k.getByTestId('group-featured').getAttribute('data-status')).toBe('open');
    await wall4k.screenshot({ path: screenshotPath('group-wall-4k.png') });
    expect(await legibility(wall4k)).toEqual({ small: [], scrolling: [] });

    // Acknowledged in the console, filtered by the group: the wall calms that incident.
    const shownId = (await featured.getAttribute('data-incident-id'))!;
    const console_ = await open('/console');
    await console_.getByTestId('filter-group').selectOption(groupId);
    await console_.getByTestId('group-runsheet').waitFor();
    await expect.poll(() => console_.getByTestId('group-runsheet-row').count()).toBeGreaterThan(3);
    const snap = snaps.find((s) => (s.incidents ?? []).some((i) => i.id === shownId))!;
    const alert = snap.alerts.find((a) => a.incidentId === shownId && a.status === 'open')!;
    await console_.locator(`[data-testid="inbox-row"][data-alert-id="${alert.id}"]`).click();
    await console_.keyboard.press('Enter');
    await console_.getByTestId('ack-submit').click();
    await console_.getByTestId('ack-confirmation').waitFor({ state: 'visible' });
    await expect.poll(() => featured.getAttribute('data-incident-id'), { timeout: 5_000 }).not.toBe(shownId);
    const tile = wall.locator(`[data-testid="group-tile"][data-launch-id="${snap.launch.id}"]`);
    await expect.poll(() => tile.getAttribute('data-level')).not.toBe('critical');
    await wall.screenshot({ path: screenshotPath('group-wall-acknowledged.png') });
  }, 180_000);

  it('pages 30 launches with a countdown, never below the smallest text, without scrollbars', async () => {
    const launches: Launch[] = [];
    for (let i = 0; i < 30; i++) {
      const l = await createLaunch(
        server.url,
        `第 ${i + 1} 场 · 保温杯 ${String(10 + Math.floor(i / 6)).padStart(2, '0')}:${String((i % 6) * 10).padStart(2, '0')}`,
        40 - i,
      );
      launches.push(l);
      if (i % 3 !== 2)
        await postReadings(server.url, l, 0, Math.max(1, 30 - i), { uv: i % 4 === 0 ? 0.5 : 1 });
    }
    const view = await api<GroupView>(server.url, 'POST', '/api/groups', {
      name: '双11 全天 30 场',
      launchIds: launches.map((l) => l.id),
    });
    const wall = await open(`/wall/${view.group.id}?page=3`);
    const root = wall.getByTestId('group-wall');
    await expect.poll(() => root.getAttribute('data-tiles'), { timeout: 20_000 }).toBe('30');
    expect(await root.getAttribute('data-pages')).toBe('3');
    expect(await wall.getByTestId('group-tile').count()).toBe(12);
    expect(await wall.getByTestId('page-countdown').innerText()).toMatch(/第 1\/3 页 · \d+ 秒后翻页/);
    await wall.screenshot({ path: screenshotPath('group-wall-30.png') });
    expect(await legibility(wall)).toEqual({ small: [], scrolling: [] });
    const firstPage = await wall
      .getByTestId('group-tile')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-launch-id')));
    await expect.poll(() => root.getAttribute('data-page'), { timeout: 10_000 }).toBe('1');
    const secondPage = await wall
      .getByTestId('group-tile')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-launch-id')));
    // Another page of the urgency order (the order itself may move on meanwhile: a feed going stale).
    expect(secondPage).toHaveLength(12);
    expect(secondPage).not.toEqual(firstPage);
    expect(await legibility(wall)).toEqual({ small: [], scrolling: [] });
    await expect.poll(() => root.getAttribute('data-page'), { timeout: 10_000 }).toBe('2');
    expect(await wall.getByTestId('group-tile').count()).toBe(6);
    const wall4k = await open(`/wall/${view.group.id}?page=3`, 3840, 2160);
    await expect
      .poll(() => wall4k.getByTestId('group-wall').getAttribute('data-tiles'), { timeout: 20_000 })
      .toBe('30');
    await wall4k.screenshot({ path: screenshotPath('group-wall-30-4k.png') });
    expect(await legibility(wall4k)).toEqual({ small: [], scrolling: [] });
  }, 120_000);

  it('a kiosk playlist rotates from the group wall to each launch and holds on an unacknowledged critical incident', async () => {
    const calm = await createLaunch(server.url, '10:00 场 · 正常', 20);
    const critical = await createLaunch(server.url, '10:05 场 · 流量不足', 20);
    await postReadings(server.url, calm, 0, 16);
    await postReadings(server.url, critical, 0, 16, { uv: 0.3, units: 0.3, gmv: 0.3 });
    const view = await api<GroupView>(server.url, 'POST', '/api/groups', {
      name: '轮播测试',
      launchIds: [calm.id, critical.id],
    });
    const token = await api<{ token: string }>(server.url, 'POST', '/api/tokens', {
      name: 'TV',
      scope: 'screen',
    });
    // The TV opens the link with its token and no session.
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    contexts.push(context);
    const tv = await context.newPage();
    await tv.goto(`${server.url}/wall/${view.group.id}?rotate=5&token=${token.token}`);
    const playlist = tv.getByTestId('playlist');
    await playlist.waitFor({ state: 'attached' });
    expect(await playlist.getAttribute('data-item')).toBe('group');
    expect(tv.url()).not.toContain('token=');
    await expect.poll(() => playlist.getAttribute('data-item'), { timeout: 15_000 }).toBe(calm.id);
    await tv.getByTestId('launch-name').waitFor();
    await expect.poll(() => playlist.getAttribute('data-item'), { timeout: 15_000 }).toBe(critical.id);
    const badge = tv.getByTestId('playlist-badge');
    await expect.poll(() => badge.getAttribute('data-held')).toBe('true');
    expect(await badge.innerText()).toContain('停留');
    await tv.screenshot({ path: screenshotPath('group-playlist-held.png') });
    // Taken on: the playlist goes on to the group wall.
    const snap = await api<LaunchSnapshot>(server.url, 'GET', `/api/launches/${critical.id}`);
    const incident = (snap.incidents ?? []).find((i) => i.status === 'open' && i.severity === 'critical')!;
    await api(server.url, 'POST', `/api/incidents/${incident.id}/ack`, { action: '直通车加价' });
    await expect.poll(() => playlist.getAttribute('data-item'), { timeout: 15_000 }).toBe('group');
  }, 90_000);

  it('a wall refused for now (its token’s screens asked for too many snapshots at once) asks again and comes up', async () => {
    // A fleet of walls on one screen token, all asking for a 50-launch group at once (each whole
    // answer draws 50 of the token's 1,000 snapshots, 100 more a second): while they keep asking,
    // the TV's own ask is refused.
    const launches: Launch[] = [];
    for (let i = 0; i < MAX_GROUP_LAUNCHES; i++)
      launches.push(await createLaunch(server.url, `第 ${i + 1} 场`, 10));
    const view = await api<GroupView>(server.url, 'POST', '/api/groups', {
      name: '整点 50 场',
      launchIds: launches.map((l) => l.id),
    });
    const token = await api<{ token: string }>(server.url, 'POST', '/api/tokens', {
      name: 'fleet',
      scope: 'screen',
    });
    const fleet = await Promise.all(
      Array.from({ length: 25 }, async () => {
        const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, {
          transports: ['websocket'],
          forceNew: true,
          auth: { token: token.token },
        });
        sockets.push(s);
        await new Promise<void>((resolve) => s.once('connect', () => resolve()));
        return s;
      }),
    );
    let asking = true;
    const refusals: number[] = [];
    const asked = Promise.all(
      fleet.map(async (s) => {
        while (asking) {
          const r = (await s.emitWithAck('group:subscribe', {
            groupId: view.group.id,
          })) as AckEnvelope<unknown>;
          if (!r.ok) {
            expect(r.error.code).toBe('rate_limited');
            refusals.push(Date.now());
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }),
    );
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    contexts.push(context);
    const tv = await context.newPage();
    await tv.goto(`${server.url}/wall/${view.group.id}?token=${token.token}`);
    // The TV's page is up and asking; the fleet goes on a little longer, then gets its answers.
    const tvUp = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const stopped = Date.now();
    asking = false;
    await asked;
    // The token's allowance was spent while the TV asked (so the TV was refused then).
    expect(refusals.some((t) => t >= tvUp && t <= stopped)).toBe(true);
    const root = tv.getByTestId('group-wall');
    await expect
      .poll(() => root.getAttribute('data-tiles'), { timeout: 20_000 })
      .toBe(String(MAX_GROUP_LAUNCHES));
    expect(await tv.getByTestId('group-tile').count()).toBeGreaterThan(0);
  }, 90_000);
});
