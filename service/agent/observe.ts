/**
 * The observation step an agent runs after each reconcile pass: one
 * ObservationReporter per host (it remembers the previous dump, so only new
 * connections count), fed by the host's OVS and sent through the agent link
 * (in process, or over HTTP for standalone agents: http-link.ts).
 *
 * For EmbeddedAgents: `afterPass: observationAfterPass({ link, decoderFor })`.
 *
 * A round costs two socket requests and no process (`dpctl/dump-conntrack -m` on
 * ovs-vswitchd's control socket, one OpenFlow flow-stats request for the counters:
 * reporter.ts ovsDumpers) and a walk over the host's conntrack table, so it runs at
 * its own, slower interval (`intervalMs`, default 5 s), not on every reconcile pass.
 * A round that finds no connection and unchanged counters sends nothing (at most
 * one such quiet report a minute), so an idle host costs the service no write.
 */
import type { PolicySnapshot } from '../model/snapshot';
import { ObservationReporter, ovsDumpers, type ObservationDecoder } from './reporter';
import type { ObservationReportT } from '../model/observation';

export interface ObservationLink {
  fetchPolicy(): Promise<PolicySnapshot>;
  reportObservations?(host: string, report: ObservationReportT): Promise<void>;
}

export const OBSERVE_INTERVAL_DEFAULT_MS = 5000;

export interface ObservationHookOptions {
  link: ObservationLink;
  /** At most one round per host this often (default OBSERVE_INTERVAL_DEFAULT_MS). */
  intervalMs?: number;
  /** The decoder for the policy the bridge runs (service/agent/decode.ts: pipelineDecoder). */
  decoderFor: (snapshot: PolicySnapshot) => ObservationDecoder;
  /** A round with nothing new sends nothing unless the last report is this old (reporter.ts; default 60 s). */
  quietMs?: number;
}

export function observationAfterPass(
  opts: ObservationHookOptions,
): (host: string, rundir: string | undefined, bridge: string) => Promise<void> {
  const reporters = new Map<string, { reporter: ObservationReporter; where: string; last: number }>();
  // A decoder indexes the whole view: built once per snapshot (the link hands the same object until it changes).
  const decoders = new WeakMap<PolicySnapshot, ObservationDecoder>();
  const decoderOf = (snapshot: PolicySnapshot) => {
    let d = decoders.get(snapshot);
    if (!d) decoders.set(snapshot, (d = opts.decoderFor(snapshot)));
    return d;
  };
  const every = opts.intervalMs ?? OBSERVE_INTERVAL_DEFAULT_MS;
  const send = (host: string, report: ObservationReportT) => {
    if (!opts.link.reportObservations) return Promise.resolve(); // a service without the monitoring plugin
    return opts.link.reportObservations(host, report);
  };
  return async (host, rundir, bridge) => {
    const where = `${rundir ?? ''}|${bridge}`;
    let r = reporters.get(host);
    if (!r || r.where !== where) {
      const dumpers = ovsDumpers(bridge, rundir);
      r = {
        where,
        last: 0,
        reporter: new ObservationReporter({
          host,
          ...dumpers,
          decoder: async () => decoderOf(await opts.link.fetchPolicy()),
          send,
          quietMs: opts.quietMs,
        }),
      };
      reporters.set(host, r);
    }
    if (Date.now() - r.last < every) return;
    r.last = Date.now();
    await r.reporter.tick();
  };
}
