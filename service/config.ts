/** Service configuration from the environment, checked with errors that name the variable. */
import { parseTokens, type Token } from './auth';

export interface ServiceConfig {
  port: number;
  host: string;
  database: string;
  /** null: MICROSEG_TOKENS unset, use (or create) the admin token file. */
  tokens: Token[] | null;
  logLevel: string;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const portText = env.MICROSEG_PORT ?? '7480';
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) throw new Error(`MICROSEG_PORT must be a port number 0-65535, got "${portText}"`);
  const logLevel = env.MICROSEG_LOG_LEVEL ?? 'info';
  if (!LEVELS.includes(logLevel)) throw new Error(`MICROSEG_LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  const database = env.MICROSEG_DATABASE || './microseg.sqlite';
  return {
    port: Number(portText),
    host: env.MICROSEG_HOST || '0.0.0.0',
    database,
    tokens: env.MICROSEG_TOKENS ? parseTokens(env.MICROSEG_TOKENS) : null,
    logLevel,
  };
}

/** The database as it may be logged: a postgres URL without its password. */
export function describeDatabase(database: string): string {
  return database.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1:***@');
}
