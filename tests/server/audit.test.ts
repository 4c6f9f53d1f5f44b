/**
 * The audit trail: who did what and when — logins, launch changes, imports, acknowledgements —
 * readable by admins only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AuditEntry, Launch } from '@warroom/shared';
import { makeApp, pastLaunchInput, readings, removeTempDirs, tempDir, userCookie } from '../helpers/server';

afterAll(removeTempDirs);

type AdminApp = FastifyInstance & { adminCookie: string };

async function audit(app: AdminApp, query = ''): Promise<AuditEntry[]> {
  const res = await app.inject({ method: 'GET', url: `/api/audit${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<AuditEntry[]>();
}

describe('the audit trail', () => {
  it('records logins, a launch created, an import and an acknowledgement, newest first, with who did it', async () => {
    const app = (await makeApp({ ticking: false })) as AdminApp;
    const launch = (
      await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() })
    ).json<Launch>();
    const csv = [
      'minute,uv,units,gmv',
      ...readings(0, 15, 0.5).map((r) => `${r.minute},${r.uv},${r.units},${r.gmv}`),
    ];
    const imported = await app.inject({
      method: 'POST',
      url: `/api/launches/${launch.id}/imports`,
      headers: { cookie: app.adminCookie, 'content-type': 'text/csv' },
      payload: csv.join('\n'),
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const preview = await app.inject({
      method: 'POST',
      url: `/api/launches/${launch.id}/imports?dryRun=true`,
      headers: { cookie: app.adminCookie, 'content-type': 'text/csv' },
      payload: csv.join('\n'),
    });
    expect(preview.statusCode).toBe(200);
    const lina = await userCookie(app, { username: 'lina', displayName: '李娜', role: 'supervisor' });
    const acked = await app.inject({
      method: 'POST',
      url: `/api/alerts/${launch.id}-t15-uv/ack`,
      headers: { cookie: lina },
      payload: { action: '钻展加投' },
    });
    expect(acked.statusCode, acked.body).toBe(200);

    const entries = await audit(app);
    const actions = entries.map((e) => `${e.actor} ${e.action} ${e.target ?? ''}`.trim());
    expect(actions).toEqual([
      `lina alert.ack ${launch.id}-t15-uv`,
      'lina login',
      'admin user.create lina',
      `admin import ${launch.id}`,
      `admin launch.create ${launch.id}`,
      'admin login',
    ]);
    const importEntry = entries.find((e) => e.action === 'import')!;
    expect(importEntry.details).toMatchObject({ rowsRead: 15, accepted: 15, rejected: 0 });
    expect(Date.parse(entries[0]!.at)).toBeGreaterThanOrEqual(Date.parse(entries.at(-1)!.at));
    expect((await audit(app, '?action=login')).map((e) => e.actor)).toEqual(['lina', 'admin']);
    await app.close();
  });

  it('records failed logins, and survives a restart', async () => {
    const dataDir = await tempDir();
    const first = (await makeApp({ dataDir, ticking: false })) as AdminApp;
    const bad = await first.inject({
      method: 'POST',
      url: '/api/session',
      headers: { cookie: '' },
      payload: { username: 'admin', password: 'not-the-password' },
    });
    expect(bad.statusCode).toBe(401);
    expect((await audit(first)).map((e) => e.action)).toEqual(['login.failed', 'login']);
    await first.close();
    const again = (await makeApp({ dataDir, ticking: false })) as AdminApp;
    expect((await audit(again)).map((e) => e.action)).toEqual(['login', 'login.failed', 'login']);
    await again.close();
  });

  it('is for admins only', async () => {
    const app = (await makeApp({ ticking: false })) as AdminApp;
    const viewer = await userCookie(app, { username: 'guest', role: 'viewer' });
    const supervisor = await userCookie(app, { username: 'sup', role: 'supervisor' });
    for (const cookie of ['', viewer, supervisor]) {
      const res = await app.inject({ method: 'GET', url: '/api/audit', headers: { cookie } });
      expect(res.statusCode).toBe(cookie ? 403 : 401);
    }
    await app.close();
  });
});
