/**
 * A throwaway OVS instance with the dummy datapath (no kernel devices, no
 * namespace): for testing the agent's loop against a real ovs-vswitchd fast.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { startOvsdb, startVswitchd, stopOvsdb, stopVswitchd, vsctl } from '../../lab/ovs';

export interface DummyOvs {
  rundir: string;
  bridge: string;
  addPort(name: string): Promise<void>;
  restartVswitchd(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDummyOvs(bridge = 'br.microseg', ports: string[] = []): Promise<DummyOvs> {
  const rundir = mkdtempSync('/tmp/msdo-');
  const stop = async () => {
    await stopVswitchd(rundir);
    await stopOvsdb(rundir);
    rmSync(rundir, { recursive: true, force: true });
  };
  try {
    await startOvsdb(undefined, rundir);
    await startVswitchd(undefined, rundir, ['--enable-dummy=override']);
    await vsctl(rundir, ['add-br', bridge, '--', 'set', 'bridge', bridge, 'datapath_type=dummy', 'fail-mode=secure']);
    const addPort = (name: string) =>
      vsctl(rundir, ['add-port', bridge, name, '--', 'set', 'interface', name, 'type=dummy']).then(() => undefined);
    for (const p of ports) await addPort(p);
    return {
      rundir,
      bridge,
      addPort,
      restartVswitchd: async () => {
        await stopVswitchd(rundir);
        await startVswitchd(undefined, rundir, ['--enable-dummy=override']);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
