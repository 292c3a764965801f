/** What every resource and data source gets once the provider is configured. */
import type { ApiClient } from '../client/http';
import type { Logger } from '../log';

export interface Ctx {
  client: ApiClient;
  logger: Logger;
  waitForRealization: boolean;
  timeoutMs: number;
  /**
   * Categories planned in this Terraform run (name → values, null when not
   * yet known), so a rule may use a category created in the same apply.
   */
  plannedCategories: Map<string, string[] | null>;
  /** The service's categories as first read in this run (name → values). */
  serverCategories: Map<string, string[]> | null;
  stopped: boolean;
}
