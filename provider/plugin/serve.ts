/**
 * The plugin process: the go-plugin handshake, AutoMTLS, and the gRPC server
 * with Terraform's Provider service plus go-plugin's GRPCController
 * (Shutdown), GRPCStdio and the grpc.health.v1 service "plugin".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { generatePluginCertificate } from './cert';
import { checkMagicCookie, handshakeLine, HandshakeError, negotiateProtocolVersion } from './handshake';
import type { Logger } from '../log';

type Handler = (req: Record<string, any>) => Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROTO_FILES = ['tfplugin6.8.proto', 'grpc_controller.proto', 'grpc_stdio.proto', 'health.proto'];

/** The protocol files as protobufjs reads them (google/protobuf/* come with protobufjs). */
export function parseProtocol(dir: string): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(dir, target);
  return root.loadSync(PROTO_FILES, { keepCase: true });
}

/** The descriptor the installer writes beside the .proto files: read in a few ms, where parsing them takes 20–90. */
export const DESCRIPTOR_FILE = 'protocol.json';

function loadRoot(dir: string): protobuf.Root {
  const descriptor = path.join(dir, DESCRIPTOR_FILE);
  if (fs.existsSync(descriptor)) return protobuf.Root.fromJSON(JSON.parse(fs.readFileSync(descriptor, 'utf8')));
  return parseProtocol(dir);
}

/** Beside the bundle (installed) or in provider/proto (source tree). */
export function protoDir(): string {
  for (const dir of [path.join(__dirname, 'proto'), path.join(__dirname, '..', 'proto')]) {
    if (fs.existsSync(path.join(dir, PROTO_FILES[0]))) return dir;
  }
  throw new Error(`cannot find the plugin protocol files (${PROTO_FILES[0]}) beside ${__dirname}`);
}

const SERVICES = ['tfplugin6.Provider', 'plugin.GRPCController', 'plugin.GRPCStdio', 'grpc.health.v1.Health'];

/** Messages as plain objects: field names as in the .proto files, enums as names, every field present. */
const AS_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

/**
 * One service's methods for grpc-js, each message (de)serialized by protobufjs. The server reads a request as
 * decoded (fields as in the .proto, absent ones at their defaults, bytes as Buffers, int64 as Long): the copy into
 * a plain object with every field was a tenth of a plan's provider CPU, and no handler needs it. Answers, which
 * only a client (the tests) reads, are plain objects with enum names.
 */
function methods(service: protobuf.Service): grpc.ServiceDefinition {
  const serialize = (type: protobuf.Type) => (o: object) => Buffer.from(type.encode(type.fromObject(o)).finish());
  return Object.fromEntries(
    service.methodsArray.map((m) => {
      const req = m.resolvedRequestType!;
      const res = m.resolvedResponseType!;
      const def: grpc.MethodDefinition<object, object> = {
        path: `/${service.fullName.slice(1)}/${m.name}`,
        requestStream: !!m.requestStream,
        responseStream: !!m.responseStream,
        requestSerialize: serialize(req),
        requestDeserialize: (b: Buffer) => req.decode(b),
        responseSerialize: serialize(res),
        responseDeserialize: (b: Buffer) => res.toObject(res.decode(b), AS_OBJECT),
      };
      return [m.name, def];
    }),
  );
}

/**
 * The protocol's services by their full names (`proto.tfplugin6.Provider`…), each a grpc-js client
 * constructor whose `service` the server adds. protobufjs directly rather than @grpc/proto-loader: the
 * loader also builds reflection descriptors of every message, which cost the provider a third of its
 * start-up, and Terraform starts it several times per plan.
 */
export function loadProtocol(): grpc.GrpcObject {
  const root = loadRoot(protoDir()).resolveAll();
  const out: grpc.GrpcObject = {};
  for (const name of SERVICES) {
    const parts = name.split('.');
    let at = out;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as grpc.GrpcObject;
    at[parts[parts.length - 1]] = grpc.makeGenericClientConstructor(methods(root.lookupService(name)), name);
  }
  return out;
}

function unary(h: Handler, logger: Logger): grpc.handleUnaryCall<Record<string, unknown>, Record<string, unknown>> {
  return (call, callback) => {
    h(call.request).then(
      (res) => callback(null, res),
      (e: Error) => {
        logger.error('rpc failed', { error: e.message });
        callback({ code: grpc.status.INTERNAL, message: e.message });
      },
    );
  };
}

export interface RunningPlugin {
  address: string;
  line: string;
  stop(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1 (random port). With a client certificate
 * the server requires and verifies it (mutual TLS) and presents its own.
 */
export async function startPluginServer(
  handlers: Record<string, Handler>,
  opts: { clientCertPem?: string; protocolVersion: number; logger: Logger; onShutdown: () => void },
): Promise<RunningPlugin> {
  const proto = loadProtocol() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 256 * 1024 * 1024,
    'grpc.max_send_message_length': 256 * 1024 * 1024,
    'grpc.enable_channelz': 0, // per-call bookkeeping nobody reads: one process per Terraform walk
  });
  const stdioCalls: grpc.ServerWritableStream<unknown, unknown>[] = [];

  server.addService(
    proto.tfplugin6.Provider.service,
    Object.fromEntries(Object.entries(handlers).map(([k, h]) => [k, unary(h, opts.logger)])),
  );
  server.addService(proto.plugin.GRPCController.service, {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      callback(null, {});
      setImmediate(opts.onShutdown);
    },
  });
  server.addService(proto.plugin.GRPCStdio.service, {
    // Logs go straight to stderr, which go-plugin reads too; the stream stays open and quiet until shutdown.
    StreamStdio: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      stdioCalls.push(call);
    },
  });
  const serving = (call: grpc.ServerUnaryCall<{ service: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
    const known = call.request.service === '' || call.request.service === 'plugin';
    callback(null, { status: known ? 'SERVING' : 'SERVICE_UNKNOWN' });
  };
  server.addService(proto.grpc.health.v1.Health.service, {
    Check: serving,
    Watch: (call: grpc.ServerWritableStream<{ service: string }, unknown>) => {
      call.write({ status: 'SERVING' });
    },
  });

  let creds = grpc.ServerCredentials.createInsecure();
  let certForLine = '';
  if (opts.clientCertPem) {
    const cert = generatePluginCertificate();
    creds = grpc.ServerCredentials.createSsl(
      Buffer.from(opts.clientCertPem),
      [{ cert_chain: Buffer.from(cert.certPem), private_key: Buffer.from(cert.keyPem) }],
      true,
    );
    certForLine = cert.handshakeCert;
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `127.0.0.1:${port}`;
  return {
    address,
    line: handshakeLine(opts.protocolVersion, address, certForLine),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of stdioCalls) c.end();
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

/** The whole plugin main: returns the exit code when it refuses to start. */
export async function servePlugin(
  makeHandlers: (logger: Logger, stop: () => void) => Record<string, Handler>,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | null> {
  let version: number;
  try {
    checkMagicCookie(env);
    version = negotiateProtocolVersion(env);
  } catch (e) {
    if (e instanceof HandshakeError) {
      process.stderr.write(e.message);
      return 1;
    }
    throw e;
  }
  let running: RunningPlugin | null = null;
  const shutdown = () => {
    logger.debug('shutting down');
    void (running ? running.stop() : Promise.resolve()).then(() => process.exit(0));
  };
  running = await startPluginServer(makeHandlers(logger, shutdown), {
    clientCertPem: env.PLUGIN_CLIENT_CERT || undefined,
    protocolVersion: version,
    logger,
    onShutdown: shutdown,
  });
  logger.debug('plugin listening', { address: running.address, mtls: !!env.PLUGIN_CLIENT_CERT });
  process.stdout.write(`${running.line}\n`);
  return null;
}
