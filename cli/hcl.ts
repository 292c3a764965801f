/**
 * A rule recommendation (GET /v1/application-rules/NAME/recommendation) as
 * HCL to paste into a `microseg_application_rule`, formatted as
 * `terraform fmt` writes it. Pure.
 */
import type { EvidenceConnectionT, EvidenceT, RecommendationAnswer } from '../service/model/recommendation';
import { service } from './format';

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const str = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
const key = (k: string) => (IDENT.test(k) ? k : str(k));

/** A value on one line: `{ a = "x", b = ["y"] }`. */
function inline(v: unknown): string {
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => !isEmpty(x));
  return entries.length ? `{ ${entries.map(([k, x]) => `${key(k)} = ${inline(x)}`).join(', ')} }` : '{}';
}

const isEmpty = (x: unknown) => x === undefined || x === null || (Array.isArray(x) && x.length === 0);

const ORDER = ['from', 'to', 'services', 'service_groups'];

function connectionText(c: EvidenceConnectionT): string {
  return `${c.source} → ${c.destination} ${service(c)} (${c.count})`;
}

/** At most SHOWN connections, then how many more (--json lists them all). */
const SHOWN = 4;
function listed(cs: EvidenceConnectionT[]): string {
  const more = cs.length > SHOWN ? `, and ${cs.length - SHOWN} more` : '';
  return cs.slice(0, SHOWN).map(connectionText).join(', ') + more;
}

/** One entry as a block of aligned attributes, with a comment naming what it allows. */
function entryBlock(entry: Record<string, unknown>, evidence: EvidenceT | undefined): string[] {
  const attrs = ORDER.filter((k) => !isEmpty(entry[k]));
  const width = Math.max(...attrs.map((k) => k.length));
  const comment = !evidence
    ? []
    : evidence.kept
      ? ['    # kept: already in the rule']
      : [
          `    # ${evidence.connections.length} observed connection${evidence.connections.length === 1 ? '' : 's'}: ${listed(evidence.connections)}`,
        ];
  return ['  {', ...comment, ...attrs.map((k) => `    ${k.padEnd(width)} = ${inline(entry[k])}`), '  },'];
}

function list(name: string, entries: Record<string, unknown>[], evidence: EvidenceT[]): string[] {
  if (!entries.length) return [`${name} = []`];
  return [`${name} = [`, ...entries.flatMap((e, i) => entryBlock(e, evidence[i])), ']'];
}

export function recommendationHcl(r: RecommendationAnswer): string {
  const header = [
    `# microseg recommend ${r.rule}: ${r.connections} observed connection${r.connections === 1 ? '' : 's'} in the last ${r.window} that the rule does not allow now.`,
    '# Paste into resource "microseg_application_rule" (it keeps the rule\'s current entries), or assign',
    `# data.microseg_recommendation.<name>.inbound / .outbound.`,
  ];
  const outbound =
    r.outbound_policy === 'allow_listed'
      ? list('outbound', r.outbound as Record<string, unknown>[], r.evidence.outbound)
      : ['# outbound: the rule has outbound_policy = "allow_all", so no outbound entry is needed.'];
  return [...header, ...list('inbound', r.inbound as Record<string, unknown>[], r.evidence.inbound), ...outbound].join(
    '\n',
  );
}
