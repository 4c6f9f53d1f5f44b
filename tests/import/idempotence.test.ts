import type { LaunchEvent } from '@warroom/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../../server/src/store/event-store';
import { makeStore, storedLog } from '../helpers/server';
import { cleanUp, createLaunch, csvFile, makeApp, postCsv, snapshotOf, tempDir } from './helpers';

afterAll(cleanUp);

const FILE =
  '时间,访客数,支付件数,支付金额\n' +
  Array.from({ length: 30 }, (_, m) => `2025-11-11 10:${String(m).padStart(2, '0')},100,10,1000\n`).join('');

describe('never lost, never double-counted', () => {
  it('importing the same file again adds nothing: every row is a duplicate and the log does not grow', async () => {
    const dir = await tempDir();
    const app = await makeApp(dir);
    const id = await createLaunch(app);
    const { bytes } = await csvFile(FILE, { encoding: 'gb18030' });
    const first = await postCsv(app, id, bytes);
    expect(first.body).toMatchObject({ rowsRead: 30, accepted: 30, duplicates: 0, checkpointsEvaluated: 2 });
    const log = await storedLog(dir, id);
    const again = await postCsv(app, id, bytes);
    expect(again.body).toMatchObject({ rowsRead: 30, accepted: 0, duplicates: 30, rejectedRows: 0 });
    expect(await storedLog(dir, id)).toEqual(log);
    const cp = (await snapshotOf(app, id)).checkpoints.find((c) => c.checkpoint === 25)!;
    expect(cp.metrics.find((m) => m.metric === 'uv')?.actual).toBe(2500);
    await app.close();
  });

  it('a dry run reports exactly what the import will do and writes nothing', async () => {
    const dir = await tempDir();
    const app = await makeApp(dir);
    const id = await createLaunch(app);
    const text = FILE + '2025-11-11 10:30,x,1,1\n';
    const { bytes } = await csvFile(text);
    const log = await storedLog(dir, id);
    const { now: _before, ...before } = await snapshotOf(app, id);
    const dry = await postCsv(app, id, bytes, { dryRun: 'true' });
    expect(dry.body).toMatchObject({ dryRun: true, accepted: 30, rejectedRows: 1, storedThroughLine: null });
    expect(await storedLog(dir, id)).toEqual(log);
    const { now: _after, ...after } = await snapshotOf(app, id);
    expect(after).toEqual(before);
    const real = await postCsv(app, id, bytes);
    expect({ ...real.body, dryRun: true, storedThroughLine: null }).toEqual(dry.body);
    await app.close();
  });

  it('when storage fails mid-import the answer is 503, the report says which lines are stored, and a re-import completes it', async () => {
    const dir = await tempDir();
    const store = await makeStore(dir);
    let failAfter = Infinity;
    const append = store.append.bind(store);
    store.append = async (launchId: string, events: readonly LaunchEvent[]) => {
      if (failAfter-- <= 0) throw new StorageUnavailableError('disk full (test)');
      return append(launchId, events);
    };
    const app = await makeApp(dir, { store });
    const id = await createLaunch(app, { startAt: '2025-01-01T00:00:00+08:00', durationMinutes: 12_000 });
    let text = 'minute,uv,units,gmv\n';
    for (let m = 0; m < 12_000; m++) text += `${m},${m % 50},${m % 7},${m % 300}\n`;
    const { bytes } = await csvFile(text);
    failAfter = 1; // the first batch (5,000 rows) is stored, the second write fails
    const failed = await postCsv(app, id, bytes);
    expect(failed.status).toBe(503);
    const error = (
      failed.body as unknown as {
        error: { message: string; details: { report: { storedThroughLine: number } } };
      }
    ).error;
    expect(error.details.report.storedThroughLine).toBe(5001);
    expect(error.message).toContain('rows up to line 5001 are stored');
    expect((await snapshotOf(app, id)).readings).toHaveLength(5000);
    failAfter = Infinity;
    const retried = await postCsv(app, id, bytes);
    expect(retried.body).toMatchObject({ accepted: 7000, duplicates: 5000, rejectedRows: 0 });
    const readings = (await snapshotOf(app, id)).readings;
    expect(readings).toHaveLength(12_000);
    expect(readings.reduce((s, r) => s + r.uv, 0)).toBe(
      Array.from({ length: 12_000 }, (_, m) => m % 50).reduce((a, b) => a + b),
    );
    await app.close();
    // What a restart reads back is what was answered.
    const reopened = await makeApp(dir);
    expect((await snapshotOf(reopened, id)).readings).toHaveLength(12_000);
    await reopened.close();
  });

  it('every row read is accounted for: accepted + duplicates + rejected', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const text = 'minute,uv\n0,1\n0,1\n1,x\n2,2\n2,3\n99,1\n\n3,"\n';
    const r = (await postCsv(app, id, (await csvFile(text)).bytes)).body;
    expect(r.rowsRead).toBe(r.accepted + r.duplicates + r.rejectedRows);
    expect(r).toMatchObject({ accepted: 2, duplicates: 1, rejectedRows: 4 });
    await app.close();
  });
});
