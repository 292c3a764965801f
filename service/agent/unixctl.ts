/**
 * A client for ovs-vswitchd's control socket (what `ovs-appctl` speaks, lib/unixctl.c):
 * JSON-RPC 1.0 over a unix stream, `{"method":M,"params":[strings],"id":N}` answered by
 * `{"result":text|null,"error":text|null,"id":N}`, messages back to back without a delimiter.
 * One connection per daemon, kept open and reused, one request at a time (the daemon answers
 * a connection's requests in order anyway); a call that times out or a connection that breaks
 * is closed, and the next call connects again, finding the socket anew (its name carries the
 * daemon's pid, which changes when ovs-vswitchd restarts). A connection unused for `idleMs`
 * is closed too, so the client of a stopped agent holds nothing open on the daemon. A trace or a conntrack dump then
 * costs a socket write instead of an `ovs-appctl` process.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { OvsCommandError } from './exec';

/** The control socket of the ovs-vswitchd whose run directory is `rundir` (default: $OVS_RUNDIR, else /var/run/openvswitch). */
export function vswitchdControl(rundir?: string): string {
  const dir = rundir ?? process.env.OVS_RUNDIR ?? '/var/run/openvswitch';
  const pid = readFileSync(join(dir, 'ovs-vswitchd.pid'), 'utf8').trim();
  return join(dir, `ovs-vswitchd.${pid}.ctl`);
}

/**
 * Splits a byte stream of concatenated JSON values (objects or arrays) into their texts.
 * Incremental: each chunk is scanned once, so a large reply costs linear time. Pure.
 */
export class JsonSplitter {
  private parts: string[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Feeds `chunk`; returns the values it completed, as text. */
  push(chunk: string): string[] {
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c /* \ */) this.escaped = true;
        else if (c === 0x22 /* " */) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b /* { */ || c === 0x5b /* [ */) this.depth++;
      else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        if (--this.depth === 0) {
          this.parts.push(chunk.slice(start, i + 1));
          out.push(this.parts.join('').trim());
          this.parts = [];
          start = i + 1;
        } else if (this.depth < 0) throw new Error('unbalanced JSON from the control socket');
      }
    }
    if (start < chunk.length) this.parts.push(chunk.slice(start));
    return out;
  }
}

/** What a unixctl reply says, or why it is not one. Pure. */
export function readReply(text: string, id: number): { result: string } | { error: string } {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    return { error: `unreadable reply: ${text.slice(0, 80)}` };
  }
  const r = reply as { result?: unknown; error?: unknown; id?: unknown };
  if (typeof reply !== 'object' || reply === null || r.id !== id)
    return { error: `reply for id ${JSON.stringify(r?.id)} while waiting for ${id}` };
  if (r.error !== null && r.error !== undefined) return { error: String(r.error).trim() };
  return { result: typeof r.result === 'string' ? r.result : '' };
}

export interface UnixctlOptions {
  /** The socket path, or how to find it at each (re)connection (vswitchdControl). */
  target: string | (() => string);
  /** Per call, connecting included (default 5000 ms). */
  timeoutMs?: number;
  /** Closes the connection after this long without a call (default 30 s; observations call every 5 s). */
  idleMs?: number;
}

interface Waiting {
  id: number;
  resolve: (text: string) => void;
  reject: (e: Error) => void;
}

export class UnixctlClient {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private splitter = new JsonSplitter();
  private waiting: Waiting | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly timeoutMs: number;
  /** Requests sent, by method (what a change or an idle interval costs; no process is started for them). */
  readonly calls = new Map<string, number>();

  constructor(private readonly opts: UnixctlOptions) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  /** Runs `method params…` as `ovs-appctl` would; rejects with the daemon's error text, or on timeout or a broken socket. */
  call(method: string, params: string[] = []): Promise<string> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.inFlight++;
    const run = this.queue.then(() => this.send(method, params));
    this.queue = run.catch(() => undefined);
    void this.queue.then(() => {
      if (--this.inFlight > 0 || this.closed) return;
      this.idleTimer = setTimeout(() => this.drop(new Error('idle')), this.opts.idleMs ?? 30_000);
      this.idleTimer.unref();
    });
    return run;
  }

  /** Closes the connection; later calls fail. */
  close(): void {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.drop(new Error('closed'));
  }

  private async send(method: string, params: string[]): Promise<string> {
    if (this.closed) throw new OvsCommandError(`unixctl ${method}`, 'the client is closed');
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const deadline = Date.now() + this.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new OvsCommandError(`unixctl ${method}`, `timed out after ${this.timeoutMs} ms`);
        // The reply may still come: a new connection, so it cannot be taken for the next call's.
        this.drop(e);
        reject(e);
      }, this.timeoutMs);
    });
    try {
      const socket = await Promise.race([this.connected(deadline), timeout]);
      const id = this.nextId++;
      const reply = new Promise<string>((resolve, reject) => {
        this.waiting = { id, resolve, reject };
      });
      socket.write(JSON.stringify({ method, params, id }));
      return await Promise.race([reply, timeout]);
    } catch (e) {
      if (e instanceof OvsCommandError) throw e;
      throw new OvsCommandError(`unixctl ${method}`, (e as Error).message);
    } finally {
      clearTimeout(timer);
      this.waiting = null;
    }
  }

  private connected(deadline: number): Promise<Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<Socket>((resolve, reject) => {
      let path: string;
      try {
        path = typeof this.opts.target === 'string' ? this.opts.target : this.opts.target();
      } catch (e) {
        // No pid file: the daemon is not running.
        return reject(new Error(`cannot find the ovs-vswitchd control socket: ${(e as Error).message}`));
      }
      const socket = connect(path);
      socket.setEncoding('utf8');
      // A kept connection must not keep the process alive.
      socket.unref();
      socket.setTimeout(Math.max(1, deadline - Date.now()));
      socket.once('timeout', () => socket.destroy(new Error(`connecting to ${path} timed out`)));
      socket.once('connect', () => {
        socket.setTimeout(0);
        this.splitter = new JsonSplitter();
        this.socket = socket;
        resolve(socket);
      });
      socket.on('data', (chunk: string) => this.onData(chunk));
      socket.on('error', (err) => {
        if (this.socket !== socket) reject(new Error(`cannot connect to ${path}: ${err.message}`));
        else this.drop(new Error(`control socket ${path}: ${err.message}`));
      });
      socket.on('close', () => {
        if (this.socket === socket) this.drop(new Error(`control socket ${path} closed (ovs-vswitchd gone?)`));
        else reject(new Error(`cannot connect to ${path}: closed`));
      });
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private onData(chunk: string): void {
    let texts: string[];
    try {
      texts = this.splitter.push(chunk);
    } catch (e) {
      return this.drop(e as Error);
    }
    for (const text of texts) {
      const w = this.waiting;
      if (!w) return this.drop(new Error('a reply nobody asked for'));
      this.waiting = null;
      const r = readReply(text, w.id);
      if ('result' in r) w.resolve(r.result);
      else w.reject(new Error(r.error));
    }
  }

  /** Forgets the connection (the next call opens a new one) and fails the call in flight. */
  private drop(err: Error): void {
    const s = this.socket;
    this.socket = null;
    s?.destroy();
    const w = this.waiting;
    this.waiting = null;
    w?.reject(err);
  }
}
