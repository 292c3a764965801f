/**
 * The policy service as a child process of the demo: embedded SQLite in the
 * demo's state dir, one generated admin token, loopback only. Detached into its
 * own process group so a Ctrl-C reaches the demo first, which then stops it.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface ServiceHandle {
  pid: number;
  url: string;
  token: string;
}

/** 7480 when free, else any free port (another engineer's service may hold 7480). */
export async function pickPort(preferred = 7480): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(null));
      s.listen(port, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0))!;
}

export function newToken(): string {
  return `msd_${randomBytes(24).toString('hex')}`;
}

export async function startService(opts: {
  entry: string;
  database: string;
  port: number;
  token: string;
  logFile: string;
  onPid?: (pid: number) => void;
}): Promise<ServiceHandle> {
  const log = openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, [opts.entry], {
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      MICROSEG_PORT: String(opts.port),
      MICROSEG_HOST: '127.0.0.1',
      MICROSEG_DATABASE: opts.database,
      MICROSEG_TOKENS: `demo-admin:${opts.token}:admin`,
      // Reconcile and observe often, so the demo shows flows soon.
      MICROSEG_AGENT_INTERVAL: '1s',
    },
  });
  closeSync(log);
  child.unref();
  const pid = child.pid!;
  opts.onPid?.(pid);
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? 1;
  });
  const url = `http://127.0.0.1:${opts.port}`;
  const t0 = Date.now();
  for (;;) {
    if (exited !== null) throw new Error(`the service exited (code ${exited}) while starting:\n${tail(opts.logFile)}`);
    try {
      const r = await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${opts.token}` } });
      if (r.ok) return { pid, url, token: opts.token };
    } catch {
      /* not listening yet */
    }
    if (Date.now() - t0 > 30_000)
      throw new Error(`the service did not answer on ${url} within 30 s; see ${opts.logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '(no log)';
  }
}

/** SIGTERM, then SIGKILL after 5 s; by pid only. */
export async function stopPid(pid: number): Promise<void> {
  // A zombie counts as gone: after `--keep` the service is orphaned, and PID 1 here may be slow to reap.
  const alive = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const t0 = Date.now();
  while (alive() && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
  if (alive())
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
}

/** A small JSON client with the demo's token. */
export async function api<T = any>(svc: { url: string; token: string }, path: string): Promise<T> {
  const r = await fetch(svc.url + path, { headers: { authorization: `Bearer ${svc.token}` } });
  const text = await r.text();
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}
