/** The provider's HTTP client against small local servers: retries, backoff, error bodies, the token. */
import * as http from 'node:http';
import * as https from 'node:https';
import { generatePluginCertificate } from '../../provider/plugin/cert';
import * as net from 'node:net';
import { ApiClient, ApiError, NetworkError } from '../../provider/client/http';
import { createLogger } from '../../provider/log';

async function serve(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A port with nothing listening. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('ApiClient', () => {
  test('GET is retried with growing delays on 503 and connection resets, then succeeds', async () => {
    const times: number[] = [];
    const srv = await serve((req, res) => {
      times.push(Date.now());
      if (times.length === 1) {
        req.socket.destroy();
        return;
      } // connection reset
      if (times.length === 2) {
        res.writeHead(503).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: true, auth: req.headers.authorization }));
    });
    try {
      const lines: string[] = [];
      const logger = createLogger('debug', (l) => lines.push(l));
      const c = new ApiClient({ endpoint: srv.url, token: 'tkn', backoffMs: 50, logger });
      expect(await c.request('GET', '/v1/status')).toEqual({ ok: true, auth: 'Bearer tkn' });
      expect(times).toHaveLength(3);
      // The delays it chose double; it waited at least that long (a timer never fires early; a busy
      // machine may wait longer, so no upper bound).
      const delays = lines.map((l) => JSON.parse(l)).filter((l) => /retrying/.test(l['@message']));
      expect(delays.map((l) => l.delay_ms)).toEqual([50, 100]);
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(50 - 2);
      expect(times[2] - times[1]).toBeGreaterThanOrEqual(100 - 2);
    } finally {
      await srv.close();
    }
  });

  test('POST is not repeated once it may have reached the service', async () => {
    let calls = 0;
    const srv = await serve((_req, res) => {
      calls++;
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'unavailable', message: 'busy', field: null }));
    });
    try {
      const c = new ApiClient({ endpoint: srv.url, backoffMs: 10 });
      await expect(c.request('POST', '/v1/categories', { name: 'x' })).rejects.toMatchObject({
        status: 503,
        body: { message: 'busy' },
      });
      expect(calls).toBe(1);
    } finally {
      await srv.close();
    }
  });

  test('connection refused: retried (nothing was sent), then a NetworkError naming the endpoint', async () => {
    const port = await closedPort();
    const c = new ApiClient({ endpoint: `http://127.0.0.1:${port}`, retries: 2, backoffMs: 10 });
    const started = Date.now();
    await expect(c.request('POST', '/v1/categories', {})).rejects.toThrow(NetworkError);
    await expect(c.request('GET', '/v1/status')).rejects.toThrow(
      `cannot reach the microseg service at http://127.0.0.1:${port}`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * (10 + 20));
  });

  test('service errors keep their code, message and field', async () => {
    const srv = await serve((_req, res) =>
      res
        .writeHead(422, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'invalid', message: '"x" is not a CIDR', field: 'cidrs[0]' })),
    );
    try {
      const err = await new ApiClient({ endpoint: srv.url })
        .request('PUT', '/v1/address-groups/o', {}, { 'If-Match': '"1"' })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({
        status: 422,
        body: { error: 'invalid', message: '"x" is not a CIDR', field: 'cidrs[0]' },
      });
    } finally {
      await srv.close();
    }
  });

  test('a bad endpoint is refused up front', () => {
    expect(() => new ApiClient({ endpoint: 'ftp://x' })).toThrow('must start with http:// or https://');
    expect(() => new ApiClient({ endpoint: 'not a url' })).toThrow('is not a URL');
  });

  test('https: ca_cert verifies the service, insecure skips verification, otherwise a clear failure', async () => {
    const cert = generatePluginCertificate(); // self-signed for 127.0.0.1 and localhost
    const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      expect(await new ApiClient({ endpoint: url, caCert: cert.certPem }).request('GET', '/v1/status')).toEqual({
        ok: true,
      });
      expect(await new ApiClient({ endpoint: url, insecure: true }).request('GET', '/v1/status')).toEqual({ ok: true });
      await expect(new ApiClient({ endpoint: url, backoffMs: 1 }).request('GET', '/v1/status')).rejects.toThrow(
        /cannot reach the microseg service at https:\/\/127\.0\.0\.1:\d+: self.signed certificate/,
      );
      const other = generatePluginCertificate();
      await expect(
        new ApiClient({ endpoint: url, caCert: other.certPem, backoffMs: 1 }).request('GET', '/v1/status'),
      ).rejects.toThrow(NetworkError);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
