/**
 * Closing the server with screens connected: the HTTP server waits for every connection, and an
 * upgraded WebSocket is never idle, so the sockets must be closed first — without a disconnect
 * packet, so that each client reconnects by itself (to another instance behind the proxy).
 */
import { expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { makeApp, userCookie } from '../helpers/server';

it('closes while sockets are connected, and the clients are told to reconnect, not to go away', async () => {
  const app = (await makeApp()) as Parameters<typeof userCookie>[0];
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as { port: number };
  const cookie = await userCookie(app, { username: 'li', displayName: '李雷', role: 'supervisor' });
  const sockets = [1, 2, 3].map(() =>
    io(`http://127.0.0.1:${addr.port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie },
    }),
  );
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.once('connect', () => resolve()))));
  const reasons = sockets.map(
    (s) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason))),
  );
  // Without the sockets closed first this never returns (the test times out).
  await app.close();
  // "io server disconnect" would tell a client not to reconnect; a closed transport makes it try again.
  expect(await Promise.all(reasons)).toEqual(['transport close', 'transport close', 'transport close']);
});
