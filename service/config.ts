/** Service configuration from the environment, checked with errors that name the variable. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseTokens, type Token } from './auth';

/** PEM texts for HTTPS. */
export interface TlsFiles {
  cert: string;
  key: string;
}

export interface ServiceConfig {
  port: number;
  host: string;
  database: string;
  /** null: MICROSEG_TOKENS unset, use (or create) the admin token file. */
  tokens: Token[] | null;
  logLevel: string;
  /** Set: the service speaks HTTPS only (MICROSEG_TLS_CERT, MICROSEG_TLS_KEY). */
  tls: TlsFiles | null;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const portText = env.MICROSEG_PORT ?? '7480';
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535)
    throw new Error(`MICROSEG_PORT must be a port number 0-65535, got "${portText}"`);
  const logLevel = env.MICROSEG_LOG_LEVEL ?? 'info';
  if (!LEVELS.includes(logLevel)) throw new Error(`MICROSEG_LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  const database = env.MICROSEG_DATABASE || './microseg.sqlite';
  return {
    port: Number(portText),
    host: env.MICROSEG_HOST || '0.0.0.0',
    database,
    tokens: env.MICROSEG_TOKENS ? parseTokens(env.MICROSEG_TOKENS) : null,
    logLevel,
    tls: readTls(env),
  };
}

function readPem(variable: string, path: string, marker: RegExp, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(
      `${variable}: cannot read "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { cause: e },
    );
  }
  if (!marker.test(text)) throw new Error(`${variable}: "${path}" holds no PEM ${what}`);
  return text;
}

function readTls(env: NodeJS.ProcessEnv): TlsFiles | null {
  const cert = env.MICROSEG_TLS_CERT;
  const key = env.MICROSEG_TLS_KEY;
  if (!cert && !key) return null;
  if (!cert || !key)
    throw new Error(
      `${cert ? 'MICROSEG_TLS_KEY' : 'MICROSEG_TLS_CERT'} must be set too: MICROSEG_TLS_CERT and MICROSEG_TLS_KEY go together`,
    );
  return {
    cert: readPem('MICROSEG_TLS_CERT', cert, /-----BEGIN CERTIFICATE-----/, 'certificate'),
    key: readPem('MICROSEG_TLS_KEY', key, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'private key'),
  };
}

/** Where the service keeps its files (the admin token, the embedded agents' policies): beside a SQLite file, else the current directory. */
export function dataDirOf(database: string, cwd = process.cwd()): string {
  const fileDb = !/^postgres(ql)?:\/\//.test(database) && database !== ':memory:';
  return fileDb ? dirname(resolve(cwd, database)) : cwd;
}

/** The database as it may be logged: a postgres URL without its password. */
export function describeDatabase(database: string): string {
  return database.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1:***@');
}
