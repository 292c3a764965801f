/**
 * Mapping rule ids (ct_label, cookies) back to rules, for monitoring and for
 * the compiler's collision check. Pure.
 */
import type { PolicySnapshot } from '../model/snapshot';
import { decodeCookie, KIND_LAYER, ruleId, type MarkLayer, type RuleKind } from './pipeline';

export interface RuleRef { kind: RuleKind; name: string }

export function rulesOf(snapshot: PolicySnapshot): RuleRef[] {
  return [
    ...snapshot.quarantine_rules.map((r) => ({ kind: 'quarantine_rule' as const, name: r.name })),
    ...snapshot.isolation_rules.map((r) => ({ kind: 'isolation_rule' as const, name: r.name })),
    ...snapshot.application_rules.map((r) => ({ kind: 'application_rule' as const, name: r.name })),
    ...snapshot.shared_service_rules.map((r) => ({ kind: 'shared_service_rule' as const, name: r.name })),
  ];
}

/** layer → id → rule. Throws if two rules of one kind hash to one id (then rename one; never seen in practice). */
export function ruleIndex(snapshot: PolicySnapshot): Map<MarkLayer, Map<number, RuleRef>> {
  const index = new Map<MarkLayer, Map<number, RuleRef>>();
  for (const ref of rulesOf(snapshot)) {
    const layer = KIND_LAYER[ref.kind];
    const byId = index.get(layer) ?? new Map<number, RuleRef>();
    const id = ruleId(ref.kind, ref.name);
    const clash = byId.get(id);
    if (clash) throw new Error(`rule id collision between ${clash.kind} ${clash.name} and ${ref.kind} ${ref.name}`);
    byId.set(id, ref);
    index.set(layer, byId);
  }
  return index;
}

/** The rule a flow's cookie names; null for the base pipeline, a no-part flow, or a foreign cookie. */
export function ruleForCookie(snapshot: PolicySnapshot, cookie: bigint | string): RuleRef | null {
  const decoded = decodeCookie(cookie);
  if (!decoded || decoded.ruleId === 0) return null;
  return ruleIndex(snapshot).get(decoded.layer)?.get(decoded.ruleId) ?? null;
}

/** The rule a conntrack entry names: layer from ct_mark (decodeMark), id from ct_label (decodeLabel). */
export function ruleForLabel(snapshot: PolicySnapshot, layer: MarkLayer, id: number): RuleRef | null {
  if (id === 0) return null;
  return ruleIndex(snapshot).get(layer)?.get(id) ?? null;
}
