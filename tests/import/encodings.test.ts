import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, createLaunch, csvFile, makeApp, postCsv, readingAt, where } from './helpers';

afterAll(cleanUp);

const ZH =
  '时间,访客数,浏览量,支付买家数,支付件数,支付金额\n2025-11-11 10:00,120,400,8,9,891.5\n2025-11-11 10:01,80,260,5,6,600\n';

describe('encodings and line endings', () => {
  it('a GB18030 file as Excel on Chinese Windows saves it is detected and read with its Chinese headers', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const { bytes } = await csvFile(ZH, { encoding: 'gb18030', crlf: true });
    expect(bytes.includes(Buffer.from('访客数', 'utf8'))).toBe(false); // really not UTF-8
    const res = await postCsv(app, id, bytes);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ encoding: 'gb18030', accepted: 2, rejectedRows: 0 });
    expect(res.body.mapping).toMatchObject({ 时间: 'time', 访客数: 'uv', 支付金额: 'gmv' });
    expect(await readingAt(app, id, 0)).toEqual({
      minute: 0,
      uv: 120,
      pv: 400,
      fav: 0,
      cart: 0,
      orders: 8,
      units: 9,
      gmv: 891.5,
    });
    await app.close();
  });

  it('a UTF-8 file with a BOM reads its first header as 时间, not "\\uFEFF时间"', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const { bytes } = await csvFile(ZH, { bom: true });
    const res = await postCsv(app, id, bytes);
    expect(res.body).toMatchObject({ encoding: 'utf8', accepted: 2 });
    expect(Object.keys(res.body.mapping)).toContain('时间');
    await app.close();
  });

  it('a UTF-8 file without a BOM is read as UTF-8', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const res = await postCsv(app, id, (await csvFile(ZH)).bytes);
    expect(res.body).toMatchObject({ encoding: 'utf8', accepted: 2 });
    await app.close();
  });

  it('an explicit encoding wins over detection, and a late non-UTF-8 byte is warned about', async () => {
    // 64 KiB of ASCII rows, then a GBK note: detection has already settled on UTF-8.
    let text = 'minute,uv,note\n';
    for (let m = 0; text.length < 70_000; m = (m + 1) % 60) text += `${m},1,${'x'.repeat(40)}\n`;
    text += '0,1,备注\n';
    const { bytes } = await csvFile(text, { encoding: 'gb18030' });
    const app = await makeApp();
    const id = await createLaunch(app);
    const detected = await postCsv(app, id, bytes, { dryRun: 'true' });
    expect(detected.body.encoding).toBe('utf8');
    expect(detected.body.warnings.join(' ')).toMatch(/not valid UTF-8.*encoding=gb18030/);
    const explicit = await postCsv(app, id, bytes, { dryRun: 'true', encoding: 'gb18030' });
    expect(explicit.body).toMatchObject({ encoding: 'gb18030', warnings: [] });
    await app.close();
  });

  it('an Excel "Unicode text" file (UTF-16LE with a BOM, tab-separated) is read too', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(ZH.replace(/,/g, '\t'), 'utf16le')]);
    const res = await postCsv(app, id, bytes);
    expect(res.body).toMatchObject({ encoding: 'utf16le', delimiter: '\t', accepted: 2 });
    await app.close();
  });

  it('CRLF and LF files give the same readings and the same line numbers', async () => {
    const text = 'minute,uv,gmv\n0,1,1\n1,x,1\n2,3,3\n';
    const reports = [];
    for (const crlf of [false, true]) {
      const app = await makeApp();
      const id = await createLaunch(app);
      const res = await postCsv(app, id, (await csvFile(text, { crlf })).bytes);
      reports.push({ accepted: res.body.accepted, where: where(res.body) });
      await app.close();
    }
    expect(reports[0]).toEqual({ accepted: 2, where: ['3 uv'] });
    expect(reports[1]).toEqual(reports[0]);
  });

  it.each([
    ['semicolon', ';'],
    ['tab', '\t'],
    ['comma', ','],
  ])('the %s separator is detected from the header line', async (_name, sep) => {
    const app = await makeApp();
    const id = await createLaunch(app);
    // A decimal comma would be ambiguous; amounts here use a dot, the names have no separator.
    const text = ['minute', 'uv', 'gmv'].join(sep) + '\n' + ['0', '5', '12.5'].join(sep) + '\n';
    const res = await postCsv(app, id, (await csvFile(text)).bytes);
    expect(res.body).toMatchObject({ delimiter: sep, accepted: 1 });
    expect((await readingAt(app, id, 0))?.gmv).toBe(12.5);
    await app.close();
  });

  it('a file sent as a multipart form field imports the same as a raw text/csv body', async () => {
    const app = await makeApp();
    const a = await createLaunch(app);
    const b = await createLaunch(app);
    const { bytes } = await csvFile(ZH, { encoding: 'gb18030' });
    const raw = await postCsv(app, a, bytes);
    const form = await postCsv(app, b, bytes, {}, 'multipart');
    expect(form.status).toBe(200);
    expect({ ...form.body }).toEqual({ ...raw.body });
    await app.close();
  });
});
