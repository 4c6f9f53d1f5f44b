import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, createLaunch, makeApp, postCsv } from './helpers';

afterAll(cleanUp);

const sample = (name: string) =>
  readFile(fileURLToPath(new URL(`../../docs/samples/${name}`, import.meta.url)));

describe('the samples in docs/samples import as their README says', () => {
  it('GB18030 export, running totals and the English file', async () => {
    const app = await makeApp();
    const id = await createLaunch(app, { startAt: '2026-11-11T10:00:00+08:00' });
    const zh = await postCsv(app, id, await sample('readings-zh-gb18030.csv'), { dryRun: 'true' });
    expect(zh.body).toMatchObject({ encoding: 'gb18030', accepted: 10, rejectedRows: 0 });
    expect(zh.body.ignoredColumns.map((c) => c.column)).toEqual(['支付转化率']);
    const cum = await postCsv(app, id, await sample('readings-cumulative-zh-utf8-bom.csv'), {
      dryRun: 'true',
    });
    expect(cum.body).toMatchObject({ encoding: 'utf8', accepted: 10, rejectedRows: 0 });
    const en = await postCsv(app, id, await sample('readings-en.csv'), { dryRun: 'true' });
    expect(en.body).toMatchObject({ delimiter: ';', accepted: 9, rejectedRows: 1 });
    expect(en.body.rejected[0]).toMatchObject({ line: 7, column: 'fav' });
    await postCsv(app, id, await sample('readings-zh-gb18030.csv'));
    const after = await postCsv(app, id, await sample('readings-en.csv'), { dryRun: 'true' });
    expect(after.body.rejectedRows).toBe(0);
    await app.close();
  });
});
