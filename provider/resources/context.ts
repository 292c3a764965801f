/** What every resource and data source gets once the provider is configured. */
import type { BatchReader } from '../client/batch';
import type { ApiClient } from '../client/http';
import type { Logger } from '../log';
import type { RunWarnings } from './run-warnings';

/** The kinds other objects refer to by name and that the plan checks. */
export type RefKind = 'category' | 'address_group' | 'service_group';

export interface Ctx {
  client: ApiClient;
  /** Reads by id, batched (client/batch.ts). */
  reads: BatchReader;
  logger: Logger;
  waitForRealization: boolean;
  timeoutMs: number;
  /**
   * Objects planned in this Terraform run, by kind (name → a category's
   * values, null when not yet known or not a category), so a rule may use
   * what the same apply creates or renames.
   */
  planned: Record<RefKind, Map<string, string[] | null>>;
  /** Kinds of which this run plans an object whose name is not known until apply. */
  unknownNames: Set<RefKind>;
  /** The service's objects as first looked up in this run ("kind/name" → a category's values, [] for others, null when absent). */
  server: Map<string, Promise<string[] | null>>;
  /**
   * How many observed connections the first impact answer of this process
   * replayed (null: no answer yet, or that request failed). Zero means nothing
   * was observed in the window, so no other change can alter a verdict.
   */
  impactReplayed: Promise<number | null> | null;
  /** The impact warnings an earlier provider process of this terraform command showed (its plan, when this is its apply). */
  runWarnings: RunWarnings;
}
