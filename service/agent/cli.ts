/**
 * `microseg-agent`: the standalone agent for one remote host. It needs only
 * this command, the host's Open vSwitch and the host's agent token (`name:secret:agent:HOST` in MICROSEG_TOKENS):
 *
 *   microseg-agent --service http://policy:7480 --token … --host hv1 --ovs-rundir /var/run/openvswitch
 *
 * It long-polls the service for new generations (so changes land at once) and
 * also reconciles every --interval (drift repair). SIGTERM/SIGINT stop it.
 */
import { Command } from 'commander';
import pino from 'pino';
import { compileHost } from '../compiler';
import { HostAgent } from './host-agent';
import { OvsDriver } from './ovs-driver';
import { httpLink } from './http-link';
import { parseDuration } from './duration';
import { observationAfterPass } from '../observations/agent-hook';
import { httpObservationSender } from '../observations/reporter';
import { pipelineDecoder } from '../observations/decode';

interface Options { service: string; token?: string; host: string; ovsRundir: string; bridge?: string; interval: string; once?: boolean; observe: boolean }

export async function main(argv: string[]): Promise<number> {
  const program = new Command('microseg-agent')
    .description('Programs one host\'s Open vSwitch bridge with the microseg policy and keeps it so.')
    .requiredOption('--service <url>', 'the policy service, e.g. http://127.0.0.1:7480')
    .option('--token <token>', 'this host\'s agent token (name:secret:agent:HOST on the service); default $MICROSEG_TOKEN')
    .requiredOption('--host <name>', 'this host\'s name in the policy')
    .requiredOption('--ovs-rundir <dir>', 'the Open vSwitch run directory (holds <bridge>.mgmt and ovs-vswitchd.pid)')
    .option('--bridge <name>', 'the bridge (default: the host\'s bridge in the policy)')
    .option('--interval <duration>', 'reconcile interval', '2s')
    .option('--once', 'one pass, then exit (status 0 when the bridge holds the policy)')
    .option('--no-observe', 'do not report observed connections and rule counters')
    .exitOverride();
  let o: Options;
  try {
    program.parse(argv);
    o = program.opts<Options>();
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code ?? 2;
  }
  const log = pino({ name: 'microseg-agent' }, pino.destination(2));
  const fail = (msg: string) => {
    process.stderr.write(`microseg-agent: ${msg}\n`);
    return 2;
  };
  const token = o.token ?? process.env.MICROSEG_TOKEN;
  if (!token) return fail('--token: missing (or set MICROSEG_TOKEN)');
  let intervalMs: number;
  let link: ReturnType<typeof httpLink>;
  try {
    intervalMs = parseDuration(o.interval, '--interval');
    link = httpLink({ service: o.service, token });
  } catch (e) {
    return fail((e as Error).message);
  }

  let bridge = o.bridge;
  if (!bridge) {
    try {
      bridge = (await link.fetchPolicy()).hosts.find((h) => h.name === o.host)?.bridge ?? 'br.microseg';
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  const driver = new OvsDriver({ rundir: o.ovsRundir, bridge });
  const observe = o.observe
    ? observationAfterPass({ link, decoderFor: pipelineDecoder, send: httpObservationSender(o.service, token) })
    : undefined;
  const agent = new HostAgent({
    host: o.host,
    link,
    driver,
    compile: compileHost,
    intervalMs,
    log: (level, msg, fields) => log[level]({ ...fields }, msg),
    afterPass: observe ? () => observe(o.host, o.ovsRundir, bridge!) : undefined,
  });

  if (o.once) {
    const r = await agent.pass();
    process.stdout.write(JSON.stringify(r) + '\n');
    return r.action === 'error' ? 1 : 0;
  }

  let stopping = false;
  const done = new Promise<void>((resolve) => {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void agent.stop().then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  log.info({ host: o.host, rundir: o.ovsRundir, bridge, intervalMs }, 'agent started');
  agent.start();
  // Long poll for new generations; on any error fall back to the interval alone for a while.
  void (async () => {
    let after = 0;
    while (!stopping) {
      try {
        const snap = await link.waitForPolicy(after, 25);
        if (snap.generation !== after) {
          after = snap.generation;
          agent.poke();
        }
      } catch {
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    }
  })();
  await done;
  log.info({ host: o.host }, 'agent stopped');
  return 0;
}

if (require.main === module) {
  main(process.argv).then((code) => process.exit(code), (e: Error) => {
    process.stderr.write(`microseg-agent: ${e.message}\n`);
    process.exit(1);
  });
}
