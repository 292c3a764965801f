/**
 * Starts the policy service in process on a random port for tests, with an
 * admin and a reader token, agent tokens bound to hosts as tests ask for them
 * (`agentToken`, `as: 'agent:HOST'`), and a small HTTP client. `close()` stops
 * app and store.
 */
import type { FastifyInstance } from 'fastify';
import { PolicyStore, type StoreOptions } from '../../service/store/store';
import { buildApp, type BuildOptions } from '../../service/app';
import type { Token } from '../../service/auth';
import { isPostgresUrl } from '../../service/store/data-source';
import { onPostgres, workerDatabase } from './worker-postgres';

export const TEST_TOKENS: Record<'admin' | 'reader', Token> = {
  admin: { name: 'test-admin', secret: 'admin-secret-0001', role: 'admin' },
  reader: { name: 'test-reader', secret: 'reader-secret-0001', role: 'reader' },
};
/** The secret of the test agent token bound to `host` (registered with a service by `agentToken`). */
export const agentSecret = (host: string): string => `agent-secret-${host}`;
/** The test agent token bound to `host`. */
export const testAgentToken = (host: string): Token => ({
  name: `test-agent-${host}`,
  secret: agentSecret(host),
  role: 'agent',
  host,
});
/** Adds the agent token of `host` to `tokens` (once); returns its secret. */
export function addAgentToken(tokens: Token[], host: string): string {
  const token = testAgentToken(host);
  if (!tokens.some((t) => t.secret === token.secret)) tokens.push(token);
  return token.secret;
}
/** Who a test request speaks as: a role's token, the agent token of one host, or none. */
export type TestIdentity = keyof typeof TEST_TOKENS | `agent:${string}`;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestService {
  url: string;
  store: PolicyStore;
  app: FastifyInstance;
  /** JSON request as `as` (default admin); `headers` are added as given. */
  api<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options?: { as?: TestIdentity | null; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  /** The secret of the agent token bound to `host` (the service knows it from now on), for a standalone agent. */
  agentToken(host: string): string;
  close(): Promise<void>;
}

export async function startService(
  options: { database?: string; store?: StoreOptions } & Partial<Omit<BuildOptions, 'store' | 'tokens'>> = {},
): Promise<TestService> {
  const { database: given = ':memory:', store: storeOptions, ...rest } = options;
  // The PostgreSQL run (jest.postgres.config.js) puts every SQLite database on PostgreSQL.
  const database = onPostgres() && !isPostgresUrl(given) ? await workerDatabase(given) : given;
  const store = await PolicyStore.open(database, storeOptions);
  // The app reads the list at each request: agent tokens added later count.
  const tokens: Token[] = Object.values(TEST_TOKENS);
  const agentToken = (host: string) => addAgentToken(tokens, host);
  const secretOf = (as: TestIdentity) =>
    as.startsWith('agent:')
      ? agentToken(as.slice('agent:'.length))
      : TEST_TOKENS[as as keyof typeof TEST_TOKENS].secret;
  const app = await buildApp({ defaultPlugins: false, ...rest, store, tokens });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    store,
    app,
    agentToken,
    async api(method, path, body, opts = {}) {
      const as = opts.as === undefined ? 'admin' : opts.as;
      const headers: Record<string, string> = {
        ...(as ? { authorization: `Bearer ${secretOf(as)}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      };
      const res = await fetch(url + path, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
