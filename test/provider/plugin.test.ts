/**
 * The installed plugin as a process: the go-plugin handshake (magic cookie,
 * version negotiation, the one stdout line), AutoMTLS (its certificate, and
 * refusing clients without the certificate Terraform announced), the
 * controller/health services, logs on stderr without secrets, and the
 * bundle running outside the checkout.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { encodeValue } from '../../provider/cty/msgpack';
import { generatePluginCertificate } from '../../provider/plugin/cert';
import {
  checkMagicCookie,
  handshakeLine,
  HandshakeError,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  negotiateProtocolVersion,
} from '../../provider/plugin/handshake';
import { DESCRIPTOR_FILE, loadProtocol, parseProtocol } from '../../provider/plugin/serve';
import { schemaType } from '../../provider/framework/schema';
import { microsegProvider } from '../../provider/resources/provider';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { installProvider } = require('../../scripts/provider-install.js') as {
  installProvider(m: string): Promise<string>;
};

describe('handshake (pure)', () => {
  test('the magic cookie is required', () => {
    expect(() => checkMagicCookie({})).toThrow(HandshakeError);
    expect(() => checkMagicCookie({ [MAGIC_COOKIE_KEY]: 'nope' })).toThrow('not meant to be run by hand');
    expect(() => checkMagicCookie({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE })).not.toThrow();
  });

  test('protocol version negotiation picks 6 or refuses', () => {
    expect(negotiateProtocolVersion({ PLUGIN_PROTOCOL_VERSIONS: '5,6' })).toBe(6);
    expect(negotiateProtocolVersion({ PLUGIN_PROTOCOL_VERSIONS: '6' })).toBe(6);
    expect(negotiateProtocolVersion({})).toBe(6);
    expect(() => negotiateProtocolVersion({ PLUGIN_PROTOCOL_VERSIONS: '4,5' })).toThrow(
      'speaks plugin protocol 6; Terraform offered 4, 5',
    );
    expect(() => negotiateProtocolVersion({ PLUGIN_PROTOCOL_VERSIONS: 'x' })).toThrow('invalid version "x"');
  });

  test('the handshake line', () => {
    expect(handshakeLine(6, '127.0.0.1:1234', 'QUJD')).toBe('1|6|tcp|127.0.0.1:1234|grpc|QUJD');
  });

  test('the server certificate: self-signed ECDSA for localhost and 127.0.0.1, DER base64 without padding', () => {
    const c = generatePluginCertificate();
    const x = new X509Certificate(c.certPem);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.ca).toBe(true);
    expect(x.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(c.handshakeCert).not.toMatch(/=/);
    expect(Buffer.from(c.handshakeCert, 'base64')).toEqual(x.raw);
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 24 * 3600_000);
  });
});

describe('the installed plugin process', () => {
  let root: string;
  let exe: string;
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), `msd-plugin-${process.pid}-`));
    exe = await installProvider(path.join(root, 'mirror'));
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  });

  // Runs the executable from a directory outside the checkout, with no NODE_PATH: the bundle must stand alone.
  function run(env: Record<string, string>): ChildProcessWithoutNullStreams {
    const child = spawn(exe, [], { cwd: root, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, ...env } });
    children.push(child);
    return child;
  }

  function finish(
    child: ChildProcessWithoutNullStreams,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  test('the installed bundle stands alone: no path into the checkout, only Node built-in modules, protocol files beside it', () => {
    expect(fs.readFileSync(exe, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const builtins = new Set(builtinModules);
    for (const file of [exe, path.join(path.dirname(exe), 'provider.js')]) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text).not.toContain(path.resolve(__dirname, '..', '..'));
      const required = [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1].replace(/^node:/, ''));
      expect(required.length).toBeGreaterThan(0);
      expect(required.filter((r) => !builtins.has(r))).toEqual([]);
    }
    expect(fs.readdirSync(path.join(path.dirname(exe), 'proto')).sort()).toEqual([
      'grpc_controller.proto',
      'grpc_stdio.proto',
      'health.proto',
      'protocol.json',
      'tfplugin6.8.proto',
    ]);
    // The descriptor the process reads instead of the .proto files says what they say.
    const descriptor = JSON.parse(fs.readFileSync(path.join(path.dirname(exe), 'proto', DESCRIPTOR_FILE), 'utf8'));
    expect(descriptor).toEqual(parseProtocol(path.join(__dirname, '..', '..', 'provider', 'proto')).toJSON());
    expect(path.basename(exe)).toBe('terraform-provider-microseg_v0.1.0');
    expect(path.relative(root, exe)).toMatch(
      /^mirror\/terraform\.local\/microseg\/microseg\/0\.1\.0\/linux_(amd64|arm64)\/terraform-provider-microseg_v0\.1\.0$/,
    );
  });

  test('the code cache the installer made fits this node: V8 takes it instead of compiling the bundle', () => {
    // Checked in a fresh node, as Terraform starts the provider: V8 refuses a cache made under other
    // flags, and this jest worker's may have been changed by another file (flood.test.ts sets --expose-gc).
    const file = path.join(path.dirname(exe), 'provider.js');
    const check = (suffix: string): boolean => {
      const script = `
        const fs = require('node:fs'), vm = require('node:vm'), Module = require('node:module');
        const [file, suffix] = process.argv.slice(1);
        const source = Module.wrap(fs.readFileSync(file, 'utf8')) + suffix;
        const s = new vm.Script(source, { filename: file, cachedData: fs.readFileSync(file + '.cache') });
        process.stdout.write(JSON.stringify(s.cachedDataRejected));`;
      const r = spawnSync(process.execPath, ['-e', script, file, suffix], {
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as boolean;
    };
    // As scripts/provider-loader.js compiles the bundle: taken.
    expect(check('')).toBe(false);
    // A cache of other code is refused (the check can fail).
    expect(check('\n')).toBe(true);
  });

  test('run by hand (no magic cookie): a message for a human, exit 1, nothing on stdout', async () => {
    const r = await finish(run({}));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'This program is the microseg Terraform provider plugin; it is not meant to be run by hand.',
    );
  });

  test('no common protocol version: exit 1 with the reason', async () => {
    const r = await finish(run({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Terraform offered 5');
  });

  test('AutoMTLS: one handshake line, verified client certificate, health, schema, no secret in logs, Shutdown', async () => {
    const client = generatePluginCertificate();
    let seenAuthorization = '';
    const api = http.createServer((req, res) => {
      seenAuthorization = req.headers.authorization ?? '';
      // ConfigureProvider checks the endpoint and token once with /v1/status.
      if (req.url === '/v1/status')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"generation":1,"hosts":[]}');
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not_found', message: 'category "Nope" does not exist', field: null }));
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
    const apiPort = (api.address() as { port: number }).port;

    const child = run({
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: '5,6',
      PLUGIN_CLIENT_CERT: client.certPem,
      TF_LOG: 'TRACE',
    });
    const done = finish(child);
    let out = '';
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      child.on('close', () => reject(new Error('plugin exited before the handshake')));
    });
    const m = line.match(/^1\|6\|tcp\|127\.0\.0\.1:(\d+)\|grpc\|([A-Za-z0-9+/]+)$/);
    expect(m).not.toBeNull();
    const serverCertPem = new X509Certificate(Buffer.from(m![2], 'base64')).toString();

    const proto = loadProtocol() as any;
    const target = `127.0.0.1:${m![1]}`;
    const options = { 'grpc.ssl_target_name_override': 'localhost' };
    const creds = grpc.credentials.createSsl(
      Buffer.from(serverCertPem),
      Buffer.from(client.keyPem),
      Buffer.from(client.certPem),
    );
    const call = <T>(svc: grpc.Client, method: string, req: unknown): Promise<T> =>
      new Promise((resolve, reject) =>
        (svc as any)[method](req, { deadline: Date.now() + 5000 }, (e: Error | null, r: T) =>
          e ? reject(e) : resolve(r),
        ),
      );

    const health = new proto.grpc.health.v1.Health(target, creds, options);
    expect(await call(health, 'Check', { service: 'plugin' })).toEqual({ status: 'SERVING' });

    const provider = new proto.tfplugin6.Provider(target, creds, options);
    const meta = await call<any>(provider, 'GetMetadata', {});
    expect(meta.server_capabilities).toEqual({
      plan_destroy: true,
      get_provider_schema_optional: true,
      move_resource_state: false,
    });
    const schema = await call<any>(provider, 'GetProviderSchema', {});
    expect(Object.keys(schema.resource_schemas)).toHaveLength(9);
    expect(Object.keys(schema.data_source_schemas)).toHaveLength(4);

    // Configure with a token, then read a data source: the token goes to the service, never to the log.
    const def = microsegProvider({});
    const token = 'tok-SECRET-9f8e7d6c';
    const config = {
      endpoint: `http://127.0.0.1:${apiPort}`,
      token,
      ca_cert: null,
      insecure: null,
      timeout: '5s',
      wait_for_realization: false,
    };
    const configured = await call<any>(provider, 'ConfigureProvider', {
      config: { msgpack: Buffer.from(encodeValue(schemaType(def.schema), config)) },
    });
    expect(configured.diagnostics).toEqual([]);
    const ds = def.dataSources.find((d) => d.typeName === 'microseg_category')!;
    const read = await call<any>(provider, 'ReadDataSource', {
      type_name: 'microseg_category',
      config: { msgpack: Buffer.from(encodeValue(schemaType(ds.schema), { name: 'Nope' })) },
    });
    expect(read.diagnostics[0]).toMatchObject({
      severity: 'ERROR',
      summary: 'Not found in the microseg service',
      detail: 'name: category "Nope" does not exist',
    });
    expect(read.diagnostics[0].attribute.steps).toEqual([{ attribute_name: 'name', selector: 'attribute_name' }]);
    expect(seenAuthorization).toBe(`Bearer ${token}`);

    // A client whose certificate Terraform did not announce is refused.
    const stranger = generatePluginCertificate();
    const strangerHealth = new proto.grpc.health.v1.Health(
      target,
      grpc.credentials.createSsl(
        Buffer.from(serverCertPem),
        Buffer.from(stranger.keyPem),
        Buffer.from(stranger.certPem),
      ),
      options,
    );
    await expect(call(strangerHealth, 'Check', { service: 'plugin' })).rejects.toThrow();
    // Nor is a plaintext client.
    const plain = new proto.grpc.health.v1.Health(target, grpc.credentials.createInsecure());
    await expect(call(plain, 'Check', { service: 'plugin' })).rejects.toThrow();

    // go-plugin's stdio stream: opened by Terraform, quiet (logs go to stderr), closed cleanly at shutdown.
    const stdio = new proto.plugin.GRPCStdio(target, creds, options);
    const stream = stdio.StreamStdio({});
    const received: unknown[] = [];
    stream.on('data', (d: unknown) => received.push(d));
    const streamEnded = new Promise<void>((resolve, reject) => {
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });

    const controller = new proto.plugin.GRPCController(target, creds, options);
    await call(controller, 'Shutdown', {});
    await streamEnded;
    expect(received).toEqual([]);
    stdio.close();
    const r = await done;
    for (const c of [health, provider, controller, strangerHealth, plain]) c.close();
    await new Promise<void>((res) => api.close(() => res()));

    expect(r.code).toBe(0);
    expect(out.trim().split('\n')).toEqual([line]); // exactly one line on stdout, nothing before it
    const logs = r.stderr.trim().split('\n');
    expect(logs.length).toBeGreaterThan(3);
    for (const l of logs)
      expect(JSON.parse(l)).toMatchObject({
        '@level': expect.stringMatching(/^(trace|debug|info|warn|error)$/),
        '@message': expect.any(String),
      });
    expect(r.stderr).toContain('"@message":"configured"');
    expect(r.stderr).not.toContain(token);
  });

  test('without PLUGIN_CLIENT_CERT (no AutoMTLS) it serves plaintext and leaves the certificate field empty', async () => {
    const child = run({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE });
    const done = finish(child);
    let out = '';
    const line = await new Promise<string>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      }),
    );
    const m = line.match(/^1\|6\|tcp\|(127\.0\.0\.1:\d+)\|grpc\|$/);
    expect(m).not.toBeNull();
    const proto = loadProtocol() as any;
    const health = new proto.grpc.health.v1.Health(m![1], grpc.credentials.createInsecure());
    await expect(
      new Promise((res, rej) =>
        health.Check({ service: 'plugin' }, (e: Error | null, r: unknown) => (e ? rej(e) : res(r))),
      ),
    ).resolves.toEqual({ status: 'SERVING' });
    const controller = new proto.plugin.GRPCController(m![1], grpc.credentials.createInsecure());
    await new Promise((res, rej) => controller.Shutdown({}, (e: Error | null, r: unknown) => (e ? rej(e) : res(r))));
    health.close();
    controller.close();
    expect((await done).code).toBe(0);
  });
});
