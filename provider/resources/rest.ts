/**
 * One resource type per model kind, mapped onto `/v1/<collection>/<name>`:
 * POST to create, GET by id to read (404: gone), PUT with If-Match to update
 * (renames included), DELETE to destroy; imported by name.
 */
import { KINDS, Meta, type Kind } from '../../service/model/schemas';
import { referencesOf, type Bodies } from '../../service/model/validate';
import { ApiError } from '../client/http';
import { changeFrom, waitForRealization, type Change } from '../client/realization';
import { isObject, valueEquals, type ObjectValue } from '../cty/value';
import { displayField, toBody } from '../framework/body';
import { error, warning, parseFieldPath, type Diagnostic } from '../framework/diagnostics';
import { fromApi } from '../framework/normalize';
import type { ApplyResult, ResourceDef } from '../framework/resource';
import { attributeType, type Attribute, type Schema } from '../framework/schema';
import type { Ctx, RefKind } from './context';
import { describeError } from './errors';
import { attributesFromTypeBox } from './typebox';
import { validateBody } from './validate-body';
import { planImpact } from './impact';

/** Arrays whose order means something: an entity's first IP stands for the entity (docs/semantics.md). */
const ORDERED = new Set(['ips']);

export function metaAttributes(): Record<string, Attribute> {
  return {
    id: { description: Meta.id.description!, type: 'string', computed: true, useStateForUnknown: true },
    version: {
      description:
        'The version the service holds; it changes with every update (the provider sends it back to detect concurrent changes).',
      type: 'number',
      computed: true,
      changesOnUpdate: true,
    },
    created_at: { description: Meta.created_at.description!, type: 'string', computed: true, useStateForUnknown: true },
    updated_at: { description: Meta.updated_at.description!, type: 'string', computed: true, changesOnUpdate: true },
  };
}

export function kindSchema(kind: Kind, description: string): Schema {
  return {
    description,
    attributes: { ...attributesFromTypeBox(KINDS[kind].input, { ordered: ORDERED }), ...metaAttributes() },
  };
}

const label = (kind: Kind) => kind.replace(/_/g, ' ');
const REF_KINDS: RefKind[] = ['category', 'address_group', 'service_group'];

/** Looks up one referenced object in the service, once per run: a category's values, [] for others, null when absent. */
function lookup(ctx: Ctx, kind: RefKind, name: string): Promise<string[] | null> {
  const key = `${kind}/${name}`;
  let found = ctx.server.get(key);
  if (!found) {
    found = ctx.client
      .request<{ values?: string[] }>('GET', `/v1/${KINDS[kind].collection}/${encodeURIComponent(name)}`)
      .then((o) => o.values ?? [])
      .catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        ctx.server.delete(key);
        throw e;
      });
    ctx.server.set(key, found);
  }
  return found;
}

/**
 * Categories (and their values), address groups and service groups the plan
 * uses that neither the service nor this run's plan knows. While this run
 * plans an object of a kind whose name is still unknown, a name of that kind
 * may be that object's: it is checked at apply instead.
 */
async function checkRefs(
  ctx: Ctx,
  kind: Kind,
  body: Record<string, unknown>,
  show: (field: string) => string,
): Promise<Diagnostic[]> {
  let refs;
  try {
    refs = referencesOf(kind, body as unknown as Bodies[typeof kind]);
  } catch {
    return []; // parts still unknown: checked at apply time by the service
  }
  const out: Diagnostic[] = [];
  for (const r of refs) {
    if (!REF_KINDS.includes(r.kind as RefKind)) continue;
    const k = r.kind as RefKind;
    const values = ctx.planned[k].has(r.name) ? ctx.planned[k].get(r.name)! : await lookup(ctx, k, r.name);
    if (values === null && ctx.planned[k].has(r.name)) continue; // planned, values not yet known
    if (values === null) {
      if (ctx.unknownNames.has(k)) continue;
      out.push(
        error(
          `Unknown ${label(k)}`,
          `${show(r.field)}: ${label(k)} "${r.name}" does not exist in the microseg service and is not declared in this configuration (refer to it as microseg_${k}.<name>.name so Terraform creates it first).`,
          parseFieldPath(r.field),
        ),
      );
    } else if (k === 'category' && r.value !== undefined && !values.includes(r.value)) {
      out.push(
        error(
          'Unknown category value',
          `${show(r.field)}: category "${r.name}" has no value "${r.value}" (values: ${values.join(', ') || 'none'}).`,
          parseFieldPath(r.field),
        ),
      );
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
  const managed = Object.entries(schema.attributes).filter(([, a]) => !(a.computed && !a.optional));
  /** The state holds what the plan asked for, in every attribute the user manages. */
  const asPlanned = (state: ObjectValue, planned: ObjectValue) =>
    managed.every(([n, a]) => valueEquals(attributeType(a), state[n] ?? null, planned[n] ?? null));

  /** A service error about the body `json`: its fields spelled for the user. */
  const showFields = (e: unknown, json: Record<string, unknown>) => {
    if (e instanceof ApiError) e.show = (f) => displayField(schema.attributes, json, f);
    return e;
  };

  const get = async (ctx: Ctx, path: string): Promise<unknown | null> => {
    try {
      return await ctx.client.request('GET', path);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  };

  /**
   * wait_for_realization after a stored change. A failed wait never fails a
   * create or a delete with an error: Terraform would taint the stored
   * object (destroy and re-create real rules next time) or keep a deleted
   * one. It warns instead; an update, which Terraform does not taint, fails.
   */
  const settle = async (
    ctx: Ctx,
    change: Change | null,
    state: ObjectValue | null,
    action: 'create' | 'update' | 'delete',
  ): Promise<ApplyResult> => {
    if (!ctx.waitForRealization || change === null) return { state };
    try {
      await waitForRealization(ctx.client, change, Date.now() + ctx.timeoutMs);
      return { state };
    } catch (e) {
      const ds = describeError(e);
      return { state, diagnostics: action === 'update' ? ds : ds.map((d) => warning(d.summary, d.detail, d.path)) };
    }
  };

  return {
    typeName: `microseg_${kind}`,
    schema,
    validate(config) {
      const b = body(config);
      return validateBody(kind, b.json, b.unknownPaths, (f) => displayField(schema.attributes, b.json, f));
    },
    async checkPlan(ctx, planned) {
      if ((REF_KINDS as Kind[]).includes(kind)) {
        const k = kind as RefKind;
        if (typeof planned.name === 'string') {
          const values =
            k === 'category' && Array.isArray(planned.values) && planned.values.every((v) => typeof v === 'string')
              ? (planned.values as string[])
              : null;
          ctx.planned[k].set(planned.name, k === 'category' ? values : []);
        } else {
          ctx.unknownNames.add(k);
        }
        return [];
      }
      const json = body(planned).json;
      return checkRefs(ctx, kind, json, (f) => displayField(schema.attributes, json, f));
    },
    async planWarnings(ctx, planned, prior) {
      if (planned !== null && prior !== null && asPlanned(prior, planned)) return []; // no change
      const target = planned === null ? null : body(planned);
      return planImpact(ctx, kind, target, prior === null ? null : String(prior.name));
    },
    async create(ctx, planned) {
      const json = body(planned).json;
      const { body: created, headers } = await ctx.client.send('POST', base, json).catch((e) => {
        throw showFields(e, json);
      });
      return settle(ctx, changeFrom(headers), toState(created, planned), 'create');
    },
    async read(ctx, state) {
      // By the id, which survives a rename: an object renamed out of band shows as a change of name.
      // Batched with the other reads of this collection under way (a refresh reads every resource at once).
      const found =
        typeof state.id === 'string' && state.id !== ''
          ? await ctx.reads.read(KINDS[kind].collection, state.id)
          : await get(ctx, url(state.name));
      return found === null ? null : toState(found, state);
    },
    async update(ctx, prior, planned) {
      const version = prior.version;
      const headers: Record<string, string> = typeof version === 'number' ? { 'If-Match': `"${version}"` } : {};
      const json = body(planned).json;
      try {
        const res = await ctx.client.send('PUT', url(prior.name), json, headers);
        return settle(ctx, changeFrom(res.headers), toState(res.body, planned), 'update');
      } catch (e) {
        // A rename elsewhere in this apply may already have rewritten this object's references (a new version):
        // if it now holds what the plan wants, the update is done.
        if (e instanceof ApiError && e.body.error === 'version_conflict' && typeof prior.id === 'string') {
          const now = await get(ctx, `${base}/by-id/${encodeURIComponent(prior.id)}`);
          if (now !== null) {
            const state = toState(now, planned);
            if (asPlanned(state, planned)) return { state };
          }
        }
        throw showFields(e, json);
      }
    },
    async delete(ctx, prior) {
      try {
        const { headers } = await ctx.client.send('DELETE', url(prior.name));
        return settle(ctx, changeFrom(headers), null, 'delete');
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        return { state: null };
      }
    },
    async importState(ctx, id) {
      const found = await get(ctx, url(id));
      if (found !== null && !isObject(found as ObjectValue))
        throw new Error(`the service answered an unexpected ${label(kind)} for "${id}"`);
      return found === null ? null : toState(found, null);
    },
  };
}
