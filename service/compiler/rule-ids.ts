/**
 * Mapping rule ids (ct_label, cookies) back to rules, for monitoring. The ids
 * are the ones the store assigned (unique across rules, never reused while a
 * rule exists), so the map is unambiguous by construction. Pure.
 */
import type { PolicySnapshot, RuleModelKind } from '../model/snapshot';
import { decodeCookie, KIND_LAYER } from './pipeline';
import type { Layer } from '../model/verdicts';

export interface RuleRef {
  kind: RuleModelKind;
  name: string;
  id: number;
}

export function rulesOf(snapshot: PolicySnapshot): RuleRef[] {
  return [
    ...snapshot.quarantine_rules.map((r) => ({ kind: 'quarantine_rule' as const, name: r.name, id: r.id })),
    ...snapshot.isolation_rules.map((r) => ({ kind: 'isolation_rule' as const, name: r.name, id: r.id })),
    ...snapshot.application_rules.map((r) => ({ kind: 'application_rule' as const, name: r.name, id: r.id })),
    ...snapshot.shared_service_rules.map((r) => ({ kind: 'shared_service_rule' as const, name: r.name, id: r.id })),
  ];
}

/** layer → id → rule. */
export function ruleIndex(snapshot: PolicySnapshot): Map<Layer, Map<number, RuleRef>> {
  const index = new Map<Layer, Map<number, RuleRef>>();
  for (const ref of rulesOf(snapshot)) {
    const layer = KIND_LAYER[ref.kind];
    const byId = index.get(layer) ?? new Map<number, RuleRef>();
    byId.set(ref.id, ref);
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
