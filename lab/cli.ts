/**
 * Lab command line (used by `npm run demo`):
 *   lab up     --prefix P [--spec file.json]   builds the lab, prints its description as JSON
 *   lab status --prefix P                      prints what the state file lists
 *   lab down   --prefix P                      removes everything the state file lists
 * Without --spec, `up` builds the default two-host, six-VM three-tier layout (layouts.ts).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { Lab, type LabSpec } from './lab';
import { readState, labDir } from './state';
import { threeTierLayout } from './layouts';
import { measureMatrix, formatMatrix } from './matrix';

const ports = (s: string) =>
  s
    .split(',')
    .filter(Boolean)
    .map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`port "${p}" is not a port number`);
      return n;
    });

async function main(argv: string[]): Promise<void> {
  const program = new Command('lab').description('microseg lab: hosts and VMs in network namespaces with Open vSwitch');
  program
    .command('up')
    .requiredOption('--prefix <p>', 'unique name prefix (1-8 of [a-z0-9])')
    .option('--spec <file>', 'JSON lab spec { hosts, vms }')
    .action(async (o: { prefix: string; spec?: string }) => {
      const base = o.spec ? (JSON.parse(readFileSync(o.spec, 'utf8')) as Omit<LabSpec, 'prefix'>) : threeTierLayout();
      const lab = await Lab.up({ ...base, prefix: o.prefix, persistentDaemons: true });
      // The VM daemons live as long as this process: detach them so the lab outlives `up`.
      process.stdout.write(JSON.stringify(lab.describe(), null, 2) + '\n');
      lab.detach();
    });
  program
    .command('status')
    .requiredOption('--prefix <p>', 'the prefix given to up')
    .action((o: { prefix: string }) => {
      const s = readState(labDir(o.prefix));
      if (!s) {
        process.stderr.write(`lab: no lab "${o.prefix}"\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    });
  program
    .command('matrix')
    .requiredOption('--prefix <p>', 'the prefix given to up')
    .option('--tcp <ports>', 'TCP ports to probe, comma-separated', '80,8080,5432')
    .option('--udp <ports>', 'UDP ports to probe, comma-separated', '53')
    .option('--no-icmp', 'skip ping')
    .option('--timeout <ms>', 'per-probe timeout', '1000')
    .action(async (o: { prefix: string; tcp: string; udp: string; icmp: boolean; timeout: string }) => {
      const lab = await Lab.attach(o.prefix);
      try {
        const m = await measureMatrix(lab, { tcp: ports(o.tcp), udp: ports(o.udp), icmp: o.icmp }, Number(o.timeout));
        process.stdout.write(formatMatrix(m) + '\n');
      } finally {
        lab.close();
      }
    });
  program
    .command('down')
    .requiredOption('--prefix <p>', 'the prefix given to up')
    .action(async (o: { prefix: string }) => {
      const found = await Lab.downPrefix(o.prefix);
      process.stdout.write(found ? `lab "${o.prefix}" removed\n` : `no lab "${o.prefix}"\n`);
    });
  await program.parseAsync(argv);
}

main(process.argv).catch((e: Error) => {
  process.stderr.write(`lab: ${e.message}\n`);
  process.exitCode = 1;
});
