/**
 * The reachability matrix measured with real packets next to explain()'s
 * verdict for the same connection. A cell agrees when the packets got through
 * exactly when explain() says allow or would-deny (monitor forwards).
 */
import { explain } from '../../service/policy/explain';
import type { PolicySnapshot } from '../../service/model/snapshot';
import type { Lab } from '../../lab/lab';
import { measureMatrix, reprobeDoubtful, serviceLabel, type MatrixCell, type MatrixServices } from '../../lab/matrix';
import { OFFICE, measureFromOffice, probeFromOffice, type Office } from './office';
import type { Verdict, Layer } from '../../service/model/verdicts';

export interface CheckedCell extends MatrixCell {
  verdict: Verdict;
  layer: Layer;
  rule: string | null;
  agrees: boolean;
}

/** `addresses`: names that are not entities (the office) → the IP explain() is asked about. */
export function explainCells(
  snapshot: PolicySnapshot,
  cells: MatrixCell[],
  addresses: Record<string, string> = {},
): CheckedCell[] {
  return cells.map((c) => {
    const src = addresses[c.src] ?? c.src;
    const e = explain(
      snapshot,
      c.protocol === 'icmp'
        ? { src, dst: c.dst, protocol: 'icmp', icmp_type: 8, icmp_code: 0 }
        : { src, dst: c.dst, protocol: c.protocol, port: c.port },
    );
    return { ...c, verdict: e.verdict, layer: e.layer, rule: e.rule, agrees: c.open === (e.verdict !== 'deny') };
  });
}

/**
 * Every ordered VM pair, plus office → every VM, measured at once, each beside explain().
 * Cells measured closed that explain() says are open are probed once more with 3 s, as the tests do.
 */
export async function checkedMatrix(
  lab: Lab,
  office: Office,
  snapshot: PolicySnapshot,
  services: MatrixServices,
  timeoutMs = 1000,
): Promise<CheckedCell[]> {
  const vms = [...lab.vms.values()].map((v) => ({ name: v.name, ip: v.ip }));
  const [inside, fromOffice] = await Promise.all([
    measureMatrix(lab, services, timeoutMs),
    measureFromOffice(office, vms, services, timeoutMs),
  ]);
  const cells = explainCells(snapshot, [...inside, ...fromOffice], { [OFFICE.name]: OFFICE.ip });
  const ipOf = new Map(vms.map((v) => [v.name, v.ip]));
  await reprobeDoubtful(
    cells,
    (c) => c.verdict !== 'deny',
    async (cs, ms) => {
      const [lan, off] = [cs.filter((c) => c.src !== OFFICE.name), cs.filter((c) => c.src === OFFICE.name)];
      const [a, b] = await Promise.all([
        lab.probeAll(lan, ms),
        probeFromOffice(
          office,
          off.map((c) => ({ ...c, ip: ipOf.get(c.dst)! })),
          ms,
        ),
      ]);
      return cs.map((c) => (c.src === OFFICE.name ? b[off.indexOf(c)] : a[lan.indexOf(c)]));
    },
  );
  for (const c of cells) c.agrees = c.open === (c.verdict !== 'deny');
  return cells;
}

const LETTER: Record<Verdict, string> = { allow: 'A', 'would-deny': 'W', deny: 'D' };

/** One grid per service: rows are sources, columns destinations; cell = measured + explain letter. */
export function formatChecked(cells: CheckedCell[], names: string[], sources: string[] = names): string {
  const services = [...new Set(cells.map((c) => serviceLabel(c)))];
  const w = Math.max(6, ...sources.map((n) => n.length)) + 1;
  const out: string[] = [
    'legend: ● open / · closed (real packets) + explain(): A allow, W would-deny, D deny; ✗ = they disagree',
    '',
  ];
  for (const s of services) {
    out.push(`${s.padEnd(w)}  ${names.map((n) => n.padEnd(w)).join('')}`.trimEnd());
    for (const src of sources) {
      const row = names.map((dst) => {
        if (src === dst) return '-'.padEnd(w);
        const c = cells.find((x) => x.src === src && x.dst === dst && serviceLabel(x) === s);
        if (!c) return ' '.padEnd(w);
        return `${c.open ? '●' : '·'}${LETTER[c.verdict]}${c.agrees ? '' : '✗'}`.padEnd(w);
      });
      out.push(`  ${src.padEnd(w)}${row.join('')}`.trimEnd());
    }
    out.push('');
  }
  return out.join('\n');
}

/** "quarantine forensic 40, isolation prod-dev 28, …": which layer and rule decided how many cells. */
export function decidedBy(cells: CheckedCell[]): string {
  const n = new Map<string, number>();
  for (const c of cells) {
    const k = c.rule ? `${c.layer} "${c.rule}"` : c.layer;
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  const order = ['quarantine', 'isolation', 'application', 'default'];
  return [...n]
    .sort(([a], [b]) => order.indexOf(a.split(' ')[0]) - order.indexOf(b.split(' ')[0]) || a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

export function summarize(cells: CheckedCell[]): {
  agree: number;
  total: number;
  disagreements: string[];
  byVerdict: Record<Verdict, number>;
} {
  const byVerdict: Record<Verdict, number> = { allow: 0, 'would-deny': 0, deny: 0 };
  for (const c of cells) byVerdict[c.verdict] += 1;
  const bad = cells.filter((c) => !c.agrees);
  return {
    agree: cells.length - bad.length,
    total: cells.length,
    disagreements: bad.map(
      (c) =>
        `${c.src} → ${c.dst} ${serviceLabel(c)}: packets ${c.open ? 'open' : 'closed'}, explain ${c.verdict}${c.rule ? ` (${c.rule})` : ''}`,
    ),
    byVerdict,
  };
}
