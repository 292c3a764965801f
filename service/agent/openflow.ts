/**
 * The bridge's rule counters without a process: one OpenFlow 1.3 flow-stats request
 * (OFPMP_FLOW, every table, no match) on the bridge's management socket
 * (`<rundir>/<bridge>.mgmt`, what `ovs-ofctl dump-flows` talks to). `bridge/dump-flows`
 * over the control socket prints no cookies, and the cookie is what names a rule, so
 * the counters are read in OpenFlow, where each flow's fixed header carries table,
 * cookie, packet and byte counts. A connection per dump (a socket connect, no spawn),
 * closed at once: nothing kept open on the daemon between observation rounds. The
 * ports the same way (OFPMP_PORT_DESC), what `ovs-ofctl show` asks for.
 */
import { connect } from 'node:net';
import { OvsCommandError } from './exec';
import type { HostPorts } from './types';

/** One flow's counters; the cookie as lower-case hex `0x…`. */
export interface FlowCounter {
  cookie: string;
  table: number;
  packets: number;
  bytes: number;
}

const OFP13 = 4;
const HELLO = 0;
const ERROR = 1;
const ECHO_REQUEST = 2;
const ECHO_REPLY = 3;
const MULTIPART_REQUEST = 18;
const MULTIPART_REPLY = 19;
const OFPMP_FLOW = 1;
const OFPMP_PORT_DESC = 13;
const MORE = 1;

function header(type: number, length: number, xid: number): Buffer {
  const b = Buffer.alloc(length);
  b.writeUInt8(OFP13, 0);
  b.writeUInt8(type, 1);
  b.writeUInt16BE(length, 2);
  b.writeUInt32BE(xid, 4);
  return b;
}

/** The flow-stats request: every table, any port and group, any cookie, an empty OXM match. Pure. */
export function flowStatsRequest(xid: number): Buffer {
  const b = header(MULTIPART_REQUEST, 56, xid);
  b.writeUInt16BE(OFPMP_FLOW, 8);
  b.writeUInt8(0xff, 16); // OFPTT_ALL
  b.writeUInt32BE(0xffffffff, 20); // OFPP_ANY
  b.writeUInt32BE(0xffffffff, 24); // OFPG_ANY
  b.writeUInt16BE(1, 48); // OFPMT_OXM
  b.writeUInt16BE(4, 50); // no fields
  return b;
}

/**
 * The counters of the ofp_flow_stats entries in one OFPMP_FLOW reply body (after the
 * multipart header): 2 bytes length, table, pad, durations, priority, timeouts, flags,
 * pad, cookie, packet count, byte count; then match and instructions, skipped by length. Pure.
 */
export function parseFlowStats(body: Buffer): FlowCounter[] {
  const out: FlowCounter[] = [];
  // A bridge has tens of thousands of flows and a few cookies (one per rule): each cookie's text is made once,
  // and the counters are read without a BigInt per field (this runs on the service's event loop, embedded).
  const cookies = new Map<number, Map<number, string>>();
  const cookieAt = (at: number) => {
    const high = body.readUInt32BE(at);
    const low = body.readUInt32BE(at + 4);
    let byLow = cookies.get(high);
    if (!byLow) cookies.set(high, (byLow = new Map()));
    let text = byLow.get(low);
    if (text === undefined) byLow.set(low, (text = `0x${body.readBigUInt64BE(at).toString(16)}`));
    return text;
  };
  // Exact below 2^53 (as Number(BigInt) is; above it both round).
  const countAt = (at: number) => body.readUInt32BE(at) * 2 ** 32 + body.readUInt32BE(at + 4);
  for (let at = 0; at < body.length;) {
    if (body.length - at < 48) throw new Error(`truncated flow stats entry at byte ${at}`);
    const length = body.readUInt16BE(at);
    if (length < 48 || at + length > body.length)
      throw new Error(`bad flow stats entry length ${length} at byte ${at}`);
    out.push({
      table: body.readUInt8(at + 2),
      cookie: cookieAt(at + 24),
      packets: countAt(at + 32),
      bytes: countAt(at + 40),
    });
    at += length;
  }
  return out;
}

/** Splits a byte stream into OpenFlow messages by their header's length. Pure but for its buffer. */
export class OpenFlowFramer {
  private rest = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    let buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: Buffer[] = [];
    while (buf.length >= 8) {
      const length = buf.readUInt16BE(2);
      if (length < 8) throw new Error(`bad OpenFlow message length ${length}`);
      if (buf.length < length) break;
      out.push(buf.subarray(0, length));
      buf = buf.subarray(length);
    }
    this.rest = Buffer.from(buf);
    return out;
  }
}

/** Every flow's counters on the bridge behind `target` (a `unix:` path or a plain socket path). */
export function dumpFlowCounters(target: string, timeoutMs = 5000): Promise<FlowCounter[]> {
  return multipart(target, 'openflow flow-stats', flowStatsRequest(1), OFPMP_FLOW, parseFlowStats, timeoutMs);
}

/** The port-description request (OFPMP_PORT_DESC, empty body). Pure. */
export function portDescRequest(xid: number): Buffer {
  const b = header(MULTIPART_REQUEST, 16, xid);
  b.writeUInt16BE(OFPMP_PORT_DESC, 8);
  return b;
}

/** One ofp_port (OpenFlow 1.3): port_no, pad, hw_addr, pad, name[16], then config…max_speed. */
const PORT_LENGTH = 64;
/** Ports above this are reserved (OFPP_LOCAL is 0xfffffffe). */
const OFPP_MAX = 0xffffff00;

/** The bridge's ports by name from one OFPMP_PORT_DESC reply body, LOCAL and the other reserved ports left out. Pure. */
export function parsePortDesc(body: Buffer): HostPorts {
  if (body.length % PORT_LENGTH !== 0) throw new Error(`port description body of ${body.length} bytes`);
  const ports: HostPorts = {};
  for (let at = 0; at < body.length; at += PORT_LENGTH) {
    const no = body.readUInt32BE(at);
    if (no > OFPP_MAX) continue;
    const raw = body.subarray(at + 16, at + 32);
    const end = raw.indexOf(0);
    ports[raw.subarray(0, end < 0 ? raw.length : end).toString('latin1')] = no;
  }
  return ports;
}

/** The bridge's ports (name → OpenFlow port number) without a process. */
export async function readPortDesc(target: string, timeoutMs = 5000): Promise<HostPorts> {
  const parts = await multipart(
    target,
    'openflow port-desc',
    portDescRequest(1),
    OFPMP_PORT_DESC,
    (b) => [parsePortDesc(b)],
    timeoutMs,
  );
  return Object.assign({}, ...parts) as HostPorts;
}

/**
 * One multipart request on a fresh connection to the management socket, its reply parts parsed and
 * gathered until the last (no MORE flag); the connection is closed at once.
 */
function multipart<T>(
  target: string,
  what: string,
  request: Buffer,
  type: number,
  parse: (body: Buffer) => T[],
  timeoutMs: number,
): Promise<T[]> {
  const path = target.replace(/^unix:/, '');
  const fail = (detail: string) => new OvsCommandError(what, `${path}: ${detail}`);
  const xid = request.readUInt32BE(4);
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const framer = new OpenFlowFramer();
    const out: T[] = [];
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(out);
    };
    socket.setTimeout(timeoutMs, () => finish(fail(`timed out after ${timeoutMs} ms`)));
    socket.on('error', (e) => finish(fail(e.message)));
    socket.on('close', () => finish(fail('closed before the reply (ovs-vswitchd gone?)')));
    socket.on('connect', () => {
      socket.write(header(HELLO, 8, 0));
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (e) {
        return finish(fail((e as Error).message));
      }
      for (const m of messages) {
        const t = m.readUInt8(1);
        if (t === HELLO) {
          if (m.readUInt8(0) < OFP13) return finish(fail(`the switch does not speak OpenFlow 1.3`));
        } else if (t === ECHO_REQUEST) {
          const reply = Buffer.from(m);
          reply.writeUInt8(ECHO_REPLY, 1);
          socket.write(reply);
        } else if (t === ERROR && m.readUInt32BE(4) === xid) {
          return finish(fail(`OpenFlow error type ${m.readUInt16BE(8)} code ${m.readUInt16BE(10)}`));
        } else if (t === MULTIPART_REPLY && m.readUInt32BE(4) === xid && m.readUInt16BE(8) === type) {
          try {
            for (const x of parse(m.subarray(16))) out.push(x);
          } catch (e) {
            return finish(fail((e as Error).message));
          }
          if ((m.readUInt16BE(10) & MORE) === 0) return finish(null);
        }
      }
    });
  });
}
