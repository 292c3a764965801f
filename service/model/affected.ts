/**
 * Which hosts one change can alter the policy of: the hosts whose agents
 * must realize it before the change is in force (the provider waits for
 * these, and only these). An over-approximation by design: a rule concerns
 * every host carrying an entity that any selector or peer of the rule picks,
 * on either side of the change. Pure.
 */
import type { Kind, SelectorT } from './schemas';
import { DEFAULT_QUARANTINE_TARGET } from './schemas';
import type { SnapshotEntity } from './snapshot';
import { referencesOf, type AnyBody, type Bodies, type ModelIndex } from './validate';
import { selectorMatches } from './match';

const NOT_RULES = new Set<Kind>(['category', 'address_group', 'service_group', 'host', 'entity']);
const ruleKinds = (model: ModelIndex) => (Object.keys(model) as Kind[]).filter((k) => !NOT_RULES.has(k));

/**
 * The entity selectors anywhere in a rule (every `categories` map of value
 * lists), or 'any' when some peer picks every entity. Walks the body rather
 * than naming fields, so every rule kind's selectors and peers are found.
 */
function selectorsOf(kind: Kind, body: AnyBody): SelectorT[] | 'any' {
  const out: SelectorT[] =
    kind === 'quarantine_rule' && !(body as Bodies['quarantine_rule']).target ? [DEFAULT_QUARANTINE_TARGET] : [];
  let any = false;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'any' && x === true) any = true;
        else if (k === 'categories' && x && typeof x === 'object' && Object.values(x).every(Array.isArray))
          out.push({ categories: x as SelectorT['categories'] });
        else walk(x);
      }
    }
  };
  walk(body);
  return any ? 'any' : out;
}

const asEntity = (e: Bodies['entity']): SnapshotEntity => ({ ...e, categories: e.categories ?? {} }) as SnapshotEntity;

function picks(selectors: SelectorT[] | 'any', entity: Bodies['entity']): boolean {
  return selectors === 'any' || selectors.some((s) => selectorMatches(s, asEntity(entity)));
}

function addRuleHosts(kind: Kind, body: AnyBody, model: ModelIndex, into: Set<string>): void {
  const selectors = selectorsOf(kind, body);
  for (const e of model.entity.values()) if (picks(selectors, e)) into.add(e.host);
}

/** The hosts that replacing `before` by `after` (null for a create or a delete) of `kind` affects, sorted. */
export function affectedHosts(kind: Kind, before: AnyBody | null, after: AnyBody | null, model: ModelIndex): string[] {
  const hosts = new Set<string>();
  const sides = [before, after].filter((b): b is AnyBody => b !== null);
  if (kind === 'host') {
    for (const b of sides) hosts.add(b.name);
  } else if (kind === 'entity') {
    const entities = sides as Bodies['entity'][];
    for (const e of entities) hosts.add(e.host);
    for (const rk of ruleKinds(model)) {
      for (const rule of model[rk].values()) {
        const selectors = selectorsOf(rk, rule);
        if (entities.some((e) => picks(selectors, e))) addRuleHosts(rk, rule, model, hosts);
      }
    }
  } else if (!NOT_RULES.has(kind)) {
    for (const b of sides) addRuleHosts(kind, b, model, hosts);
  } else {
    // A category, address group or service group: every rule that uses it, by either name.
    const names = new Set(sides.map((b) => b.name));
    for (const rk of ruleKinds(model)) {
      for (const rule of model[rk].values()) {
        if (referencesOf(rk, rule).some((r) => r.kind === kind && names.has(r.name)))
          addRuleHosts(rk, rule, model, hosts);
      }
    }
  }
  return [...hosts].sort();
}
