/**
 * Starts the policy service in process on a random port for tests, with one
 * token per role, and a small HTTP client. `close()` stops app and store.
 */
import type { FastifyInstance } from 'fastify';
import { PolicyStore } from '../../service/store/store';
import { buildApp, type BuildOptions } from '../../service/app';
import type { Token } from '../../service/auth';
import { isPostgresUrl } from '../../service/store/data-source';
import { onPostgres, workerDatabase } from './worker-postgres';

export const TEST_TOKENS: Record<'admin' | 'reader' | 'agent', Token> = {
  admin: { name: 'test-admin', secret: 'admin-secret-0001', role: 'admin' },
  reader: { name: 'test-reader', secret: 'reader-secret-0001', role: 'reader' },
  agent: { name: 'test-agent', secret: 'agent-secret-0001', role: 'agent' },
};

export interface ApiResponse<T = any> { status: number; body: T; headers: Headers }

export interface TestService {
  url: string;
  store: PolicyStore;
  app: FastifyInstance;
  /** JSON request as `as` (default admin); `headers` are added as given. */
  api<T = any>(method: string, path: string, body?: unknown, options?: { as?: keyof typeof TEST_TOKENS | null; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export async function startService(options: { database?: string } & Partial<Omit<BuildOptions, 'store' | 'tokens'>> = {}): Promise<TestService> {
  const { database: given = ':memory:', ...rest } = options;
  // The PostgreSQL run (jest.postgres.config.js) puts every SQLite database on PostgreSQL.
  const database = onPostgres() && !isPostgresUrl(given) ? await workerDatabase(given) : given;
  const store = await PolicyStore.open(database);
  const app = await buildApp({ defaultPlugins: false, ...rest, store, tokens: Object.values(TEST_TOKENS) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    store,
    app,
    async api(method, path, body, opts = {}) {
      const as = opts.as === undefined ? 'admin' : opts.as;
      const headers: Record<string, string> = { ...(as ? { authorization: `Bearer ${TEST_TOKENS[as].secret}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
      const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON: keep the text */ }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
