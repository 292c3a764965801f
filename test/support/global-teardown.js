/**
 * Jest global teardown: the esbuild bundles service/agent/bundled-script.ts writes to the temporary directory
 * (`microseg-<name>-<pid>.js`, when a worker thread or helper runs from the sources) go with their process's
 * 'exit' handler, which jest's workers do not always reach; those of processes that are gone are removed here.
 */
const { readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

module.exports = async () => {
  for (const name of readdirSync(tmpdir())) {
    const m = /^microseg-[a-z-]+-(\d+)\.js$/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(tmpdir(), name), { force: true });
  }
};
