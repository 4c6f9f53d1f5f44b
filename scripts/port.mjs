// Checks that the server's port is free before a script starts it, so a port in use ends with a
// sentence that says which port and how to pick another, not the server's EADDRINUSE stack trace.
import { createServer } from 'node:net';

/**
 * The PORT the person asked for (3000 when unset); a value that is no port ends the script here.
 * @param {string | undefined} text
 * @returns {number}
 */
export function portFrom(text) {
  const port = Number(text ?? 3000);
  if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  process.stderr.write(`warroom: PORT=${text} is not a port: give a number from 1 to 65535 (PORT=3001).\n`);
  process.exit(1);
}

/**
 * Resolves when `port` on `host` can be listened on; otherwise prints what to do and exits 1.
 * @param {number} port
 * @param {string} host
 * @param {string} command how the person started it (`npm run demo`), for the hint
 * @returns {Promise<void>}
 */
export async function ensurePortFree(port, host, command) {
  const problem = await new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (/** @type {NodeJS.ErrnoException} */ e) => resolve(e.code ?? e.message));
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
  if (problem === null) return;
  const why =
    problem === 'EADDRINUSE'
      ? `port ${port} on ${host} is already in use (another war room, or another program).`
      : problem === 'EACCES'
        ? `port ${port} on ${host} needs more rights than this user has.`
        : `port ${port} on ${host} cannot be used (${problem}).`;
  const other = port === 3000 ? 3001 : port + 1;
  process.stderr.write(
    `warroom: ${why}\n` + `  Stop what is using it, or pick another port: PORT=${other} ${command}\n`,
  );
  process.exit(1);
}
