// `npm run dev`: the API server (restarting on change) on :3000 and Vite's dev server on :5173,
// which proxies /api and /socket.io to it. Open http://localhost:5173.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const children = [
  // The TypeScript source through tsx (a development dependency), restarted on change.
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'server/src/main.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { WARROOM_ADMIN_PASSWORD: 'warroom-dev', ...process.env },
  }),
  spawn('npm', ['run', 'dev', '-w', 'client'], { cwd: root, stdio: 'inherit' }),
];
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
  process.on(signal, () => {
    for (const c of children) c.kill(signal);
  });
for (const c of children) c.on('exit', (code) => process.exit(code ?? 0));
