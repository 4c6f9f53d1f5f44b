// Times GET <url> back to back (10 ms apart) until stdin closes, then prints one JSON line:
// how many checks, the slowest in milliseconds, and how many failed (not 200, or no answer).
// A process of its own, so what it measures is the server's answer, not the caller's event loop.
const url = String(process.argv[2]);
let open = true;
let checks = 0;
let slowest = 0;
let failed = 0;
process.stdin.on('end', () => (open = false)).resume();
console.log('ready');
await fetch(url).then((r) => r.text()); // the connection, before timing
while (open) {
  const t = performance.now();
  const res = await fetch(url).catch(() => null);
  if (!res || res.status !== 200) failed += 1;
  await res?.text();
  slowest = Math.max(slowest, performance.now() - t);
  checks += 1;
  await new Promise((r) => setTimeout(r, 10));
}
console.log(JSON.stringify({ checks, slowest, failed }));
