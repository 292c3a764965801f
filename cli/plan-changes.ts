/**
 * The microseg changes of a saved Terraform plan (`terraform show -json
 * PLANFILE`), as the changes POST /v1/impact takes, in an order the service
 * can apply one after another. Pure.
 */
import { KINDS, type Kind } from '../service/model/schemas';
import type { ImpactChangeT } from '../service/model/impact';
import { RULE_MODEL_KINDS } from '../service/model/snapshot';

interface ResourceChange {
  address: string;
  type: string;
  mode?: string;
  change: { actions: string[]; before: unknown; after: unknown; after_unknown?: unknown };
}

export interface PlanChanges {
  changes: ImpactChangeT[];
  /** Addresses whose planned values are partly unknown until apply: left out, with why. */
  skipped: string[];
}

/** KINDS lists objects referred to before those that refer to them (categories before entities before rules). */
const ORDER = Object.keys(KINDS) as Kind[];
const RULES = new Set<string>(RULE_MODEL_KINDS);

const hasUnknown = (v: unknown): boolean =>
  v === true ||
  (Array.isArray(v) ? v.some(hasUnknown) : !!v && typeof v === 'object' && Object.values(v).some(hasUnknown));

/** The fields a body of `kind` has (not id, version and the other attributes the service computes). */
const inputFields = (kind: Kind) =>
  Object.keys((KINDS[kind].input as unknown as { properties: Record<string, unknown> }).properties);

/** The planned value as the API's body: the input schema's fields only, nulls left out. */
function toBody(kind: Kind, value: Record<string, unknown>): Record<string, unknown> {
  const fields = inputFields(kind);
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, clean(x)]),
    );
  };
  return clean(Object.fromEntries(fields.filter((f) => value[f] != null).map((f) => [f, value[f]]))) as Record<
    string,
    unknown
  >;
}

export function planChanges(plan: unknown): PlanChanges {
  const p = plan as { format_version?: unknown; resource_changes?: ResourceChange[] } | null;
  const list = p?.resource_changes;
  // Every `terraform show -json` names its format_version; a plan without changes has no resource_changes.
  if (!p || typeof p.format_version !== 'string' || (list !== undefined && !Array.isArray(list)))
    throw new Error('not the JSON of a plan: run `terraform show -json PLANFILE > plan.json`');
  const ruleDeletes: ImpactChangeT[] = [];
  const upserts: { rank: number; change: ImpactChangeT }[] = [];
  const deletes: { rank: number; change: ImpactChangeT }[] = [];
  const skipped: string[] = [];
  for (const rc of list ?? []) {
    if (rc.mode === 'data' || !rc.type.startsWith('microseg_')) continue;
    const kind = rc.type.slice('microseg_'.length) as Kind;
    if (!(kind in KINDS)) continue;
    const { actions, before, after } = rc.change;
    const deleting = actions.includes('delete');
    const creating = actions.includes('create');
    const updating = actions.includes('update');
    if (!deleting && !creating && !updating) continue; // no-op, read
    const rank = ORDER.indexOf(kind);
    const priorName = deleting || updating ? String((before as { name: string }).name) : null;
    if (creating || updating) {
      const unknown = (rc.change.after_unknown ?? {}) as Record<string, unknown>;
      // version, updated_at… are unknown in every update's plan: only the body's own fields count.
      if (inputFields(kind).some((f) => hasUnknown(unknown[f]))) {
        skipped.push(`${rc.address}: values known only at apply`);
        continue;
      }
      const body = toBody(kind, after as Record<string, unknown>);
      // A replacement that keeps the name is one replace; a rename by replacement is a delete and a create.
      if (priorName !== null && (updating || body.name === priorName)) {
        upserts.push({ rank, change: { action: 'replace', kind, name: priorName, body } });
        continue;
      }
      upserts.push({ rank, change: { action: 'create', kind, body } });
    }
    if (priorName !== null) {
      const change: ImpactChangeT = { action: 'delete', kind, name: priorName };
      if (RULES.has(kind)) ruleDeletes.push(change);
      else deletes.push({ rank, change });
    }
  }
  // Rules go first (nothing refers to them), then what is created or changed, then what others referred to.
  return {
    changes: [
      ...ruleDeletes,
      ...upserts.sort((a, b) => a.rank - b.rank).map((u) => u.change),
      ...deletes.sort((a, b) => b.rank - a.rank).map((d) => d.change),
    ],
    skipped,
  };
}
