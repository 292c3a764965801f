/**
 * The tfplugin6 Provider service: decodes DynamicValues, dispatches to the
 * provider definition, encodes answers, and turns every failure into
 * diagnostics (a gRPC error would only show Terraform's generic message).
 */
import { decodeValue, encodeValue, valueFromJson } from '../cty/msgpack';
import { isWhollyKnown, type ObjectValue, type Value } from '../cty/value';
import type { Logger } from '../log';
import { error, hasErrors, type Diagnostic } from './diagnostics';
import { toProtoDiagnostic } from './proto-diagnostics';
import { planResource } from './plan';
import type { ApplyResult, DataSourceDef, ProviderDef, ResourceDef } from './resource';
import { schemaType, toProtoSchema, type Schema } from './schema';
import { validateObject } from './validate';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Handler = (req: Msg) => Promise<Msg>;

const CAPABILITIES = { plan_destroy: true, get_provider_schema_optional: true, move_resource_state: false };

export function providerHandlers<Ctx>(
  def: ProviderDef<Ctx>,
  logger: Logger,
  onStop: () => void,
): Record<string, Handler> {
  const resources = new Map(def.resources.map((r) => [r.typeName, r]));
  const dataSources = new Map(def.dataSources.map((d) => [d.typeName, d]));
  let ctx: Ctx | null = null;

  const dyn = (schema: Schema, v: Value) => ({ msgpack: Buffer.from(encodeValue(schemaType(schema), v)) });
  const undyn = (schema: Schema, dv: Msg | null | undefined): ObjectValue | null => {
    if (!dv) return null;
    if (dv.msgpack && dv.msgpack.length > 0) return decodeValue(schemaType(schema), dv.msgpack) as ObjectValue | null;
    if (dv.json && dv.json.length > 0)
      return valueFromJson(schemaType(schema), JSON.parse(Buffer.from(dv.json).toString('utf8'))) as ObjectValue | null;
    return null;
  };
  const diags = (schema: Schema | null, ds: Diagnostic[]) => ds.map((d) => toProtoDiagnostic(schema, d));
  const failed = (schema: Schema | null, e: unknown) => diags(schema, def.describeError(e));
  const needCtx = (): Ctx => {
    if (!ctx) throw new Error('the provider is not configured yet');
    return ctx;
  };
  const resource = (name: string): ResourceDef<Ctx> => {
    const r = resources.get(name);
    if (!r) throw new Error(`this provider has no resource type "${name}"`);
    return r;
  };
  const dataSource = (name: string): DataSourceDef<Ctx> => {
    const d = dataSources.get(name);
    if (!d) throw new Error(`this provider has no data source "${name}"`);
    return d;
  };
  const validateConfig = (
    schema: Schema,
    config: ObjectValue | null,
    extra?: (c: ObjectValue) => Diagnostic[],
  ): Diagnostic[] => {
    if (!config) return [];
    const ds = validateObject(schema.attributes, config);
    return hasErrors(ds) || !extra ? ds : [...ds, ...extra(config)];
  };

  const schemaResponse = () => ({
    provider: toProtoSchema(def.schema),
    resource_schemas: Object.fromEntries(def.resources.map((r) => [r.typeName, toProtoSchema(r.schema)])),
    data_source_schemas: Object.fromEntries(def.dataSources.map((d) => [d.typeName, toProtoSchema(d.schema)])),
    functions: {},
    ephemeral_resource_schemas: {},
    diagnostics: [],
    provider_meta: {
      version: 0,
      block: { attributes: [], block_types: [], description: '', description_kind: 'PLAIN' },
    },
    server_capabilities: CAPABILITIES,
  });

  const handlers: Record<string, Handler> = {
    async GetMetadata() {
      return {
        server_capabilities: CAPABILITIES,
        diagnostics: [],
        resources: def.resources.map((r) => ({ type_name: r.typeName })),
        data_sources: def.dataSources.map((d) => ({ type_name: d.typeName })),
        functions: [],
        ephemeral_resources: [],
      };
    },
    async GetProviderSchema() {
      return schemaResponse();
    },
    async ValidateProviderConfig(req) {
      const config = undyn(def.schema, req.config);
      return { diagnostics: diags(def.schema, validateConfig(def.schema, config, def.validate)) };
    },
    async ValidateResourceConfig(req) {
      const r = resource(req.type_name);
      const config = undyn(r.schema, req.config);
      return { diagnostics: diags(r.schema, validateConfig(r.schema, config, r.validate)) };
    },
    async ValidateDataResourceConfig(req) {
      const d = dataSource(req.type_name);
      const config = undyn(d.schema, req.config);
      return { diagnostics: diags(d.schema, validateConfig(d.schema, config, d.validate)) };
    },
    async UpgradeResourceState(req) {
      const r = resource(req.type_name);
      const raw = req.raw_state?.json;
      if (!raw || raw.length === 0) {
        return {
          upgraded_state: null,
          diagnostics: diags(null, [
            error(
              'Cannot upgrade state',
              'The stored state is in the legacy flatmap format, which this provider never wrote.',
            ),
          ]),
        };
      }
      // Lenient: attributes an older schema had are dropped rather than failing the whole run.
      const value = valueFromJson(schemaType(r.schema), JSON.parse(Buffer.from(raw).toString('utf8')), true);
      return { upgraded_state: dyn(r.schema, value), diagnostics: [] };
    },
    async ConfigureProvider(req) {
      const config = undyn(def.schema, req.config) ?? {};
      try {
        ctx = await def.configure(config, logger);
        return { diagnostics: [] };
      } catch (e) {
        return { diagnostics: failed(def.schema, e) };
      }
    },
    async ReadResource(req) {
      const r = resource(req.type_name);
      const state = undyn(r.schema, req.current_state);
      if (!state) return { new_state: dyn(r.schema, null), diagnostics: [], private: req.private };
      try {
        const fresh = await r.read(needCtx(), state);
        if (!fresh) logger.info('object is gone; removing it from the state', { type: r.typeName });
        return { new_state: dyn(r.schema, fresh), diagnostics: [], private: req.private };
      } catch (e) {
        return { new_state: req.current_state, diagnostics: failed(r.schema, e), private: req.private };
      }
    },
    async PlanResourceChange(req) {
      const r = resource(req.type_name);
      const prior = undyn(r.schema, req.prior_state);
      const proposed = undyn(r.schema, req.proposed_new_state);
      const config = undyn(r.schema, req.config);
      const { planned, requiresReplace } = planResource(r.schema, prior, proposed, config);
      let ds: Diagnostic[] = [];
      if (planned && r.checkPlan && ctx) {
        try {
          ds = await r.checkPlan(ctx, planned, prior);
        } catch (e) {
          ds = def.describeError(e);
        }
      }
      if (r.planWarnings && ctx && (planned !== null || prior !== null) && !hasErrors(ds)) {
        try {
          ds = [...ds, ...(await r.planWarnings(ctx, planned, prior))];
        } catch (e) {
          ds = [...ds, ...def.describeError(e).map((d) => ({ ...d, severity: 'WARNING' as const }))];
        }
      }
      return {
        planned_state: dyn(r.schema, planned),
        requires_replace: requiresReplace.map((p) => ({ steps: p.map((s) => ({ attribute_name: String(s) })) })),
        planned_private: req.prior_private ?? Buffer.alloc(0),
        diagnostics: diags(r.schema, ds),
        legacy_type_system: false,
      };
    },
    async ApplyResourceChange(req) {
      const r = resource(req.type_name);
      const prior = undyn(r.schema, req.prior_state);
      const planned = undyn(r.schema, req.planned_state);
      try {
        const c = needCtx();
        let result: ApplyResult;
        if (planned === null) result = prior ? await r.delete(c, prior) : { state: null };
        else if (prior === null) result = await r.create(c, planned);
        else result = await r.update(c, prior, planned);
        return {
          new_state: dyn(r.schema, result.state),
          private: req.planned_private ?? Buffer.alloc(0),
          diagnostics: diags(r.schema, result.diagnostics ?? []),
          legacy_type_system: false,
        };
      } catch (e) {
        // The object is as it was: keep the prior state so Terraform tries again next time.
        return {
          new_state: req.prior_state ?? dyn(r.schema, null),
          private: req.planned_private,
          diagnostics: failed(r.schema, e),
          legacy_type_system: false,
        };
      }
    },
    async ImportResourceState(req) {
      const r = resource(req.type_name);
      try {
        const state = await r.importState(needCtx(), String(req.id));
        if (!state) {
          return {
            imported_resources: [],
            diagnostics: diags(null, [
              error(
                'Cannot import non-existent remote object',
                `There is no ${r.typeName.replace(/^microseg_/, '').replace(/_/g, ' ')} named "${req.id}" in the microseg service; the import ID is the object's name.`,
              ),
            ]),
          };
        }
        return {
          imported_resources: [{ type_name: r.typeName, state: dyn(r.schema, state), private: Buffer.alloc(0) }],
          diagnostics: [],
        };
      } catch (e) {
        return { imported_resources: [], diagnostics: failed(r.schema, e) };
      }
    },
    async MoveResourceState() {
      return {
        diagnostics: diags(null, [
          error(
            'Moving resource state is not supported',
            'microseg resources cannot be moved from other resource types; use import by name instead.',
          ),
        ]),
      };
    },
    async ReadDataSource(req) {
      const d = dataSource(req.type_name);
      const config = undyn(d.schema, req.config) ?? {};
      try {
        if (!isWhollyKnown(config)) throw new Error('the data source configuration is not yet known');
        const state = await d.read(needCtx(), config);
        return { state: dyn(d.schema, state), diagnostics: [] };
      } catch (e) {
        return { state: null, diagnostics: failed(d.schema, e) };
      }
    },
    async ValidateEphemeralResourceConfig(req) {
      return {
        diagnostics: diags(null, [
          error('Ephemeral resources are not supported', `This provider has no ephemeral resource "${req.type_name}".`),
        ]),
      };
    },
    async OpenEphemeralResource(req) {
      return {
        diagnostics: diags(null, [
          error('Ephemeral resources are not supported', `This provider has no ephemeral resource "${req.type_name}".`),
        ]),
      };
    },
    async RenewEphemeralResource() {
      return {
        diagnostics: diags(null, [
          error('Ephemeral resources are not supported', 'This provider has no ephemeral resources.'),
        ]),
      };
    },
    async CloseEphemeralResource() {
      return { diagnostics: [] };
    },
    async GetFunctions() {
      return { functions: {}, diagnostics: [] };
    },
    async CallFunction(req) {
      return { error: { text: `This provider has no function "${req.name}".` } };
    },
    async StopProvider() {
      def.stop?.();
      onStop();
      return { Error: '' };
    },
  };

  // Every handler answers with diagnostics, never a gRPC error, so a bug reads as a message and not "rpc error".
  for (const [name, h] of Object.entries(handlers)) {
    handlers[name] = async (req) => {
      logger.trace(`rpc ${name}`, { type: req?.type_name });
      try {
        return await h(req);
      } catch (e) {
        logger.error(`rpc ${name} failed`, { error: (e as Error).message });
        return { diagnostics: diags(null, def.describeError(e)) };
      }
    };
  }
  return handlers;
}
