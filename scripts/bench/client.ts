/**
 * Client bench: gzipped JS loaded by the big-screen route, and navigation → first chart paint
 * (the cumulative chart drawing data) in headless system Chromium. Targets (issue 3): ≤ 500 KB gz,
 * ≤ 1.5 s. Run with `npm run bench:client` (builds the client first if needed).
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatIsoInZone, type Launch } from '@warroom/shared';
import { api, launchBrowser, ROOT, startServer } from '../../tests/browser/harness';

const RUNS = 5;
/** Set by the client (client/src/charts/useChart.ts) when a chart first draws data. */
type Painted = { __firstChartPaint?: number };
const dist = join(ROOT, 'client/dist');
if (!existsSync(join(dist, 'index.html')))
  execSync('npm run build -w client', { cwd: ROOT, stdio: 'inherit' });

const server = await startServer();
const browser = await launchBrowser();
try {
  const launch = await api<Launch>(server.url, 'POST', '/api/launches', {
    name: 'bench',
    startAt: formatIsoInZone(Date.now() - 30 * 60_000, 'Asia/Shanghai'),
    forecast: { template: { uv: 30000, units: 2000, gmv: 198000 } },
  });
  await api(
    server.url,
    'POST',
    `/api/launches/${launch.id}/readings`,
    launch.forecast
      .slice(0, 20)
      .map((f) => ({ minute: f.minute, uv: Math.round(f.uv), units: Math.round(f.units) })),
  );
  // The wall screen as it runs in the room: opened with a kiosk token, no login.
  const { token } = await api<{ token: string }>(server.url, 'POST', '/api/tokens', {
    name: 'bench screen',
    scope: 'screen',
  });
  const url = `${server.url}/screen/${launch.id}?token=${token}`;
  const scripts = new Set<string>();
  const paints: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
    });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as Painted).__firstChartPaint !== undefined, null, {
      timeout: 15_000,
    });
    paints.push(await page.evaluate(() => (globalThis as Painted).__firstChartPaint ?? NaN));
    await context.close();
  }
  let gz = 0;
  for (const path of scripts) gz += gzipSync(readFileSync(join(dist, path))).length;
  paints.sort((a, b) => a - b);
  const median = paints[Math.floor(paints.length / 2)]!;
  console.log(
    `screen route JS: ${scripts.size} files, ${(gz / 1024).toFixed(1)} KB gzipped (target ≤ 500 KB)`,
  );
  console.log(
    `navigation → first chart paint: median ${median.toFixed(0)} ms over ${RUNS} runs ` +
      `(min ${paints[0]!.toFixed(0)}, max ${paints.at(-1)!.toFixed(0)}; target ≤ 1500 ms)`,
  );
} finally {
  await browser.close();
  await server.stop();
}
