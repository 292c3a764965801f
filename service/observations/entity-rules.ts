/** The rules whose target, isolation group or shared-service providers hold one entity, for its page. Pure. */
import type { PolicySnapshot, SnapshotEntity } from '../model/snapshot';
import { selectorMatches } from '../model/match';
import { byName, type RuleKind } from '../model/verdicts';

export interface EntityRule {
  kind: RuleKind;
  name: string;
  mode: string;
  as: string;
}

export function rulesTargeting(snapshot: PolicySnapshot, entity: SnapshotEntity): EntityRule[] {
  const out: EntityRule[] = [];
  for (const r of [...snapshot.quarantine_rules].sort(byName))
    if (selectorMatches(r.target, entity)) out.push({ kind: 'quarantine', name: r.name, mode: r.mode, as: 'target' });
  for (const r of [...snapshot.isolation_rules].sort(byName)) {
    r.groups.forEach((g, i) => {
      if (selectorMatches(g, entity)) out.push({ kind: 'isolation', name: r.name, mode: r.mode, as: `group ${i + 1}` });
    });
  }
  for (const r of [...snapshot.shared_service_rules].sort(byName)) {
    if (selectorMatches(r.providers, entity))
      out.push({ kind: 'shared_service', name: r.name, mode: r.mode, as: 'provider' });
  }
  for (const r of [...snapshot.application_rules].sort(byName))
    if (selectorMatches(r.target, entity)) out.push({ kind: 'application', name: r.name, mode: r.mode, as: 'target' });
  return out;
}
