/**
 * `terraform providers schema -json` for this checkout's provider: builds and
 * installs it into a private temporary mirror (nothing from ~/.terraform.d),
 * runs terraform init + providers schema in a temp dir, removes both.
 * Used by cdktf:generate, docs:generate and their tests.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const install = require('../provider-install.js');

function cliConfig(mirror) {
  return `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["terraform.local/*/*"]\n  }\n  direct {\n    exclude = ["terraform.local/*/*"]\n  }\n}\n`;
}

/** A private mirror + CLI config holding this checkout's provider; call cleanup() when done. */
async function privateProvider() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `msf-schema-${process.pid}-`));
  const mirror = path.join(root, 'mirror');
  await install.installProvider(mirror);
  const config = path.join(root, 'cli.tfrc');
  fs.writeFileSync(config, cliConfig(mirror));
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: config,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_PLUGIN_CACHE_DIR: '',
  };
  return { root, mirror, config, env, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** The provider's schema, keyed as terraform prints it (provider_schemas["terraform.local/microseg/microseg"]). */
async function providerSchema() {
  const p = await privateProvider();
  try {
    const dir = path.join(p.root, 'work');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'main.tf'),
      `terraform {\n  required_providers {\n    microseg = { source = "${install.SOURCE}", version = "${install.VERSION}" }\n  }\n}\n`,
    );
    execFileSync('terraform', ['init', '-input=false', '-no-color'], {
      cwd: dir,
      env: p.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const out = execFileSync('terraform', ['providers', 'schema', '-json'], {
      cwd: dir,
      env: p.env,
      maxBuffer: 64 << 20,
      encoding: 'utf8',
    });
    return JSON.parse(out);
  } finally {
    p.cleanup();
  }
}

module.exports = { providerSchema, privateProvider, cliConfig, SOURCE: install.SOURCE, VERSION: install.VERSION };
