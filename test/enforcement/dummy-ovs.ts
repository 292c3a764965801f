/**
 * A throwaway OVS instance with the dummy datapath (no kernel devices, no
 * namespace): for testing the agent's loop against a real ovs-vswitchd fast.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { startOvsdb, startVswitchd, stopOvsdb, stopVswitchd, vsctl } from '../../lab/ovs';
import { OvsDriver } from '../../service/agent/ovs-driver';

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

/**
 * A second bridge `br.full` on the same daemon whose ports (`f-<name>`) get the same numbers as `ports`:
 * flows compiled for the first bridge load there unchanged, to compare a bridge with a full load.
 */
export async function addReferenceBridge(ovs: DummyOvs, ports: Record<string, number>): Promise<OvsDriver> {
  await vsctl(ovs.rundir, ['add-br', 'br.full', '--', 'set', 'bridge', 'br.full', 'datapath_type=dummy']);
  for (const [p, ofport] of Object.entries(ports))
    await vsctl(ovs.rundir, [
      'add-port',
      'br.full',
      `f-${p}`,
      '--',
      'set',
      'interface',
      `f-${p}`,
      'type=dummy',
      `ofport_request=${ofport}`,
    ]);
  return new OvsDriver({ rundir: ovs.rundir, bridge: 'br.full' });
}
