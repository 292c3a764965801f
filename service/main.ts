/**
 * `npm start`: reads the environment, opens (and migrates) the database,
 * sets up tokens, listens; SIGTERM/SIGINT close gracefully.
 */
import pino from 'pino';
import { readConfig, describeDatabase, dataDirOf } from './config';
import { adminTokenPath, ensureAdminToken } from './auth';
import { PolicyStore } from './store/store';
import { buildApp } from './app';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig();
  } catch (err) {
    process.stderr.write(`microseg: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const log = pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
  // The database first: a service that cannot start leaves no token file behind.
  const store = await PolicyStore.open(config.database);
  log.info({ database: describeDatabase(config.database), generation: store.generation() }, 'database ready');
  let tokens = config.tokens;
  if (!tokens) {
    const path = adminTokenPath(dataDirOf(config.database));
    const { token, created } = ensureAdminToken(path);
    // Only the path: the secret never goes to a log.
    log.info({ path }, created ? 'MICROSEG_TOKENS unset: created an admin token file' : 'MICROSEG_TOKENS unset: using the admin token file');
    tokens = [token];
  }
  const app = await buildApp({ store, tokens, logger: { level: config.logLevel }, tls: config.tls, dataDir: dataDirOf(config.database) });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await store.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
}

main().catch((err: Error) => {
  process.stderr.write(`microseg: cannot start: ${err.message}\n`);
  process.exit(1);
});
