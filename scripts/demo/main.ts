/**
 * `npm run demo [-- --keep | --down] [--prefix P]` (run by scripts/demo.sh from
 * the repository root, after install, bundle and provider:install).
 *   (none)   the whole flow, then removes everything; exit 0 on PASS, 1 on FAIL
 *   --keep   leaves the service and the lab running for /ui (prints URL, token file)
 *   --down   removes what a previous (kept or crashed) run left
 * Ctrl-C removes everything the run made.
 */
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { runDemo, down, readDemoState } from './flow';

let interrupted: Promise<void> | null = null;

async function main(argv: string[]): Promise<number> {
  const program = new Command('demo')
    .description(
      'microseg end to end: lab, service, terraform apply of examples/three-tier, real-packet matrix vs explain()',
    )
    .option('--keep', 'leave the service and the lab running at the end (explore /ui)')
    .option('--down', 'remove everything a previous run left (lab, service, state)')
    .option('--prefix <p>', 'lab name prefix, 1-8 of [a-z0-9] (default: dm<pid>)')
    .option('--state-dir <dir>', 'state directory', '.demo')
    .option('--port <n>', 'service port (default 7480, or a free one when taken)')
    .allowExcessArguments(false);
  program.parse(argv);
  const o = program.opts<{ keep?: boolean; down?: boolean; prefix?: string; stateDir: string; port?: string }>();
  const stateDir = resolve(o.stateDir);
  if (o.down) {
    const found = await down(stateDir);
    process.stdout.write(
      found ? 'demo: removed the lab, the service and the demo state\n' : 'demo: nothing to remove\n',
    );
    return 0;
  }
  let port: number | undefined;
  if (o.port !== undefined) {
    port = Number(o.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`--port: "${o.port}" is not a port number`);
  }
  // Ctrl-C / SIGTERM: remove what this run made, then exit (the failing step's error waits for it, see below).
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (interrupted) return;
      process.stderr.write(`\ndemo: ${sig}, removing the lab and the service…\n`);
      interrupted = down(stateDir).then(() => {
        process.stderr.write('demo: removed\n');
        process.exit(130);
      });
    });
  }
  const r = await runDemo({
    stateDir,
    serviceEntry: join(__dirname, 'service.js'),
    example: resolve('examples', 'three-tier'),
    prefix: o.prefix ?? `dm${process.pid % 100000}`,
    keep: o.keep === true,
    port,
  });
  if (o.keep) {
    const s = readDemoState(stateDir);
    process.stdout.write(
      [
        '',
        'Left running for you to explore:',
        `  web page:   ${r.url}/ui   (token: ${r.tokenFile})`,
        ...r.snapshot.application_rules.map(
          (rule) =>
            `  rule view:  ${r.url}/ui#/rules/${rule.name}?verdict=would-deny&since=1h   (the monitor phase's would-deny connections)`,
        ),
        `  API docs:   ${r.url}/docs`,
        `  terraform:  cd ${s?.workdir} && MICROSEG_ENDPOINT=${r.url} MICROSEG_TOKEN=$(cat ${r.tokenFile}) terraform plan`,
        '  remove it:  npm run demo -- --down',
        '',
      ].join('\n'),
    );
  } else {
    process.stdout.write(
      '(the lab and the service are removed; `npm run demo -- --keep` leaves them running to explore /ui)\n',
    );
  }
  return r.pass ? 0 : 1;
}

main(process.argv).then(
  async (code) => {
    if (interrupted) await interrupted;
    process.exit(code);
  },
  async (e: Error) => {
    // After a Ctrl-C the step fails because its processes went away: finish the cleanup, say nothing more.
    if (interrupted) await interrupted;
    process.stderr.write(`demo: ${e.message}\n`);
    process.exit(1);
  },
);
