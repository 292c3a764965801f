/**
 * The floor of an out-of-process provider (bench/terraform-floor.ts): the real provider process (same bundle,
 * starts, schema, go-plugin handshake, mTLS, gRPC server) whose hot calls do no work: validation answers nothing,
 * upgrade and read hand the state back, plan answers the prior state. Only right for a configuration whose state
 * already matches it (a plan with no changes); never installed for users.
 */
import { createLogger, levelFromEnv } from '../provider/log';
import { servePlugin } from '../provider/plugin/serve';
import { providerHandlers } from '../provider/framework/server';
import { microsegProvider } from '../provider/resources/provider';

const logger = createLogger(levelFromEnv(process.env));
void servePlugin(
  (log) => ({
    ...providerHandlers(microsegProvider(process.env), log, () => undefined),
    ValidateProviderConfig: async () => ({ diagnostics: [] }),
    ValidateResourceConfig: async () => ({ diagnostics: [] }),
    ConfigureProvider: async () => ({ diagnostics: [] }),
    UpgradeResourceState: async (req) => ({ upgraded_state: { json: req.raw_state.json }, diagnostics: [] }),
    ReadResource: async (req) => ({ new_state: req.current_state, diagnostics: [], private: req.private }),
    PlanResourceChange: async (req) => ({
      planned_state: req.prior_state,
      requires_replace: [],
      planned_private: req.prior_private,
      diagnostics: [],
      legacy_type_system: false,
    }),
  }),
  logger,
).then((code) => code !== null && process.exit(code));
