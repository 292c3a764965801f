/** Plain-text tables and lines for the CLI. Pure functions. */
import type { FlowRecord } from '../service/model/observation';
import type { HostStatus } from '../service/model/host-status';
import { hasPorts, isIcmp, protocolNumber } from '../service/model/protocols';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export const service = (f: Pick<FlowRecord, 'protocol' | 'port'>) =>
  f.port === null ? f.protocol : `${f.protocol}/${f.port}`;

export function flowRow(f: FlowRecord): string[] {
  return [
    f.last_seen.replace('T', ' ').replace(/\.[0-9]+Z$/, 'Z'),
    f.source,
    f.destination,
    service(f),
    f.verdict.toUpperCase() === 'WOULD-DENY' ? 'WOULD-DENY' : f.verdict,
    f.rule ? `${f.rule_kind ? `${f.rule_kind}:` : ''}${f.rule}` : '-',
    String(f.count),
  ];
}
export const FLOW_HEADERS = ['LAST SEEN', 'SOURCE', 'DESTINATION', 'SERVICE', 'VERDICT', 'RULE', 'COUNT'];

export interface StatusBody {
  generation: number;
  hosts: { name: string; status: HostStatus }[];
}

export function statusText(s: StatusBody): string {
  const rows = s.hosts.map((h) => {
    const st = h.status;
    const state = !st.reachable
      ? 'UNREACHABLE'
      : st.realized_generation === st.desired_generation
        ? 'in sync'
        : 'LAGGING';
    return [
      h.name,
      state,
      String(st.desired_generation),
      st.realized_generation === null ? '-' : String(st.realized_generation),
      st.flow_count === null ? '-' : String(st.flow_count),
      st.last_error ?? '',
    ];
  });
  // What an agent had to correct (the bridge's fail mode…): one line per host, under the table.
  const notes = s.hosts.filter((h) => h.status.notice).map((h) => `note ${h.name}: ${h.status.notice}`);
  return [
    `policy generation ${s.generation}`,
    s.hosts.length ? table(['HOST', 'STATE', 'DESIRED', 'REALIZED', 'FLOWS', 'LAST ERROR'], rows) : '(no hosts)',
    ...notes,
  ].join('\n');
}

/** `tcp/5432`, `udp/53`, `sctp/3868`, `icmp`, `icmp/8` (type), `icmpv6/128`, `gre`, `47`. */
export function parseService(text: string): { protocol: string; port?: string; icmp_type?: string } {
  const m = text.match(/^([a-z0-9]+)(?:\/([0-9]{1,5}))?$/);
  const usage = `service must be tcp/PORT, udp/PORT, sctp/PORT, icmp[/TYPE], icmpv6[/TYPE] or an IP protocol by name or number (gre, 47), got "${text}"`;
  if (!m || protocolNumber(m[1]) === null) throw new Error(usage);
  const [, protocol, n] = m;
  if (hasPorts(protocol)) {
    if (n === undefined) throw new Error(`${protocol} needs a port, e.g. ${protocol}/443`);
    return { protocol, port: n };
  }
  if (isIcmp(protocol)) return n === undefined ? { protocol } : { protocol, icmp_type: n };
  if (n !== undefined) throw new Error(usage);
  return { protocol };
}

export interface ExplainAnswer {
  verdict: string;
  layer: string;
  rule: string | null;
  mode: string | null;
  drafts?: { kind: string; rule: string; verdict: string }[];
}

export function explainText(src: string, dst: string, svc: string, r: ExplainAnswer): string {
  const by = r.rule
    ? `${r.layer} rule ${r.rule} (${r.mode})`
    : r.layer === 'quarantine'
      ? 'quarantine: an end is in Quarantine: Strict (no traffic at all)'
      : `${r.layer}: no rule matched`;
  const drafts = (r.drafts ?? []).map(
    (d) => `${d.kind.replace(/_rule$/, '').replace(/_/g, '-')} ${d.rule} → ${d.verdict}`,
  );
  return `${src} → ${dst} ${svc}: ${r.verdict.toUpperCase()} — ${by}${drafts.length ? `; drafts (off) that would decide it: ${drafts.join(', ')}` : ''}`;
}

export interface TraceAnswer {
  explain: ExplainAnswer;
  bridge: { verdict: string; layer: string | null; rule: string | null; dropped_at: string | null };
  agree: boolean;
  path: {
    host: string;
    role: string;
    generation: number | null;
    flow: string;
    forwarded: boolean;
    tables: {
      table: number;
      name: string | null;
      matched: boolean;
      priority: number | null;
      rule: { kind: string; name: string } | null;
    }[];
  }[];
}

/** The path table by table on each host, the bridge's verdict, explain()'s, and whether they agree. */
export function traceText(src: string, dst: string, svc: string, r: TraceAnswer): string {
  const lines = [`${src} → ${dst} ${svc}`];
  for (const p of r.path) {
    lines.push(`host ${p.host} (${p.role} end, generation ${p.generation ?? '-'}): ofproto/trace ${p.flow}`);
    const rows = p.tables.map((t) => [
      String(t.table),
      t.name ?? '(not in the pipeline)',
      t.matched ? `priority ${t.priority ?? '-'}` : 'no match: drop',
      t.rule ? `${t.rule.kind.replace(/_rule$/, '').replace(/_/g, '-')} rule ${t.rule.name}` : '',
    ]);
    lines.push(
      table(['TABLE', 'NAME', 'FLOW', 'RULE (cookie)'], rows)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
    lines.push(`  → ${p.forwarded ? 'forwarded' : 'dropped'}`);
  }
  const b = r.bridge;
  const rule = (layer: string | null, name: string | null) => (name ? ` — ${layer} rule ${name}` : '');
  lines.push(
    `bridge:  ${b.verdict.toUpperCase()}${rule(b.layer, b.rule)}${b.dropped_at ? ` (dropped in ${b.dropped_at})` : ''}`,
    `explain: ${r.explain.verdict.toUpperCase()}${rule(r.explain.layer, r.explain.rule)}`,
    r.agree ? 'agree: yes' : 'agree: NO — the bridge does not do what the policy says',
  );
  return lines.join('\n');
}

/** The line `microseg trace` prints on stderr when the bridge and explain() disagree. */
export function traceDisagreement(r: TraceAnswer): string {
  const side = (v: { verdict: string; rule: string | null }) =>
    `${v.verdict.toUpperCase()}${v.rule ? ` (rule ${v.rule})` : ''}`;
  return `the bridge and explain() disagree: bridge ${side(r.bridge)}, explain() ${side(r.explain)}`;
}
