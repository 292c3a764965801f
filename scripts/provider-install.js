#!/usr/bin/env node
/**
 * npm run provider:install — bundles the Terraform provider (provider/main.ts)
 * into one JavaScript file with esbuild and installs it, with the protocol
 * files beside it, as terraform.local/microseg/microseg 0.1.0 in the implied
 * local mirror (~/.terraform.d/plugins), so `terraform init` works offline.
 * The install needs nothing from this checkout or node_modules afterwards.
 *
 *   node scripts/provider-install.js [--mirror <dir>]
 */
'use strict';
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

/** Builds and installs; returns the path of the executable. */
async function installProvider(mirrorRoot = path.join(os.homedir(), '.terraform.d', 'plugins')) {
  const esbuild = require('esbuild');
  const dir = packageDir(mirrorRoot);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'proto'), { recursive: true });
  const exe = path.join(dir, `terraform-provider-${TYPE}_v${VERSION}`);
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'provider', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: exe,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
    legalComments: 'none',
  });
  fs.chmodSync(exe, 0o755);
  const protoSrc = path.join(ROOT, 'provider', 'proto');
  for (const f of fs.readdirSync(protoSrc)) fs.copyFileSync(path.join(protoSrc, f), path.join(dir, 'proto', f));
  return exe;
}

module.exports = {
  installProvider,
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
