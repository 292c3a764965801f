/**
 * Bearer-token auth. Tokens come from MICROSEG_TOKENS (`name:secret:role,…`,
 * agents `name:secret:agent:HOST`) or, when it is unset, from an admin token
 * file created on first start. Each route declares the access it needs in its
 * config (`access`).
 */
import { randomBytes, hash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { NAME_PATTERN } from './model/schemas';

export type Role = 'admin' | 'reader' | 'agent';
/** `host`: the one host an agent token speaks for (agent tokens only). */
export interface Token {
  name: string;
  secret: string;
  role: Role;
  host?: string;
}
/**
 * open: no token; read: admin or reader; write: admin; agent: admin or a host's agent
 * (what every agent needs: the policy); host: admin or the agent of the host the route names (`:name`).
 */
export type Access = 'open' | 'read' | 'write' | 'agent' | 'host';

const ROLES: Role[] = ['admin', 'reader', 'agent'];
const HOST_NAME = new RegExp(NAME_PATTERN);

/** Parses MICROSEG_TOKENS; throws an Error naming the bad entry (never its secret). */
export function parseTokens(text: string): Token[] {
  const tokens = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i): Token => {
      const parts = entry.split(':');
      if (parts.length !== 3 && parts.length !== 4)
        throw new Error(`MICROSEG_TOKENS entry ${i + 1} must be name:secret:role (agents name:secret:agent:HOST)`);
      const [name, secret, role, host] = parts;
      const which = `MICROSEG_TOKENS entry ${i + 1} (${name})`;
      if (!name) throw new Error(`MICROSEG_TOKENS entry ${i + 1} has an empty name`);
      if (secret.length < 8) throw new Error(`${which}: the secret must be at least 8 characters`);
      if (!ROLES.includes(role as Role)) throw new Error(`${which}: role must be one of ${ROLES.join(', ')}`);
      if (role !== 'agent') {
        if (host !== undefined) throw new Error(`${which}: only an agent token names a host`);
        return { name, secret, role: role as Role };
      }
      // An agent token speaks for one host: unbound, it could report for every host.
      if (host === undefined)
        throw new Error(`${which}: an agent token must name the host it serves: ${name}:…:agent:HOST`);
      if (!HOST_NAME.test(host)) throw new Error(`${which}: "${host}" is not a host name (${NAME_PATTERN})`);
      return { name, secret, role: 'agent', host };
    });
  if (tokens.length === 0) throw new Error('MICROSEG_TOKENS is set but lists no token');
  return tokens;
}

/** Why `token` may not use a route of `access` (null: it may). `host`: the host the route names, if any. */
export function refusal(token: Token, access: Access, host: string | undefined): string | null {
  const who = `token "${token.name}" (role ${token.role}${token.host ? ` for host ${token.host}` : ''})`;
  if (token.role === 'admin' || access === 'open') return null;
  if (token.role === 'reader') {
    if (access === 'read') return null;
    return `${who} may not ${access === 'write' ? 'change objects' : 'use the agent routes'}`;
  }
  // An agent reads the policy and reports for its own host, nothing else.
  if (!token.host) return `${who} is bound to no host, so it may do nothing; give it one: ${token.name}:…:agent:HOST`;
  if (access === 'agent') return null;
  if (access === 'host') return host === token.host ? null : `${who} may not speak for host "${host}"`;
  return `${who} may only read the policy and report for host ${token.host}`;
}

const digest = (s: string) => hash('sha256', s, 'hex');

/**
 * Each token list's tokens by the digest of their secret, computed once: a request hashes only what it
 * presents and looks the digest up. The lookup compares digests, never secrets, so its timing tells nothing
 * about a secret (finding a secret from its SHA-256 is the preimage problem).
 */
const byDigest = new WeakMap<readonly Token[], { list: Token[]; secrets: string[]; tokens: Map<string, Token> }>();

/** The token an `Authorization` header carries, or null. */
export function authenticate(tokens: readonly Token[], header: string | undefined): Token | null {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!m) return null;
  let known = byDigest.get(tokens);
  // Computed again if the list was changed in place.
  if (
    !known ||
    known.list.length !== tokens.length ||
    known.list.some((t, i) => t !== tokens[i] || known!.secrets[i] !== t.secret)
  ) {
    // Two tokens with one secret: the later one, as before.
    const map = new Map(tokens.map((t) => [digest(t.secret), t]));
    byDigest.set(tokens, (known = { list: [...tokens], secrets: tokens.map((t) => t.secret), tokens: map }));
  }
  return known.tokens.get(digest(m[1])) ?? null;
}

/** Where the generated admin token lives: in the service's data directory (config.ts: dataDirOf). */
export function adminTokenPath(dataDir: string): string {
  return join(dataDir, 'microseg.admin.token');
}

/** Reads the admin token file, creating it (mode 0600) with a new secret on first start. */
export function ensureAdminToken(path: string): { token: Token; created: boolean } {
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (secret.length >= 8) return { token: { name: 'admin', secret, role: 'admin' }, created: false };
  }
  const secret = randomBytes(24).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { token: { name: 'admin', secret, role: 'admin' }, created: true };
}
