/**
 * What a resource, a data source and the provider itself implement. The
 * server (server.ts) does the protocol; these only see Terraform values.
 */
import type { ObjectValue } from '../cty/value';
import type { Logger } from '../log';
import type { Diagnostic } from './diagnostics';
import type { Schema } from './schema';

/**
 * What an apply step stored, with any diagnostics. A create that stored an
 * object must not answer errors: Terraform taints the object then.
 */
export interface ApplyResult {
  state: ObjectValue | null;
  diagnostics?: Diagnostic[];
}

export interface ResourceDef<Ctx> {
  typeName: string;
  schema: Schema;
  /** Checks a configuration (may hold unknowns); no provider configuration is available here. */
  validate?(config: ObjectValue): Diagnostic[];
  /** Checks a finished plan against the world (the provider is configured). */
  checkPlan?(ctx: Ctx, planned: ObjectValue, prior: ObjectValue | null): Promise<Diagnostic[]>;
  /**
   * Warnings about a planned change (planned null: a delete), after checkPlan found no error. Never fails the plan:
   * whatever goes wrong becomes a warning or nothing.
   */
  planWarnings?(ctx: Ctx, planned: ObjectValue | null, prior: ObjectValue | null): Promise<Diagnostic[]>;
  create(ctx: Ctx, planned: ObjectValue): Promise<ApplyResult>;
  /** null: the object is gone. */
  read(ctx: Ctx, state: ObjectValue): Promise<ObjectValue | null>;
  update(ctx: Ctx, prior: ObjectValue, planned: ObjectValue): Promise<ApplyResult>;
  delete(ctx: Ctx, prior: ObjectValue): Promise<ApplyResult>;
  /** The state of the object with import ID `id`, or null when there is none. */
  importState(ctx: Ctx, id: string): Promise<ObjectValue | null>;
}

export interface DataSourceDef<Ctx> {
  typeName: string;
  schema: Schema;
  validate?(config: ObjectValue): Diagnostic[];
  read(ctx: Ctx, config: ObjectValue): Promise<ObjectValue>;
}

export interface ProviderDef<Ctx> {
  schema: Schema;
  validate?(config: ObjectValue): Diagnostic[];
  configure(config: ObjectValue, logger: Logger): Promise<Ctx>;
  resources: ResourceDef<Ctx>[];
  dataSources: DataSourceDef<Ctx>[];
  /** Terraform asks to stop (interrupt): end requests and waits at once, configured yet or not. */
  stop?(): void;
  /** Turns an exception from a definition into diagnostics (service errors → attribute paths). */
  describeError(e: unknown): Diagnostic[];
}
