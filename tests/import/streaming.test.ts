/**
 * Big files stream: the server reads, checks and stores them batch by batch while they upload, and
 * tells the client how far it got. Sizes are capped with a clear 413.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type ImportStreamLine } from '@warroom/shared';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { adminHeaders, cleanUp, createLaunch, inject, makeApp, snapshotOf } from './helpers';

afterAll(cleanUp);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
afterEach(() => {
  delete process.env.WARROOM_IMPORT_MAX_BYTES;
});

const NOTE = '这一行的备注很长，'.repeat(40); // 360 characters, about 1 KiB in UTF-8

/** A CSV generated row by row as the upload asks for it: never a whole file in memory. */
function lazyCsv(totalBytes: number, produced: { bytes: number }): Readable {
  let minute = 0;
  return new Readable({
    read() {
      if (produced.bytes >= totalBytes) {
        this.push(null);
        return;
      }
      let chunk = produced.bytes === 0 ? 'minute,uv,units,gmv,备注\n' : '';
      while (chunk.length < 16_000) {
        chunk += `${minute},${minute % 97},${minute % 7},${(minute % 300) * 1.5},${NOTE}\n`;
        minute = (minute + 1) % 1440;
      }
      const buf = Buffer.from(chunk, 'utf8');
      produced.bytes += buf.length;
      this.push(buf);
    },
  });
}

function post(
  url: string,
  body: Readable,
  headers: Record<string, string | number> = {},
): Promise<{ status: number; lines: { line: ImportStreamLine; producedAt: number }[]; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'text/csv', ...headers } },
      (res) => {
        const lines: { line: ImportStreamLine; producedAt: number }[] = [];
        let text = '';
        let partial = '';
        res.setEncoding('utf8');
        res.on('data', (s: string) => {
          text += s;
          partial += s;
          let nl;
          while ((nl = partial.indexOf('\n')) !== -1) {
            const l = partial.slice(0, nl);
            partial = partial.slice(nl + 1);
            if (res.headers['content-type']?.startsWith('application/x-ndjson'))
              lines.push({ line: JSON.parse(l) as ImportStreamLine, producedAt: current() });
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, lines, text }));
        res.on('error', reject);
      },
    );
    let current = () => 0;
    const counted = body as Readable & { produced?: { bytes: number } };
    if (counted.produced) current = () => counted.produced!.bytes;
    req.on('error', (e) => {
      // The server may close after answering 413 while we still send.
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE' && (e as NodeJS.ErrnoException).code !== 'ECONNRESET')
        reject(e);
    });
    body.pipe(req);
  });
}

describe('large files', () => {
  it('a 50 MB file is imported as it streams in: progress arrives early and memory stays far below the file size', async () => {
    const app = await makeApp();
    const id = await createLaunch(app, { startAt: '2025-11-11T00:00:00+08:00', durationMinutes: 1440 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const size = 50 * 1024 * 1024;
    const produced = { bytes: 0 };
    const body = Object.assign(lazyCsv(size, produced), { produced });
    // Live memory, sampled after a collection, so garbage the test's own generator leaves does not count.
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 100);
    const res = await post(
      `http://127.0.0.1:${port}/api/launches/${id}/imports?progress=true`,
      body,
      adminHeaders(app),
    );
    clearInterval(sampler);
    expect(res.status).toBe(200);
    const last = res.lines.at(-1)!.line;
    expect(last.type).toBe('report');
    if (last.type !== 'report') return;
    expect(last.report.accepted).toBe(1440);
    expect(last.report.rowsRead).toBe(last.report.accepted + last.report.duplicates);
    expect(last.report.rowsRead).toBeGreaterThan(40_000);
    const progress = res.lines.filter((l) => l.line.type === 'progress');
    expect(progress.length).toBeGreaterThan(5);
    // The first progress line came while most of the file was still to be generated.
    expect(progress[0]!.producedAt).toBeLessThan(size / 4);
    const rows = progress.map((l) => (l.line.type === 'progress' ? l.line.rowsRead : 0));
    expect([...rows].sort((a, b) => a - b)).toEqual(rows);
    expect(peak - baseline).toBeLessThan(size / 2);
    expect((await snapshotOf(app, id)).readings).toHaveLength(1440);
    await app.close();
  }, 120_000);

  it('a file over the limit is refused with 413 before anything is read', async () => {
    process.env.WARROOM_IMPORT_MAX_BYTES = String(64 * 1024);
    const app = await makeApp();
    const id = await createLaunch(app);
    const res = await inject(app, {
      method: 'POST',
      url: `/api/launches/${id}/imports`,
      headers: { 'content-type': 'text/csv' },
      payload: Buffer.alloc(100 * 1024, 'a'),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toEqual({
      code: 'payload_too_large',
      message:
        'the file is larger than the import limit of 0.1 MiB (0.1 MiB); split it by day and import the parts',
    });
    await app.close();
  });

  it('an upload without a length that grows past the limit is stopped with 413', async () => {
    process.env.WARROOM_IMPORT_MAX_BYTES = String(256 * 1024);
    const app = await makeApp();
    const id = await createLaunch(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const produced = { bytes: 0 };
    const res = await post(
      `http://127.0.0.1:${port}/api/launches/${id}/imports?progress=true`,
      lazyCsv(1024 * 1024, produced),
      {
        ...adminHeaders(app),
        'transfer-encoding': 'chunked',
      },
    );
    expect(res.status).toBe(200);
    const last = res.lines.at(-1)!.line;
    expect(last).toMatchObject({ type: 'error', status: 413, error: { code: 'payload_too_large' } });
    await app.close();
  });
});
