/**
 * The floor for alert latency: a bare `ws` server, as a child process like the real server, that
 * sends the body of each `POST /broadcast` to every connected client as one text message. No
 * validation, no engine, no disk, no Socket.IO: what pushing these bytes to these sockets costs.
 * PORT from the environment; listens on 127.0.0.1 only.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const frame = Buffer.concat(chunks).toString('utf8');
    for (const client of wss.clients) client.send(frame);
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"sent":${wss.clients.size}}`);
  });
});
const wss = new WebSocketServer({ server });

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  });

server.listen(Number(process.env.PORT), '127.0.0.1');
