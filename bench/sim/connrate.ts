/**
 * TCP connections per second, run inside a lab VM's namespace:
 *   connrate server <port>                     accepts and closes every connection
 *   connrate client <ip> <port> <seconds> <n>  n loops of connect → first byte → close; prints the count
 * The server writes one byte so the client knows the handshake went through the bridge both ways.
 */
import { createServer, connect } from 'node:net';

const [mode, ...args] = process.argv.slice(2);
if (mode === 'server') {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.end('x');
  });
  server.listen(Number(args[0]), () => process.stdout.write('ready\n'));
} else if (mode === 'client') {
  const [ip, port, seconds, parallel] = [args[0], Number(args[1]), Number(args[2]), Number(args[3])];
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const s = connect({ host: ip, port });
      s.setTimeout(2000, () => {
        failed++;
        s.destroy();
        resolve();
      });
      s.once('data', () => {
        done++;
        s.destroy();
        resolve();
      });
      s.on('error', () => {
        failed++;
        resolve();
      });
    });
  const loop = async () => {
    while (Date.now() < until) await once();
  };
  void Promise.all(Array.from({ length: parallel }, loop)).then(() =>
    process.stdout.write(`${JSON.stringify({ connections: done, failed, seconds })}\n`),
  );
} else {
  process.stderr.write('usage: connrate server <port> | client <ip> <port> <seconds> <parallel>\n');
  process.exit(2);
}
