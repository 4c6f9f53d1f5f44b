/**
 * The review CSV of a real launch over HTTP: a supervisor's acknowledgement note that would run as a
 * formula in a spreadsheet splitting on `;` (or starting with `=`) comes out quoted and neutralised,
 * and a CSV reader gets each note back as one cell.
 */
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import type { Alert, LaunchSnapshot } from '@warroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, pastLaunchInput, readings, removeTempDirs, userCookie } from '../helpers/server';

const NOTE = "a;=cmd|' /C calc'!A0";
const ACTION = '=HYPERLINK("http://x";"点我")';

describe('the review CSV', () => {
  let app: FastifyInstance & { adminCookie: string };
  let launchId: string;
  let alert: Alert;

  beforeAll(async () => {
    app = (await makeApp({ ticking: false })) as FastifyInstance & { adminCookie: string };
    const created = await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() });
    expect(created.statusCode, created.body).toBe(201);
    launchId = created.json<{ id: string }>().id;
    // Traffic at 60% of plan through the 15-minute checkpoint: a traffic-shortfall alert.
    const pushed = await app.inject({
      method: 'POST',
      url: `/api/launches/${launchId}/readings`,
      payload: readings(0, 15).map((r) => ({ ...r, uv: 60 })),
    });
    expect(pushed.statusCode, pushed.body).toBe(200);
    const snap = (
      await app.inject({ method: 'GET', url: `/api/launches/${launchId}` })
    ).json<LaunchSnapshot>();
    const open = snap.alerts.find((a) => a.status === 'open');
    expect(open).toBeDefined();
    const cookie = await userCookie(app, { username: 'wangfang', displayName: '王芳', role: 'supervisor' });
    const acked = await app.inject({
      method: 'POST',
      url: `/api/alerts/${open!.id}/ack`,
      headers: { cookie },
      payload: { action: ACTION, note: NOTE },
    });
    expect(acked.statusCode, acked.body).toBe(200);
    alert = acked.json<Alert>();
  });
  afterAll(async () => {
    await app.close();
    await removeTempDirs();
  });

  it('quotes the note holding ; and neutralises the action starting with =', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/launches/${launchId}/review?format=csv` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.rawPayload.toString('utf8');
    const line = text.split('\r\n').find((l) => l.startsWith(`${alert.id},`));
    expect(line).toBeDefined();
    expect(line!.endsWith(`,"'=HYPERLINK(""http://x"";""点我"")","a;=cmd|' /C calc'!A0"`)).toBe(true);
    expect(text).not.toContain(`,${NOTE}`);

    const rows = parse(text, { bom: true, relax_column_count: true }) as string[][];
    const row = rows.find((r) => r[0] === alert.id)!;
    expect(row.slice(-2)).toEqual([`'${ACTION}`, NOTE]);
    expect(row[10]).toBe('王芳');
    const formulas = rows.flat().filter((c) => /^[=+\-@\t\r]/.test(c) && !/^[+-]?\d+(\.\d+)?$/.test(c));
    expect(formulas).toEqual([]);
  });
});
