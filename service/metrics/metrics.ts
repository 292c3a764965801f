/**
 * Prometheus metrics of one service instance (its own prom-client Registry,
 * so several apps in one process, as in tests, do not collide). Host gauges
 * are computed at scrape time from the store's host status board.
 */
import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import type { Verdict } from '../model/verdicts';
import type { HostStatus } from '../model/host-status';

export type HostStatusSample = HostStatus & { host: string };

export interface MetricsSources {
  generation: () => number;
  hosts: () => Promise<HostStatusSample[]>;
  flowStore: () => Promise<{ entries: number; max: number; dropped: number; expired: number }>;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status_code'>;
  private readonly observed: Counter<'verdict'>;
  private readonly agentErrors: Counter<'host'>;
  private readonly ruleLogDrops: Counter<'sink'>;
  private readonly lastErrors = new Map<string, string | null>();
  /** Route patterns, methods and statuses are bounded, so are these. */
  private readonly requestLabels = new Map<string, { method: string; route: string; status_code: string }>();

  constructor(sources: MetricsSources, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'microseg_' });

    new Gauge({
      name: 'microseg_policy_generation',
      help: 'The current policy generation.',
      registers,
      collect() {
        this.set(sources.generation());
      },
    });

    const hostGauge = (name: string, help: string, value: (s: HostStatusSample) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['host'],
        registers,
        async collect() {
          this.reset();
          for (const s of await sources.hosts()) {
            const v = value(s);
            if (v !== null) this.set({ host: s.host }, v);
          }
        },
      });
    hostGauge(
      'microseg_host_realization_lag',
      'Desired minus realized policy generation per host (the desired generation when nothing is realized yet).',
      (s) => s.desired_generation - (s.realized_generation ?? 0),
    );
    hostGauge(
      'microseg_host_realized_generation',
      'The policy generation programmed on the host bridge (absent until reported).',
      (s) => s.realized_generation,
    );
    hostGauge(
      'microseg_host_drift_repairs',
      'Out-of-band bridge changes the host agent repaired (cumulative, as the agent reports).',
      (s) => s.drift_repairs,
    );
    hostGauge(
      'microseg_host_verified_generation',
      "The last generation whose sampled connections' traces on the host bridge agreed with explain() (absent until verified).",
      (s) => s.verified_generation,
    );
    hostGauge(
      'microseg_host_verify_disagreements',
      "Connections of the agent's last verification whose traced verdict differs from explain()'s.",
      (s) => (s.updated_at === null ? null : s.verify_disagreements.length),
    );
    hostGauge('microseg_host_flows', 'Flows on the host bridge.', (s) => s.flow_count);
    hostGauge('microseg_host_reachable', '1 when the host agent reaches its Open vSwitch.', (s) =>
      s.reachable ? 1 : 0,
    );
    hostGauge('microseg_host_agent_error', '1 when the host agent reports an error now.', (s) =>
      s.last_error ? 1 : 0,
    );

    this.ruleLogDrops = new Counter({
      name: 'microseg_rule_log_dropped_total',
      help: 'Rule log lines dropped because their sink (stream, syslog) was behind by its whole queue.',
      labelNames: ['sink'],
      registers,
    });
    this.agentErrors = new Counter({
      name: 'microseg_agent_errors_total',
      help: 'Distinct errors reported by host agents (a repeated identical error counts once).',
      labelNames: ['host'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'microseg_http_request_duration_seconds',
      help: 'API latency by route.',
      labelNames: ['method', 'route', 'status_code'],
      registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.observed = new Counter({
      name: 'microseg_connections_observed_total',
      help: 'Connections observed in conntrack, by verdict.',
      labelNames: ['verdict'],
      registers,
    });
    for (const v of ['allow', 'deny', 'would-deny']) this.observed.inc({ verdict: v }, 0);

    const flowGauge = (
      name: string,
      help: string,
      pick: (f: Awaited<ReturnType<MetricsSources['flowStore']>>) => number,
    ) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(pick(await sources.flowStore()));
        },
      });
    flowGauge('microseg_flow_records', 'Aggregated observed-connection rows held.', (f) => f.entries);
    flowGauge('microseg_flow_records_max', 'The configured bound on aggregated rows.', (f) => f.max);
    flowGauge(
      'microseg_flow_records_dropped',
      'Rows dropped (oldest first) because the history was full.',
      (f) => f.dropped,
    );
    flowGauge('microseg_flow_records_expired', 'Rows removed after the retention period.', (f) => f.expired);
  }

  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    // One labels object per series, made once: this runs for every request.
    const key = `${method} ${statusCode} ${route}`;
    let labels = this.requestLabels.get(key);
    if (!labels) this.requestLabels.set(key, (labels = { method, route, status_code: String(statusCode) }));
    this.requestSeconds.observe(labels, seconds);
  }

  connectionsObserved(counts: Record<Verdict, number>): void {
    for (const [verdict, n] of Object.entries(counts)) if (n > 0) this.observed.inc({ verdict }, n);
  }

  ruleLogDropped(sink: string, lines: number): void {
    this.ruleLogDrops.inc({ sink }, lines);
  }

  /** Called with each agent status report; counts an error when it differs from the host's previous one. */
  agentStatus(host: string, lastError: string | null): void {
    if (lastError && this.lastErrors.get(host) !== lastError) this.agentErrors.inc({ host });
    this.lastErrors.set(host, lastError);
  }
}
