/**
 * The program that runs inside each lab VM namespace (spawned by vm.ts with
 * `ip netns exec <vm> node -e <this file, transpiled>`). Uses node built-ins only.
 *
 * - Serves: TCP echo on every port in argv `--tcp`, UDP echo on every `--udp`
 *   port, so "open" is measured by a reply, not just by a packet leaving; with
 *   `--ipv6`, on IPv6 (`::`) as well as IPv4. Probes to an IPv6 `ip` use IPv6.
 * - Probes on request (JSON lines on stdin, answers on stdout with the same id):
 *   { id, op: 'tcp'|'udp'|'ping', ip, port?, timeoutMs } → { id, open }
 *   { id, op: 'hold', ip, port } → keeps a TCP connection, echoing a byte every
 *     100 ms → { id, ok } once connected;
 *   { id, op: 'holdStatus', hold } → { id, connected, lastEchoMs (ms since last echo), closed }
 *   { id, op: 'holdClose', hold } → { id, ok }
 *   { id, op: 'udpSeen' } → { id, seen: { <source IP>: datagrams received } } (since the last udpSeen)
 *   { id, op: 'udpStream', ip, port, durationMs } → a responder-only UDP stream: sends `stream:<ms>`
 *     (resent until answered, then never again); the echo port that gets it sends a datagram back
 *     every 50 ms for durationMs → { id, ok } once the first one arrived;
 *   { id, op: 'udpStreamStatus', stream } → { id, received, lastMs (ms since the last datagram) }
 *   { id, op: 'udpStreamPoke', stream, timeoutMs } → the initiator speaks again: sends `poke` from the stream's
 *     socket (resent a few times within timeoutMs) → { id, open } (open: its echo came back);
 *   { id, op: 'udpStreamClose', stream } → { id, ok }
 *   { id, op: 'udpStreamSent' } → { id, sent: { <initiator IP>: stream datagrams this VM's echo ports sent it } }
 *     (since start: lets a test wait until a responder has kept sending, instead of sleeping)
 */
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import { execFile } from 'node:child_process';
import * as readline from 'node:readline';

type Req = {
  id: number;
  op: string;
  ip?: string;
  port?: number;
  timeoutMs?: number;
  hold?: number;
  src?: string;
  stream?: number;
  durationMs?: number;
};

function listFrom(flag: string): number[] {
  const i = process.argv.indexOf(flag);
  if (i < 0 || !process.argv[i + 1]) return [];
  return process.argv[i + 1].split(',').filter(Boolean).map(Number);
}

function send(msg: object) {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

/** Datagrams received per source address: shows whether a (spoofed) packet arrived at all. */
const udpSeen = new Map<string, number>();
/** Responder-only stream datagrams sent, by initiator address. */
const streamSent = new Map<string, number>();

async function serve(): Promise<void> {
  const waits: Promise<void>[] = [];
  // Separate IPv6-only sockets next to the IPv4 ones: IPv4 peers keep their plain addresses (udpSeen keys).
  const hosts = process.argv.includes('--ipv6') ? ['0.0.0.0', '::'] : ['0.0.0.0'];
  for (const host of hosts) {
    const ipv6Only = host === '::';
    for (const port of listFrom('--tcp')) {
      const srv = net.createServer((s) => {
        s.on('error', () => s.destroy());
        s.pipe(s);
      });
      waits.push(new Promise((res, rej) => srv.once('error', rej).listen({ port, host, ipv6Only }, () => res())));
    }
    for (const port of listFrom('--udp')) {
      const sock = dgram.createSocket({ type: ipv6Only ? 'udp6' : 'udp4', ipv6Only });
      sock.on('message', (msg, rinfo) => {
        udpSeen.set(rinfo.address, (udpSeen.get(rinfo.address) ?? 0) + 1);
        const stream = /^stream:([0-9]+)$/.exec(String(msg));
        if (stream) {
          // The responder keeps sending on its own; the initiator stays silent.
          const every = setInterval(() => {
            streamSent.set(rinfo.address, (streamSent.get(rinfo.address) ?? 0) + 1);
            sock.send(msg, rinfo.port, rinfo.address, () => undefined);
          }, 50);
          setTimeout(() => clearInterval(every), Math.min(Number(stream[1]), 60_000));
        }
        sock.send(msg, rinfo.port, rinfo.address);
      });
      waits.push(new Promise((res, rej) => sock.once('error', rej).bind(port, host, () => res())));
    }
  }
  await Promise.all(waits);
}

function probeTcp(ip: string, port: number, timeoutMs: number, localAddress?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ip, port, localAddress });
    const done = (open: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(open);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.on('connect', () => s.write('x'));
    s.on('data', () => done(true));
    s.on('error', () => done(false));
  });
}

function probeUdp(ip: string, port: number, timeoutMs: number, localAddress?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket(net.isIPv6(ip) ? 'udp6' : 'udp4');
    let finished = false;
    const done = (open: boolean) => {
      if (finished) return;
      finished = true;
      clearInterval(again);
      clearTimeout(t);
      s.close();
      resolve(open);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.on('message', () => done(true));
    s.on('error', () => done(false));
    const payload = Buffer.from('probe');
    const fire = () => s.send(payload, port, ip, () => undefined);
    // A first datagram may be lost while ARP (or ND) resolves: resend a few times within the timeout.
    const again = setInterval(fire, Math.max(100, Math.floor(timeoutMs / 4)));
    s.bind({ port: 0, address: localAddress }, fire);
  });
}

function probePing(ip: string, timeoutMs: number): Promise<boolean> {
  const secs = Math.max(1, Math.round(timeoutMs / 1000));
  return new Promise((resolve) => {
    execFile(
      'ping',
      [...(net.isIPv6(ip) ? ['-6'] : []), '-n', '-q', '-c', '1', '-W', String(secs), ip],
      { timeout: timeoutMs + 2000 },
      (err) => resolve(!err),
    );
  });
}

interface Hold {
  sock: net.Socket;
  connected: boolean;
  lastEcho: number;
  closed: boolean;
  timer?: NodeJS.Timeout;
}
const holds = new Map<number, Hold>();

function startHold(id: number, ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: ip, port });
    const h: Hold = { sock, connected: false, lastEcho: 0, closed: false };
    holds.set(id, h);
    const fail = setTimeout(() => {
      if (!h.connected) {
        sock.destroy();
        resolve(false);
      }
    }, 3000);
    sock.on('connect', () => {
      h.timer = setInterval(() => sock.write('.'), 100);
      sock.write('.');
    });
    sock.on('data', () => {
      h.lastEcho = Date.now();
      if (!h.connected) {
        h.connected = true;
        clearTimeout(fail);
        resolve(true);
      }
    });
    const closed = () => {
      h.closed = true;
      if (h.timer) clearInterval(h.timer);
    };
    sock.on('error', closed);
    sock.on('close', closed);
  });
}

interface UdpStream {
  sock: dgram.Socket;
  received: number;
  last: number;
  ip: string;
  port: number;
  /** Called when the echo of a `poke` comes back. */
  poked?: () => void;
}
const streams = new Map<number, UdpStream>();

function startUdpStream(id: number, ip: string, port: number, durationMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(net.isIPv6(ip) ? 'udp6' : 'udp4');
    const st: UdpStream = { sock, received: 0, last: 0, ip, port };
    streams.set(id, st);
    const payload = Buffer.from(`stream:${durationMs}`);
    const fire = () => sock.send(payload, port, ip, () => undefined);
    // Resent only until the first answer (ARP may eat the first datagram); after that, silence.
    const again = setInterval(fire, 250);
    const fail = setTimeout(() => {
      clearInterval(again);
      resolve(false);
    }, 3000);
    sock.on('message', (msg) => {
      if (String(msg) === 'poke') return st.poked?.();
      st.received++;
      st.last = Date.now();
      if (st.received === 1) {
        clearInterval(again);
        clearTimeout(fail);
        resolve(true);
      }
    });
    sock.on('error', () => undefined);
    sock.bind(0, fire);
  });
}

/** The initiator of a stream sends again, from the same socket (the same connection): whether its echo comes back. */
function pokeUdpStream(st: UdpStream, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (open: boolean) => {
      clearInterval(again);
      clearTimeout(t);
      st.poked = undefined;
      resolve(open);
    };
    st.poked = () => done(true);
    const t = setTimeout(() => done(false), timeoutMs);
    const fire = () => st.sock.send('poke', st.port, st.ip, () => undefined);
    const again = setInterval(fire, Math.max(100, Math.floor(timeoutMs / 4)));
    fire();
  });
}

async function handle(req: Req): Promise<object> {
  const timeoutMs = req.timeoutMs ?? 1000;
  switch (req.op) {
    case 'tcp':
      return { open: await probeTcp(req.ip!, req.port!, timeoutMs, req.src) };
    case 'udp':
      return { open: await probeUdp(req.ip!, req.port!, timeoutMs, req.src) };
    case 'ping':
      return { open: await probePing(req.ip!, timeoutMs) };
    case 'hold':
      return { ok: await startHold(req.id, req.ip!, req.port!) };
    case 'holdStatus': {
      const h = holds.get(req.hold!);
      if (!h) return { error: `no hold ${req.hold}` };
      return { connected: h.connected, closed: h.closed, lastEchoMs: h.lastEcho ? Date.now() - h.lastEcho : null };
    }
    case 'holdClose': {
      const h = holds.get(req.hold!);
      if (h) {
        if (h.timer) clearInterval(h.timer);
        h.sock.destroy();
        holds.delete(req.hold!);
      }
      return { ok: true };
    }
    case 'udpStream':
      return { ok: await startUdpStream(req.id, req.ip!, req.port!, req.durationMs ?? 10_000) };
    case 'udpStreamStatus': {
      const st = streams.get(req.stream!);
      if (!st) return { error: `no stream ${req.stream}` };
      return { received: st.received, lastMs: st.last ? Date.now() - st.last : null };
    }
    case 'udpStreamPoke': {
      const st = streams.get(req.stream!);
      if (!st) return { error: `no stream ${req.stream}` };
      return { open: await pokeUdpStream(st, timeoutMs) };
    }
    case 'udpStreamClose': {
      const st = streams.get(req.stream!);
      if (st) st.sock.close();
      streams.delete(req.stream!);
      return { ok: true };
    }
    case 'udpStreamSent':
      return { sent: Object.fromEntries(streamSent) };
    case 'udpSeen': {
      const seen = Object.fromEntries(udpSeen);
      udpSeen.clear();
      return { seen };
    }
    default:
      return { error: `unknown op ${req.op}` };
  }
}

serve().then(
  () => {
    send({ ready: true });
    readline
      .createInterface({ input: process.stdin })
      .on('line', (line) => {
        let req: Req;
        try {
          req = JSON.parse(line);
        } catch {
          return send({ error: 'bad json' });
        }
        handle(req).then(
          (r) => send({ id: req.id, ...r }),
          (e) => send({ id: req.id, error: String(e) }),
        );
      })
      .on('close', () => {
        // Started by a test: its end ends us. Started by `lab up` (--persist): keep serving until `lab down`.
        if (!process.argv.includes('--persist')) process.exit(0);
      });
  },
  (e) => {
    send({ fatal: String(e) });
    process.exit(1);
  },
);
