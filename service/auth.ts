/**
 * Bearer-token auth. Tokens come from MICROSEG_TOKENS (`name:secret:role,…`)
 * or, when it is unset, from an admin token file created on first start.
 * Each route declares the access it needs in its config (`access`).
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

export type Role = 'admin' | 'reader' | 'agent';
export interface Token { name: string; secret: string; role: Role }
/** open: no token; read: any role; write: admin; agent: agent or admin. */
export type Access = 'open' | 'read' | 'write' | 'agent';

const ROLES: Role[] = ['admin', 'reader', 'agent'];

/** Parses MICROSEG_TOKENS; throws an Error naming the bad entry (never its secret). */
export function parseTokens(text: string): Token[] {
  const tokens = text.split(',').map((s) => s.trim()).filter(Boolean).map((entry, i) => {
    const parts = entry.split(':');
    if (parts.length !== 3) throw new Error(`MICROSEG_TOKENS entry ${i + 1} must be name:secret:role`);
    const [name, secret, role] = parts;
    if (!name) throw new Error(`MICROSEG_TOKENS entry ${i + 1} has an empty name`);
    if (secret.length < 8) throw new Error(`MICROSEG_TOKENS entry ${i + 1} (${name}): the secret must be at least 8 characters`);
    if (!ROLES.includes(role as Role)) throw new Error(`MICROSEG_TOKENS entry ${i + 1} (${name}): role must be one of ${ROLES.join(', ')}`);
    return { name, secret, role: role as Role };
  });
  if (tokens.length === 0) throw new Error('MICROSEG_TOKENS is set but lists no token');
  return tokens;
}

export function allows(role: Role, access: Access): boolean {
  switch (access) {
    case 'open': return true;
    case 'read': return true;
    case 'write': return role === 'admin';
    case 'agent': return role === 'admin' || role === 'agent';
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The token an `Authorization` header carries, or null. Compares digests in constant time. */
export function authenticate(tokens: readonly Token[], header: string | undefined): Token | null {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!m) return null;
  const presented = digest(m[1]);
  let found: Token | null = null;
  for (const t of tokens) if (timingSafeEqual(digest(t.secret), presented)) found = t;
  return found;
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
