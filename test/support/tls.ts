/**
 * A throwaway certificate authority and a server certificate it signed for
 * 127.0.0.1 and localhost, made with openssl in a temp dir (P-256, one day).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyStore } from '../../service/store/store';
import { buildApp } from '../../service/app';
import { requestText } from '../../service/client/http-request';
import { addAgentToken, TEST_TOKENS } from './service';
import type { Token } from '../../service/auth';

export interface TestCerts {
  dir: string;
  /** PEM paths. */
  caPath: string;
  certPath: string;
  keyPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  remove(): void;
}

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), `microseg-tls-${process.pid}-`));
  const p = (f: string) => join(dir, f);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe', timeout: 30_000 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=microseg test CA',
  ]);
  openssl(['req', ...ec, '-keyout', p('key.pem'), '-out', p('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(p('ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl([
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('cert.pem'),
    '-days',
    '1',
    '-extfile',
    p('ext'),
  ]);
  return {
    dir,
    caPath: p('ca.pem'),
    certPath: p('cert.pem'),
    keyPath: p('key.pem'),
    caPem: readFileSync(p('ca.pem'), 'utf8'),
    certPem: readFileSync(p('cert.pem'), 'utf8'),
    keyPem: readFileSync(p('key.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The service in process speaking HTTPS only with `certs` (tokens as in service.ts), and a JSON client trusting their CA. */
export async function startTlsService(certs: TestCerts): Promise<{
  url: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  agentToken(host: string): string;
  close(): Promise<void>;
}> {
  const store = await PolicyStore.open(':memory:');
  const tokens: Token[] = Object.values(TEST_TOKENS);
  const app = await buildApp({ defaultPlugins: false, store, tokens, tls: { cert: certs.certPem, key: certs.keyPem } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `https://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    url,
    agentToken: (host) => addAgentToken(tokens, host),
    async api(method, path, body) {
      const r = await requestText(new URL(path, url), {
        method,
        timeoutMs: 10_000,
        ca: certs.caPem,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: {
          authorization: `Bearer ${TEST_TOKENS.admin.secret}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      });
      return { status: r.status, body: r.text ? JSON.parse(r.text) : undefined };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
