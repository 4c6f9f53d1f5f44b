// `npm start`: serves the built client and the API on one port, with the compiled server (plain
// JavaScript, no TypeScript loader), building both first if either is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVER_ARGS, SERVER_ENTRY } from './server-args.mjs';
import { ensurePortFree, portFrom } from './port.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
await ensurePortFree(portFrom(process.env.PORT), process.env.HOST ?? '127.0.0.1', 'npm start');
/** @param {string} path */
const built = (path) => existsSync(new URL(`../${path}`, import.meta.url));
if (!built('client/dist/index.html') || !built(SERVER_ENTRY)) {
  console.log('Nothing built yet: building the client and the server first (npm run build)…');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const server = spawn(process.execPath, SERVER_ARGS, {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
  process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
