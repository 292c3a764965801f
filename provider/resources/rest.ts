/**
 * One resource type per model kind, mapped onto `/v1/<collection>/<name>`:
 * POST to create, GET to read (404: gone), PUT with If-Match to update
 * (renames included), DELETE to destroy; imported by name.
 */
import { KINDS, Meta, type Kind } from '../../service/model/schemas';
import { referencesOf, type Bodies } from '../../service/model/validate';
import { ApiError } from '../client/http';
import { waitForRealization } from '../client/realization';
import { isObject, type ObjectValue } from '../cty/value';
import { toBody } from '../framework/body';
import { error, parseFieldPath, type Diagnostic } from '../framework/diagnostics';
import { fromApi } from '../framework/normalize';
import type { ResourceDef } from '../framework/resource';
import type { Attribute, Schema } from '../framework/schema';
import type { Ctx } from './context';
import { attributesFromTypeBox } from './typebox';
import { validateBody } from './validate-body';

/** Arrays whose order means something: an entity's first IP stands for the entity (docs/semantics.md). */
const ORDERED = new Set(['ips']);

export function metaAttributes(): Record<string, Attribute> {
  return {
    id: { description: Meta.id.description!, type: 'string', computed: true, useStateForUnknown: true },
    version: { description: Meta.version.description!, type: 'number', computed: true, changesOnUpdate: true },
    created_at: { description: Meta.created_at.description!, type: 'string', computed: true, useStateForUnknown: true },
    updated_at: { description: Meta.updated_at.description!, type: 'string', computed: true, changesOnUpdate: true },
  };
}

export function kindSchema(kind: Kind, description: string): Schema {
  return { description, attributes: { ...attributesFromTypeBox(KINDS[kind].input, { ordered: ORDERED }), ...metaAttributes() } };
}

const label = (kind: Kind) => kind.replace(/_/g, ' ');

async function loadServerCategories(ctx: Ctx): Promise<Map<string, string[]>> {
  if (!ctx.serverCategories) {
    const { items } = await ctx.client.request<{ items: { name: string; values: string[] }[] }>('GET', '/v1/categories');
    ctx.serverCategories = new Map(items.map((c) => [c.name, c.values]));
  }
  return ctx.serverCategories;
}

/** Category names and values the plan uses that neither the service nor this run's plan knows. */
async function checkCategoryRefs(ctx: Ctx, kind: Kind, body: Record<string, unknown>): Promise<Diagnostic[]> {
  let refs;
  try {
    refs = referencesOf(kind, body as unknown as Bodies[typeof kind]).filter((r) => r.kind === 'category');
  } catch {
    return []; // parts still unknown: checked at apply time by the service
  }
  if (refs.length === 0) return [];
  const server = await loadServerCategories(ctx);
  const out: Diagnostic[] = [];
  for (const r of refs) {
    const values = ctx.plannedCategories.has(r.name) ? ctx.plannedCategories.get(r.name)! : server.get(r.name);
    if (values === undefined) {
      out.push(error('Unknown category', `${r.field}: category "${r.name}" does not exist in the microseg service and is not declared in this configuration (refer to it as microseg_category.<name>.name so Terraform creates it first).`, parseFieldPath(r.field)));
    } else if (values !== null && r.value !== undefined && !values.includes(r.value)) {
      out.push(error('Unknown category value', `${r.field}: category "${r.name}" has no value "${r.value}" (values: ${values.join(', ') || 'none'}).`, parseFieldPath(r.field)));
    }
  }
  return out;
}

export function restResource(kind: Kind, description: string): ResourceDef<Ctx> {
  const schema = kindSchema(kind, description);
  const base = `/v1/${KINDS[kind].collection}`;
  const url = (name: unknown) => `${base}/${encodeURIComponent(String(name))}`;
  const toState = (api: unknown, ref: ObjectValue | null) => fromApi(schema.attributes, api, ref);
  const body = (v: ObjectValue) => toBody(schema.attributes, v);

  const get = async (ctx: Ctx, name: string): Promise<unknown | null> => {
    try {
      return await ctx.client.request('GET', url(name));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  };

  return {
    typeName: `microseg_${kind}`,
    schema,
    validate(config) {
      const b = body(config);
      return validateBody(kind, b.json, b.unknownPaths);
    },
    async checkPlan(ctx, planned) {
      const b = body(planned);
      if (kind === 'category') {
        const name = planned.name;
        if (typeof name === 'string') ctx.plannedCategories.set(name, Array.isArray(planned.values) && planned.values.every((v) => typeof v === 'string') ? (planned.values as string[]) : null);
        return [];
      }
      return checkCategoryRefs(ctx, kind, b.json);
    },
    async create(ctx, planned) {
      const created = await ctx.client.request('POST', base, body(planned).json);
      return toState(created, planned);
    },
    async read(ctx, state) {
      const found = await get(ctx, String(state.name));
      return found === null ? null : toState(found, state);
    },
    async update(ctx, prior, planned) {
      const version = prior.version;
      const headers: Record<string, string> = typeof version === 'number' ? { 'If-Match': `"${version}"` } : {};
      const updated = await ctx.client.request('PUT', url(prior.name), body(planned).json, headers);
      return toState(updated, planned);
    },
    async delete(ctx, prior) {
      try {
        await ctx.client.request('DELETE', url(prior.name));
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
      }
    },
    async importState(ctx, id) {
      const found = await get(ctx, id);
      if (found !== null && !isObject(found as ObjectValue)) throw new Error(`the service answered an unexpected ${label(kind)} for "${id}"`);
      return found === null ? null : toState(found, null);
    },
    async afterApply(ctx) {
      if (ctx.waitForRealization && !ctx.stopped) await waitForRealization(ctx.client, ctx.timeoutMs, 500, () => ctx.stopped);
    },
  };
}
