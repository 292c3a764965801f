/**
 * `npm start`: reads the environment, opens (and migrates) the database,
 * sets up tokens, listens; SIGTERM/SIGINT close gracefully. When the database
 * cannot be reached at start and the embedded agents kept policies in the data
 * directory, it enforces those (agent/kept.ts) and retries until it can open it.
 */
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { readConfig, describeDatabase, dataDirOf } from './config';
import { adminTokenPath, ensureAdminToken } from './auth';
import { PolicyStore } from './store/store';
import { buildApp } from './app';
import { asUnavailable } from './store/errors';
import { AGENT_STATE_DIR, readAgentOptions } from './agent/plugin';
import { startKeptAgents } from './agent/kept';

const RETRY_MS = 2000;

/** Opens the store; while the database is unreachable, the kept policies are enforced and the open retried. */
async function openStore(database: string, dataDir: string, log: Logger): Promise<PolicyStore> {
  try {
    return await PolicyStore.open(database);
  } catch (err) {
    const unavailable = asUnavailable(err);
    const agents = readAgentOptions();
    if (!unavailable || !agents.enabled) throw err;
    const kept = await startKeptAgents(join(dataDir, AGENT_STATE_DIR), {
      intervalMs: agents.intervalMs,
      fullCheckMs: agents.fullCheckMs,
      log: (level, msg, fields) => log[level]({ ...fields }, msg),
    });
    if (kept.hosts.length === 0) throw err;
    log.warn(
      { hosts: kept.hosts, error: unavailable.message },
      'the database cannot be reached: enforcing the last realized policies kept in the data directory until it answers',
    );
    const stop = () => void kept.stop().finally(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    for (;;) {
      await new Promise((r) => setTimeout(r, RETRY_MS));
      try {
        const store = await PolicyStore.open(database);
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        await kept.stop();
        return store;
      } catch (e) {
        if (!asUnavailable(e)) throw e;
      }
    }
  }
}

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
  const store = await openStore(config.database, dataDirOf(config.database), log);
  log.info({ database: describeDatabase(config.database), generation: store.generation() }, 'database ready');
  let tokens = config.tokens;
  if (!tokens) {
    const path = adminTokenPath(dataDirOf(config.database));
    const { token, created } = ensureAdminToken(path);
    // Only the path: the secret never goes to a log.
    log.info(
      { path },
      created
        ? 'MICROSEG_TOKENS unset: created an admin token file'
        : 'MICROSEG_TOKENS unset: using the admin token file',
    );
    tokens = [token];
  }
  const app = await buildApp({
    store,
    tokens,
    logger: { level: config.logLevel },
    tls: config.tls,
    dataDir: dataDirOf(config.database),
  });

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
