/** Plain-text tables and lines for the CLI. Pure functions. */
import type { FlowRecord } from '../service/model/observation';
import type { HostStatus } from '../service/model/host-status';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export const service = (f: Pick<FlowRecord, 'protocol' | 'port'>) => (f.port === null ? f.protocol : `${f.protocol}/${f.port}`);

export function flowRow(f: FlowRecord): string[] {
  return [f.last_seen.replace('T', ' ').replace(/\.[0-9]+Z$/, 'Z'), f.source, f.destination, service(f), f.verdict.toUpperCase() === 'WOULD-DENY' ? 'WOULD-DENY' : f.verdict, f.rule ? `${f.rule_kind ? `${f.rule_kind}:` : ''}${f.rule}` : '-', String(f.count)];
}
export const FLOW_HEADERS = ['LAST SEEN', 'SOURCE', 'DESTINATION', 'SERVICE', 'VERDICT', 'RULE', 'COUNT'];

export interface StatusBody {
  generation: number;
  hosts: { name: string; status: HostStatus }[];
}

export function statusText(s: StatusBody): string {
  const rows = s.hosts.map((h) => {
    const st = h.status;
    const state = !st.reachable ? 'UNREACHABLE' : st.realized_generation === st.desired_generation ? 'in sync' : 'LAGGING';
    return [h.name, state, String(st.desired_generation), st.realized_generation === null ? '-' : String(st.realized_generation), st.flow_count === null ? '-' : String(st.flow_count), st.last_error ?? ''];
  });
  // What an agent had to correct (the bridge's fail mode…): one line per host, under the table.
  const notes = s.hosts.filter((h) => h.status.notice).map((h) => `note ${h.name}: ${h.status.notice}`);
  return [`policy generation ${s.generation}`, s.hosts.length ? table(['HOST', 'STATE', 'DESIRED', 'REALIZED', 'FLOWS', 'LAST ERROR'], rows) : '(no hosts)', ...notes].join('\n');
}

/** `tcp/5432`, `udp/53`, `icmp`, `icmp/8` (type), `icmpv6/128`. */
export function parseService(text: string): { protocol: string; port?: string; icmp_type?: string } {
  const m = text.match(/^(tcp|udp|icmp|icmpv6)(?:\/([0-9]{1,5}))?$/);
  if (!m) throw new Error(`service must be tcp/PORT, udp/PORT, icmp[/TYPE] or icmpv6[/TYPE], got "${text}"`);
  const [, protocol, n] = m;
  if ((protocol === 'tcp' || protocol === 'udp') && n === undefined) throw new Error(`${protocol} needs a port, e.g. ${protocol}/443`);
  if (protocol === 'tcp' || protocol === 'udp') return { protocol, port: n };
  return n === undefined ? { protocol } : { protocol, icmp_type: n };
}

export function explainText(src: string, dst: string, svc: string, r: { verdict: string; layer: string; rule: string | null; mode: string | null }): string {
  const by = r.rule ? `${r.layer} rule ${r.rule} (${r.mode})` : `${r.layer}: no rule matched`;
  return `${src} → ${dst} ${svc}: ${r.verdict.toUpperCase()} — ${by}`;
}
