/**
 * One Open vSwitch instance per lab host: its own run directory, ovsdb-server
 * and a userspace ovs-vswitchd inside the host's namespace (one vswitchd per
 * namespace: a second one in the same namespace fails creating its tap device,
 * "Device or resource busy"). Stopped by pid, never by name.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, tryRun, pidAlive } from './exec';
import { eventually } from './eventually';

const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

export function ovsEnv(rundir: string): NodeJS.ProcessEnv {
  return { ...process.env, OVS_RUNDIR: rundir, OVS_LOGDIR: rundir, OVS_DBDIR: rundir, OVS_SYSCONFDIR: rundir };
}

export function readPid(rundir: string, daemon: 'ovsdb-server' | 'ovs-vswitchd'): number | null {
  const f = join(rundir, `${daemon}.pid`);
  if (!existsSync(f)) return null;
  const pid = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** ovs-vsctl against this instance's database. */
export function vsctl(rundir: string, args: string[], timeoutMs = 10000): Promise<string> {
  return run('ovs-vsctl', [`--db=unix:${rundir}/db.sock`, `--timeout=${Math.ceil(timeoutMs / 1000)}`, ...args], {
    env: ovsEnv(rundir),
    timeoutMs: timeoutMs + 2000,
  });
}

/** `ns` undefined: in the current namespace (dummy-datapath instances need no namespace). */
export async function startOvsdb(ns: string | undefined, rundir: string): Promise<number> {
  const env = ovsEnv(rundir);
  await run('ovsdb-tool', ['create', `${rundir}/conf.db`, SCHEMA], { env });
  await run(
    'ovsdb-server',
    [
      '--detach',
      '--no-chdir',
      `--pidfile=${rundir}/ovsdb-server.pid`,
      `--log-file=${rundir}/ovsdb-server.log`,
      `--remote=punix:${rundir}/db.sock`,
      `${rundir}/conf.db`,
    ],
    { ns, env },
  );
  await vsctl(rundir, ['--no-wait', 'init']);
  return mustPid(rundir, 'ovsdb-server');
}

/** `extra`: e.g. ['--enable-dummy=override'] for simulated ports. */
export async function startVswitchd(ns: string | undefined, rundir: string, extra: string[] = []): Promise<number> {
  await run(
    'ovs-vswitchd',
    [
      '--detach',
      '--no-chdir',
      `--pidfile=${rundir}/ovs-vswitchd.pid`,
      `--log-file=${rundir}/ovs-vswitchd.log`,
      '--disable-system',
      ...extra,
      `unix:${rundir}/db.sock`,
    ],
    { ns, env: ovsEnv(rundir) },
  );
  return mustPid(rundir, 'ovs-vswitchd');
}

function mustPid(rundir: string, daemon: 'ovsdb-server' | 'ovs-vswitchd'): number {
  const pid = readPid(rundir, daemon);
  if (pid === null) throw new Error(`${daemon} in ${rundir} started but wrote no pid file`);
  return pid;
}

/** Asks vswitchd to exit through its control socket, then makes sure its pid is gone. */
export async function stopVswitchd(
  rundir: string,
  pid: number | null = readPid(rundir, 'ovs-vswitchd'),
): Promise<void> {
  if (pid === null) return;
  await tryRun('ovs-appctl', ['-t', `${rundir}/ovs-vswitchd.${pid}.ctl`, 'exit'], { timeoutMs: 5000 });
  await killPid(pid, 'ovs-vswitchd');
}

export async function stopOvsdb(rundir: string, pid: number | null = readPid(rundir, 'ovsdb-server')): Promise<void> {
  if (pid !== null) await killPid(pid, 'ovsdb-server');
}

/** Kills `pid` only if it is still the named program (a recorded pid may have been reused). */
export async function killPid(pid: number, expectedComm: string): Promise<void> {
  const commOf = () => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return null;
    }
  };
  // /proc/<pid>/comm is truncated to 15 chars.
  const matches = () => {
    const c = commOf();
    return c !== null && expectedComm.startsWith(c);
  };
  if (!matches()) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const gone = () => !pidAlive(pid) || !matches();
  if (
    !(await eventually(`pid ${pid} exits on SIGTERM`, gone, { timeoutMs: 2500, intervalMs: 50 }).catch(() => false))
  ) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Creates br.microseg-style bridge: userspace datapath, secure fail mode (no flows = no traffic). */
export async function addBridge(rundir: string, bridge: string): Promise<void> {
  await vsctl(rundir, [
    '--may-exist',
    'add-br',
    bridge,
    '--',
    'set',
    'bridge',
    bridge,
    'datapath_type=netdev',
    'fail-mode=secure',
  ]);
}

export async function addPort(rundir: string, bridge: string, port: string): Promise<void> {
  await vsctl(rundir, ['--may-exist', 'add-port', bridge, port]);
}

export async function delPort(rundir: string, bridge: string, port: string): Promise<void> {
  await vsctl(rundir, ['--if-exists', 'del-port', bridge, port]);
}
