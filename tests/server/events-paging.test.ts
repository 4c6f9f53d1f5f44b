/**
 * The log over HTTP comes a bounded page at a time (issue #11, defect 1): `GET
 * /api/launches/:id/events?after=&limit=` answers at most 1000 events, says whether there is more,
 * and refuses a larger page with a 400 naming `limit`; the alert inbox is bounded the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_PAGE_MAX, type Launch, type LaunchEvent } from '@warroom/shared';
import { makeApp, pastLaunchInput, removeTempDirs } from '../helpers/server';

afterAll(removeTempDirs);

let app: Awaited<ReturnType<typeof makeApp>>;
let launch: Launch;

beforeAll(async () => {
  app = await makeApp({ ticking: false });
  launch = (
    await app.inject({
      method: 'POST',
      url: '/api/launches',
      payload: pastLaunchInput(
        {
          durationMinutes: 3000,
          checkpoints: [3000],
          forecast: { template: { uv: 3e5, units: 3e4, gmv: 3e6 } },
        },
        3100,
      ),
    })
  ).json<Launch>();
  const batch = Array.from({ length: 2600 }, (_, minute) => ({ minute, uv: 100, units: 10, gmv: 1000 }));
  expect(
    (await app.inject({ method: 'POST', url: `/api/launches/${launch.id}/readings`, payload: batch }))
      .statusCode,
  ).toBe(200);
});

type Page = { offset: number; events: LaunchEvent[]; more: boolean };
const page = async (query: string) => {
  const res = await app.inject({ method: 'GET', url: `/api/launches/${launch.id}/events${query}` });
  return { status: res.statusCode, body: res.json<Page>() };
};

describe('GET /api/launches/:id/events', () => {
  it('answers a page of at most 1000 and says there is more, until the last', async () => {
    const first = await page('');
    expect(first.status).toBe(200);
    expect(first.body.events).toHaveLength(EVENTS_PAGE_MAX);
    expect(first.body.events[0]!.offset).toBe(1);
    expect(first.body.more).toBe(true);
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const p = await page(`?after=${after}`);
      seen.push(...p.body.events.map((e) => e.offset));
      after = p.body.events.at(-1)?.offset ?? after;
      if (!p.body.more) break;
    }
    expect(seen).toEqual(Array.from({ length: first.body.offset }, (_, i) => i + 1));
    expect((await page(`?after=${first.body.offset}`)).body).toEqual({
      offset: first.body.offset,
      events: [],
      more: false,
    });
  });

  it('takes a smaller limit, and refuses one above the maximum with a 400 naming limit', async () => {
    const small = await page('?after=10&limit=5');
    expect(small.body.events.map((e) => e.offset)).toEqual([11, 12, 13, 14, 15]);
    expect(small.body.more).toBe(true);
    const res = await app.inject({
      method: 'GET',
      url: `/api/launches/${launch.id}/events?limit=${EVENTS_PAGE_MAX + 1}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('limit');
  });
});

describe('GET /api/alerts', () => {
  it('answers at most limit alerts (500 at most)', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/alerts?limit=1' });
    expect(res.statusCode).toBe(200);
    expect(res.json<unknown[]>().length).toBeLessThanOrEqual(1);
    expect((await app.inject({ method: 'GET', url: '/api/alerts?limit=501' })).statusCode).toBe(400);
  });
});
