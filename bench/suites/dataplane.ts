/**
 * Dataplane: real packets between two lab VMs on different hosts (lab/:
 * namespaces, userspace ovs-vswitchd per host) through br.microseg programmed
 * by the service with the three-tier policy (in apply mode), against the same
 * lab with one `actions=NORMAL` flow per bridge, interleaved round by round:
 * TCP connections per second (sim/connrate.ts) and iperf3 throughput, web1 on
 * one host to app1 on the other, tcp/8080 (which the policy allows).
 *
 * Each round measures the two bridges back to back (microseg then NORMAL, the
 * next round NORMAL then microseg, so one switch a round and the order's own
 * bias cancels) and gives one paired ratio; the figure is the round with the
 * median ratio. The load of a shared machine drifts between rounds far more
 * than within one (medians of each side taken apart moved by ± 4 % from run
 * to run on byte-identical flows), and a paired ratio cancels that drift.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Lab, type LabSpec } from '../../lab/lab';
import { run, isRoot } from '../../lab/exec';
import { threeTierLayout } from '../../lab/layouts';
import { shopObjects } from '../../test/enforcement/three-tier-policy';
import { figure } from '../lib/figures';
import { median, percentile } from '../lib/measure';
import { startBenchService, type BenchService } from '../lib/service';
import { eventually } from '../../lab/eventually';
import { bundle } from '../lib/build';
import type { Suite } from '../lib/suite';

const PORT = 8080;

/** A long-running command in a namespace, resolved once its stdout shows `ready` (or at once). */
function daemon(ns: string, cmd: string, args: string[], ready?: RegExp): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      if (!ready || ready.test(out)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${cmd} in ${ns} exited (${code}): ${out.slice(-300)}`)));
    if (!ready) resolve(child);
  });
}

interface ReportedStatus {
  realized_generation: number | null;
  verified_generation: number | null;
  updated_at: string | null;
}

/**
 * Until every host's agent, in a report made after `since`, has realized and verified `generation`. A
 * stopped agent's last report still names the generation, so realized_generation alone passes at once
 * after a restart, and the burst then times the agents' start-up (replacing the NORMAL flow, the
 * verifier's traces, the first observation round) instead of the bridge.
 */
async function agentsSettled(svc: BenchService, generation: number, since: number): Promise<void> {
  await eventually(
    `every host realized and verified generation ${generation} after ${new Date(since).toISOString()}`,
    async () => {
      const s = await svc.api<{ hosts: { status: ReportedStatus }[] }>('GET', '/v1/status');
      return s.hosts.every(
        ({ status: h }) =>
          h.updated_at !== null &&
          Date.parse(h.updated_at) >= since &&
          h.realized_generation === generation &&
          h.verified_generation === generation,
      );
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
}

const stop = (c: ChildProcess | null) =>
  new Promise<void>((r) => {
    if (!c || c.exitCode !== null) return r();
    c.removeAllListeners('exit');
    c.once('exit', () => r());
    c.kill('SIGTERM');
  });

export const dataplaneSuite: Suite = {
  name: 'dataplane',
  figures: [
    { name: 'dataplane_conn_ratio', unit: 'connections/s', target: 0.9 },
    { name: 'dataplane_throughput_ratio', unit: 'Mbit/s', target: 0.9 },
  ],
  async run(ctx) {
    if (!isRoot()) throw new Error('the dataplane benchmark needs root (network namespaces, Open vSwitch)');
    // Odd, so the median is one round's pair. 7 rounds of 2 × (2 + 2) s keep the suite near 90 s.
    const seconds = 2;
    const rounds = ctx.quick ? 1 : 7;
    const base = threeTierLayout();
    // The echo ports of the layout, except the one iperf3 and connrate use.
    const spec: LabSpec = {
      ...base,
      prefix: `bd${process.pid % 100000}`,
      vms: base.vms.map((v) => ({ ...v, tcp: (v.tcp ?? []).filter((p) => p !== PORT) })),
    };
    const connrate = await bundle('bench/sim/connrate.ts');
    const lab = await Lab.up(spec);
    const svc = await startBenchService();
    let server: ChildProcess | null = null;
    try {
      const loaded = Date.now();
      for (const o of shopObjects(lab, 'apply')) await svc.api('POST', `/v1/${o[0]}`, o[1]);
      await agentsSettled(svc, svc.store.generation(), loaded);
      const src = lab.vm('web1');
      const dst = lab.vm('app1');
      if (src.host === dst.host) throw new Error('web1 and app1 must be on different hosts');
      const agents = svc.app.embeddedAgents!;
      const hosts = [...lab.hosts.keys()];

      const microseg = async () => {
        const since = Date.now();
        await agents.start();
        await agentsSettled(svc, svc.store.generation(), since);
      };
      const normal = async () => {
        await agents.stop();
        for (const h of hosts) {
          await lab.ofctl(h, 'del-flows');
          await lab.ofctl(h, 'add-flow', 'priority=0,actions=NORMAL');
        }
      };
      // Connections that timed out or were refused, per burst: a healthy burst has none.
      const failed: number[] = [];
      const connRate = async (): Promise<number> => {
        server = await daemon(dst.ns, process.execPath, [connrate, 'server', String(PORT)], /ready/);
        try {
          const out = await run(process.execPath, [connrate, 'client', dst.ip, String(PORT), String(seconds), '4'], {
            ns: src.ns,
            timeoutMs: (seconds + 10) * 1000,
          });
          const r = JSON.parse(out) as { connections: number; failed: number };
          if (r.connections === 0)
            throw new Error(`no connection web1 → app1:${PORT} went through (${r.failed} failed)`);
          failed.push(r.failed);
          return r.connections / seconds;
        } finally {
          await stop(server);
          server = null;
        }
      };
      const throughput = async (): Promise<number> => {
        // --forceflush: on a pipe iperf3 would hold back its "listening" line.
        server = await daemon(dst.ns, 'iperf3', ['-s', '-p', String(PORT), '--forceflush'], /listening/i);
        try {
          const out = await run('iperf3', ['-c', dst.ip, '-p', String(PORT), '-t', String(seconds), '-J'], {
            ns: src.ns,
            timeoutMs: (seconds + 15) * 1000,
          });
          const r = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
          return r.end.sum_received.bits_per_second / 1e6;
        } finally {
          await stop(server);
          server = null;
        }
      };

      interface Sample {
        conn: number;
        tput: number;
        failed: number;
      }
      const sample = async (): Promise<Sample> => {
        const conn = await connRate();
        return { conn, tput: await throughput(), failed: failed[failed.length - 1] };
      };
      const pairs: { a: Sample; b: Sample }[] = [];
      let onMicroseg = true;
      for (let r = 0; r < rounds; r++) {
        const pair = {} as { a: Sample; b: Sample };
        for (const side of r % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
          if ((side === 'a') !== onMicroseg) await (side === 'a' ? microseg() : normal());
          onMicroseg = side === 'a';
          pair[side] = await sample();
        }
        pairs.push(pair);
        const { a, b } = pair;
        ctx.log(
          `dataplane: round ${r + 1} (${r % 2 === 0 ? 'microseg first' : 'NORMAL first'}): ${a.conn.toFixed(0)} vs ${b.conn.toFixed(0)} connections/s (${(a.conn / b.conn).toFixed(3)}, failed ${a.failed} vs ${b.failed}), ${a.tput.toFixed(0)} vs ${b.tput.toFixed(0)} Mbit/s (${(a.tput / b.tput).toFixed(3)})`,
        );
      }
      /** The round whose paired ratio is the median, and the ratios' spread. */
      const medianPair = (of: (s: Sample) => number, label: string) => {
        const ratios = pairs.map((p) => of(p.a) / of(p.b));
        const sorted = [...ratios].sort((x, y) => x - y);
        const mid = pairs[ratios.indexOf(median(ratios))];
        const spread = `per-round ratios ${sorted[0].toFixed(3)}–${sorted[sorted.length - 1].toFixed(3)}, quartiles ${percentile(ratios, 25).toFixed(3)}–${percentile(ratios, 75).toFixed(3)}`;
        ctx.log(`dataplane: ${label}: median paired ratio ${median(ratios).toFixed(3)}, ${spread}`);
        return { value: of(mid.a), baseline: of(mid.b), spread };
      };
      const conn = medianPair((s) => s.conn, 'connections/s');
      const tput = medianPair((s) => s.tput, 'throughput');
      // Back to the policy, so the lab ends as the service left it.
      if (!onMicroseg) await microseg();
      const how = `the round with the median of ${rounds} paired ratios; baseline: the same lab with one actions=NORMAL flow per bridge, measured back to back with it in each round, order alternating`;
      const what = `web1 (${src.host}) → app1 (${dst.host}) tcp/${PORT}, two lab hosts (userspace datapath), br.microseg with the three-tier policy in apply mode`;
      return [
        figure({
          name: 'dataplane_conn_ratio',
          value: conn.value,
          unit: 'connections/s',
          baseline: conn.baseline,
          target: 0.9,
          targetOn: 'ratio',
          better: 'higher',
          note: `${what}, 4 parallel connect-close loops for ${seconds} s; ${how} (${conn.spread})`,
        }),
        figure({
          name: 'dataplane_throughput_ratio',
          value: tput.value,
          unit: 'Mbit/s',
          baseline: tput.baseline,
          target: 0.9,
          targetOn: 'ratio',
          better: 'higher',
          note: `${what}, iperf3 -t ${seconds} (one TCP stream); ${how} (${tput.spread})`,
        }),
      ];
    } finally {
      await stop(server);
      await svc.close();
      await lab.down();
    }
  },
};
