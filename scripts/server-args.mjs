// How every script starts the server process. A larger young generation (64 MiB semi-spaces) cuts
// the garbage collector's share of big ingests and imports (about 1.5 s of a 525,600-row import).
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];
/** The compiled server (`npm run build:server`): plain JavaScript, stack traces through its source map. */
export const SERVER_ENTRY = 'server/dist/main.js';
export const SERVER_ARGS = [...SERVER_NODE_FLAGS, '--enable-source-maps', SERVER_ENTRY];
/** The TypeScript source through tsx (a development dependency): `npm run dev`, and benchmarks beside the compiled one. */
export const SERVER_TS_ARGS = [...SERVER_NODE_FLAGS, '--import', 'tsx', 'server/src/main.ts'];
