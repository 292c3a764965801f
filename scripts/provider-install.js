#!/usr/bin/env node
/**
 * npm run provider:install — bundles the Terraform provider (provider/main.ts)
 * into one minified JavaScript file (provider.js) with esbuild and installs it as
 * terraform.local/microseg/microseg 0.1.0 in the implied local mirror
 * (~/.terraform.d/plugins), so `terraform init` works offline: the executable
 * is scripts/provider-loader.js, which runs the bundle with the V8 code cache
 * the installer makes by starting it once; the protocol files and their
 * descriptor (proto/protocol.json) are beside it.
 * The install needs nothing from this checkout or node_modules afterwards.
 *
 *   node scripts/provider-install.js [--mirror <dir>]
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const HOSTNAME = 'terraform.local';
const NAMESPACE = 'microseg';
const TYPE = 'microseg';
const VERSION = '0.1.0';

function platform() {
  const arch = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' }[process.arch] || process.arch;
  return `${process.platform}_${arch}`;
}

/** The unpacked-layout package directory for one mirror root. */
function packageDir(mirrorRoot) {
  return path.join(mirrorRoot, HOSTNAME, NAMESPACE, TYPE, VERSION, platform());
}

/** The provider's entry point bundled into one minified file, as installed. */
async function bundleProvider(entry, outfile) {
  await require('esbuild').build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    minify: true,
    keepNames: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
}

/** Builds and installs; returns the path of the executable. */
async function installProvider(mirrorRoot = path.join(os.homedir(), '.terraform.d', 'plugins')) {
  const dir = packageDir(mirrorRoot);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'proto'), { recursive: true });
  const exe = path.join(dir, `terraform-provider-${TYPE}_v${VERSION}`);
  await bundleProvider(path.join(ROOT, 'provider', 'main.ts'), path.join(dir, 'provider.js'));
  fs.copyFileSync(path.join(__dirname, 'provider-loader.js'), exe);
  fs.chmodSync(exe, 0o755);
  const protoSrc = path.join(ROOT, 'provider', 'proto');
  for (const f of fs.readdirSync(protoSrc)) fs.copyFileSync(path.join(protoSrc, f), path.join(dir, 'proto', f));
  fs.writeFileSync(path.join(dir, 'proto', 'protocol.json'), JSON.stringify(protocolDescriptor(protoSrc)));
  writeCodeCache(exe);
  return exe;
}

/** Starts the installed provider once so that it writes its code cache (scripts/provider-loader.js). */
function writeCodeCache(exe) {
  const r = spawnSync(process.execPath, [exe], {
    env: {
      PATH: process.env.PATH,
      MICROSEG_PROVIDER_CODE_CACHE: 'write',
      // Terraform's go-plugin cookie (provider/plugin/handshake.ts): without it the provider refuses to start.
      TF_PLUGIN_MAGIC_COOKIE: 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2',
      PLUGIN_PROTOCOL_VERSIONS: '6',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0 || !fs.existsSync(`${path.join(path.dirname(exe), 'provider.js')}.cache`))
    throw new Error(`the provider did not start to write its code cache: ${r.error?.message ?? r.stderr}`);
}

/**
 * Every .proto file of the directory as one protobufjs descriptor (field names as written, as
 * provider/plugin/serve.ts reads them): the provider reads it at each start instead of parsing the files.
 */
function protocolDescriptor(protoDir) {
  const protobuf = require('protobufjs');
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(protoDir, target);
  const files = fs.readdirSync(protoDir).filter((f) => f.endsWith('.proto'));
  return root.loadSync(files, { keepCase: true }).toJSON();
}

module.exports = {
  installProvider,
  bundleProvider,
  writeCodeCache,
  protocolDescriptor,
  packageDir,
  HOSTNAME,
  NAMESPACE,
  TYPE,
  VERSION,
  SOURCE: `${HOSTNAME}/${NAMESPACE}/${TYPE}`,
};

if (require.main === module) {
  const i = process.argv.indexOf('--mirror');
  const mirror = i > 0 ? path.resolve(process.argv[i + 1]) : undefined;
  installProvider(mirror).then(
    (exe) => process.stdout.write(`installed ${HOSTNAME}/${NAMESPACE}/${TYPE} ${VERSION}: ${exe}\n`),
    (e) => {
      process.stderr.write(`provider:install failed: ${e.message}\n`);
      process.exit(1);
    },
  );
}
