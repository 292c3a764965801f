/**
 * terraform-provider-microseg: started by Terraform (go-plugin), never by hand.
 */
import { createLogger, levelFromEnv } from './log';
import { servePlugin } from './plugin/serve';
import { providerHandlers } from './framework/server';
import { microsegProvider } from './resources/provider';

async function main(): Promise<void> {
  const logger = createLogger(levelFromEnv(process.env));
  const code = await servePlugin((log) => {
    const def = microsegProvider(process.env);
    // StopProvider only interrupts waits; the process ends when go-plugin's controller says Shutdown.
    return providerHandlers(def, log, () => log.debug('stop requested'));
  }, logger);
  if (code !== null) process.exit(code);
}

main().catch((e: Error) => {
  process.stderr.write(`terraform-provider-microseg: ${e.message}\n`);
  process.exit(1);
});
