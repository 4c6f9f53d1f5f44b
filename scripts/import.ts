/**
 * `npm run import -- <file> --launch <id> [--server http://127.0.0.1:3000] [--dry-run]
 *   [--encoding gb18030] [--cumulative] [--delimiter tab] [--mapping '{"进店人数":"uv"}']
 *   [--token <ingest token> | --user admin --password …] [--json]`
 *
 * Streams a CSV to a running server's import route (`?progress=true`), draws a progress bar from
 * the bytes sent and the server's NDJSON progress lines, then prints the report. Exit status: 0
 * when every row was stored or already there, 2 when some rows were rejected (they are listed),
 * 1 when the import failed (bad file, unknown launch, server unreachable, storage down).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { parseArgs } from 'node:util';
import { type ImportReport, type ImportStreamLine } from '@warroom/shared';

const USAGE =
  'usage: npm run import -- <file.csv> --launch <id> [--server http://127.0.0.1:3000] [--dry-run] ' +
  '[--encoding utf8|gb18030|gbk|utf16le] [--cumulative] [--delimiter comma|tab|semicolon] ' +
  '[--mapping \'{"header":"uv"}\'] [--token T | --user U --password P] [--json]';

function fail(message: string): never {
  process.stderr.write(`import: ${message}\n`);
  process.exit(1);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        launch: { type: 'string', short: 'l' },
        server: { type: 'string', default: process.env.WARROOM_SERVER ?? 'http://127.0.0.1:3000' },
        'dry-run': { type: 'boolean', default: false },
        encoding: { type: 'string' },
        cumulative: { type: 'boolean', default: false },
        delimiter: { type: 'string' },
        mapping: { type: 'string' },
        token: { type: 'string', default: process.env.WARROOM_TOKEN },
        user: { type: 'string', default: process.env.WARROOM_USER },
        password: { type: 'string', default: process.env.WARROOM_PASSWORD },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return fail(`${(e as Error).message}\n${USAGE}`);
  }
})();

if (values.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const file = positionals[0];
if (!file || !values.launch) fail(USAGE);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string | number>,
  body: NodeJS.ReadableStream | string | null,
  onData?: (chunk: string) => void,
): Promise<Answer> {
  const doRequest = url.protocol === 'https:' ? requestTls : request;
  return new Promise((resolve, reject) => {
    const req = doRequest(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => {
        text += s;
        onData?.(s);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server may answer (413, 400) and stop reading while we still send: wait for its answer.
      if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') reject(e);
    });
    if (body === null) req.end();
    else if (typeof body === 'string') req.end(body);
    else body.pipe(req);
  });
}

async function credentials(server: string): Promise<Record<string, string>> {
  if (values.token) return { authorization: `Bearer ${values.token}` };
  if (!values.user) return {};
  const res = await send(
    new URL('/api/session', server),
    'POST',
    { 'content-type': 'application/json' },
    JSON.stringify({ username: values.user, password: values.password ?? '' }),
  );
  if (res.status !== 200) fail(`could not log in as ${values.user}: ${errorText(res)}`);
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie };
}

function errorText(res: Answer): string {
  try {
    const e = (JSON.parse(res.body) as { error?: { message?: string } }).error;
    if (e?.message) return `${e.message} (HTTP ${res.status})`;
  } catch {
    // not JSON
  }
  return `HTTP ${res.status} ${res.body.slice(0, 200)}`;
}

const tty = process.stderr.isTTY === true;
let lastDrawn = -1;
function drawBar(sent: number, total: number, rows: number, accepted: number, rejected: number): void {
  const share = total > 0 ? Math.min(1, sent / total) : 0;
  const pct = Math.floor(share * 100);
  const width = 30;
  const filled = Math.round(share * width);
  const line =
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}%  ` +
    `${(sent / 1024 / 1024).toFixed(1)}/${(total / 1024 / 1024).toFixed(1)} MiB  ` +
    `rows ${rows}  accepted ${accepted}  rejected ${rejected}`;
  if (tty) process.stderr.write(`\r${line}`);
  else if (pct >= lastDrawn + 10 || pct === 100) {
    process.stderr.write(line + '\n');
    lastDrawn = pct;
  }
}

function printReport(report: ImportReport): void {
  if (values.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const out: string[] = [];
  out.push(
    `${report.dryRun ? 'Dry run (nothing written): ' : ''}${report.rowsRead} rows read: ` +
      `${report.accepted} accepted, ${report.duplicates} duplicates, ${report.rejectedRows} rejected`,
  );
  out.push(
    `encoding ${report.encoding}, delimiter ${JSON.stringify(report.delimiter)}, columns: ` +
      Object.entries(report.mapping)
        .map(([h, t]) => `${h} → ${t}`)
        .join(', '),
  );
  if (report.firstMinute !== null) out.push(`minutes ${report.firstMinute} … ${report.lastMinute}`);
  for (const c of report.ignoredColumns) out.push(`ignored column ${c.column}: ${c.reason}`);
  for (const w of report.warnings) out.push(`warning: ${w}`);
  if (report.checkpointsEvaluated > 0 || report.alertsRaised > 0)
    out.push(
      `checkpoints evaluated ${report.checkpointsEvaluated}, alerts raised ${report.alertsRaised}, updated ${report.alertsUpdated}`,
    );
  for (const p of report.rejected) out.push(`line ${p.line}: ${p.message}`);
  if (report.rejectedTruncated)
    out.push(`… and more (only the first ${report.rejected.length} problems are listed)`);
  process.stdout.write(out.join('\n') + '\n');
}

async function main(): Promise<void> {
  const size = (await stat(file!).catch(() => fail(`cannot read ${file}`))).size;
  const server = values.server!;
  const auth = await credentials(server);
  const url = new URL(`/api/launches/${encodeURIComponent(values.launch!)}/imports`, server);
  url.searchParams.set('progress', 'true');
  if (values['dry-run']) url.searchParams.set('dryRun', 'true');
  if (values.cumulative) url.searchParams.set('cumulative', 'true');
  if (values.encoding) url.searchParams.set('encoding', values.encoding);
  if (values.delimiter) url.searchParams.set('delimiter', values.delimiter);
  if (values.mapping) url.searchParams.set('mapping', values.mapping);

  const stream = createReadStream(file!, { highWaterMark: 256 * 1024 });
  let sent = 0;
  stream.on('data', (c) => (sent += c.length));
  let rows = 0;
  let accepted = 0;
  let rejected = 0;
  let final: ImportStreamLine | null = null;
  let partial = '';
  const timer = setInterval(() => drawBar(sent, size, rows, accepted, rejected), 200);
  let res: Answer;
  try {
    res = await send(
      url,
      'POST',
      { ...auth, 'content-type': 'text/csv', 'content-length': size },
      stream,
      (chunk) => {
        partial += chunk;
        let nl;
        while ((nl = partial.indexOf('\n')) !== -1) {
          const text = partial.slice(0, nl);
          partial = partial.slice(nl + 1);
          let line: ImportStreamLine;
          try {
            line = JSON.parse(text) as ImportStreamLine;
          } catch {
            continue; // not NDJSON: an error answer, read below
          }
          if (line.type === 'progress') {
            rows = line.rowsRead;
            accepted = line.accepted;
            rejected = line.rejectedRows;
          } else {
            final = line;
          }
        }
      },
    );
  } catch (e) {
    clearInterval(timer);
    return fail(`cannot reach ${server}: ${(e as Error).message}`);
  }
  clearInterval(timer);
  const done = final as ImportStreamLine | null;
  if (done?.type === 'report')
    drawBar(size, size, done.report.rowsRead, done.report.accepted, done.report.rejectedRows);
  if (tty) process.stderr.write('\n');
  if (res.status !== 200) fail(errorText(res));
  if (!done) fail('the server ended the import without a report');
  if (done.type === 'error') {
    if (done.report) printReport(done.report);
    fail(`${done.error.message} (HTTP ${done.status})`);
  }
  if (done.type !== 'report') fail('unexpected answer');
  printReport(done.report);
  process.exit(done.report.rejectedRows > 0 ? 2 : 0);
}

await main();
