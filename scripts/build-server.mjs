// `npm run build:server`: the server compiled to plain JavaScript in server/dist (one ES module and
// its source map), so production runs `node server/dist/main.js` with no TypeScript loader. The
// shared workspace is bundled in (it is TypeScript source); every npm dependency stays an import of
// node_modules, as the server's package.json lists them.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['server/src/main.ts'],
  outdir: 'server/dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Every package is imported from node_modules at run time, except the shared workspace.
  packages: 'external',
  plugins: [
    {
      name: 'bundle-shared-workspace',
      setup(b) {
        b.onResolve({ filter: /^@warroom\/shared$/ }, () => ({
          path: fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)),
        }));
      },
    },
  ],
  logLevel: 'warning',
});
console.log('server built: server/dist/main.js');
