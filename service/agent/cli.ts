/**
 * `microseg-agent`: the standalone agent for one remote host. It needs only
 * this command, the host's Open vSwitch and the host's agent token
 * (`name:secret:agent:HOST` in the service's MICROSEG_TOKENS), from
 * MICROSEG_TOKEN or --token-file, never an argument: arguments show in ps:
 *
 *   MICROSEG_TOKEN=… microseg-agent --service https://policy-a:7480,https://policy-b:7480 \
 *     --ca-cert /etc/microseg/ca.pem --host hv1 --ovs-rundir /var/run/openvswitch
 *
 * It long-polls the service for new generations (so changes land at once) and
 * also reconciles every --interval (drift repair). It keeps the last realized
 * policy in --state-dir and enforces it while no service answers. It compiles
 * its host incrementally in its own thread (host-compile.ts: one host, so no
 * worker is needed; a change costs what it touches). SIGTERM/SIGINT stop it.
 */
import { Command } from 'commander';
import pino from 'pino';
import { readVerifySample, Verifier } from './verifier';
import { HostAgent } from './host-agent';
import { localCompiler } from './host-compile';
import { OvsDriver } from './ovs-driver';
import { httpLink, type HttpLink, type HttpLinkError } from './http-link';
import { answerTraces } from './long-poll';
import { fileCache } from './policy-cache';
import { readAgentTimings, type AgentTimings } from './timings';
import { caCertFrom, tokenFrom } from '../client/credentials';
import { observationAfterPass } from './observe';
import { pipelineDecoder } from './decode';

interface Options {
  service: string[];
  token?: string;
  tokenFile?: string;
  caCert?: string;
  host: string;
  ovsRundir: string;
  bridge?: string;
  stateDir: string;
  interval?: string;
  fullCheck?: string;
  observeInterval?: string;
  verifySample?: string;
  once?: boolean;
  observe: boolean;
}

export const DEFAULT_STATE_DIR = '/var/lib/microseg-agent';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = new Command('microseg-agent')
    .description("Programs one host's Open vSwitch bridge with the microseg policy and keeps it so.")
    .requiredOption(
      '--service <urls>',
      'the policy service, e.g. https://policy:7480; several replicas comma-separated or repeated (fail over in order)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--token-file <path>', "a file holding this host's agent token (default: $MICROSEG_TOKEN)")
    .option('--token <token>', 'refused: use MICROSEG_TOKEN or --token-file (arguments show in ps)')
    .option('--ca-cert <path>', 'PEM certificate(s) to trust for an https:// service')
    .requiredOption('--host <name>', "this host's name in the policy")
    .requiredOption(
      '--ovs-rundir <dir>',
      'the Open vSwitch run directory (holds <bridge>.mgmt, db.sock and ovs-vswitchd.pid)',
    )
    .option('--bridge <name>', "the bridge (default: the host's bridge in the policy)")
    .option('--state-dir <dir>', 'where the last realized policy is kept (root-only)', DEFAULT_STATE_DIR)
    .option('--interval <duration>', 'reconcile interval (default: $MICROSEG_AGENT_INTERVAL, else 2s)')
    .option(
      '--full-check <duration>',
      'how often the whole bridge is compared with the policy besides the flow monitor (default: $MICROSEG_AGENT_FULL_CHECK, else 60s)',
    )
    .option(
      '--observe-interval <duration>',
      'how often observed connections and rule counters are reported (default: $MICROSEG_OBSERVE_INTERVAL, else 5s)',
    )
    .option(
      '--verify-sample <n>',
      'connections traced and checked against explain() after each realization (default: $MICROSEG_VERIFY_SAMPLE, else 8; 0: off)',
    )
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
  let timings: AgentTimings;
  let verifySample: number;
  let link: HttpLink;
  try {
    verifySample = readVerifySample(env, o.verifySample);
    const token = tokenFrom(o, env);
    timings = readAgentTimings(env, {
      intervalMs: o.interval,
      fullCheckMs: o.fullCheck,
      observeIntervalMs: o.observeInterval,
    });
    link = httpLink({
      services: o.service,
      token,
      host: o.host,
      // The view kept on disk is the resume point: a restarted agent downloads what changed since, not all.
      seed: await fileCache(o.stateDir, o.host)
        .load()
        .catch(() => null),
      ca: caCertFrom(o.caCert),
      onFailover: (from, to, reason) =>
        log.warn({ from, to, reason }, 'the service does not answer: switched to the next one'),
    });
  } catch (e) {
    return fail((e as Error).message);
  }
  const cache = fileCache(o.stateDir, o.host);

  let bridge = o.bridge;
  if (!bridge) {
    let policy;
    try {
      policy = await link.fetchPolicy();
    } catch (e) {
      // No service answers: the kept policy names the bridge too (the agent then enforces it).
      // One that answers with an error (a bad token) is a mistake to show now.
      if ((e as HttpLinkError).status === null) policy = await cache.load().catch(() => null);
      if (!policy) return fail((e as Error).message);
    }
    bridge = policy.hosts.find((h) => h.name === o.host)?.bridge ?? 'br.microseg';
  }
  const driver = new OvsDriver({ rundir: o.ovsRundir, bridge });
  const { intervalMs, fullCheckMs, observeIntervalMs } = timings;
  const observe = o.observe
    ? observationAfterPass({ link, decoderFor: pipelineDecoder, intervalMs: observeIntervalMs })
    : undefined;
  const verifier = new Verifier({
    host: o.host,
    trace: (flow, ctNext) => driver.trace(flow, ctNext),
    sample: verifySample,
    log: (level, msg, fields) => log[level]({ ...fields }, msg),
  });
  const agent = new HostAgent({
    verifier,
    host: o.host,
    link,
    driver,
    compile: localCompiler(o.host),
    intervalMs,
    fullCheckMs,
    log: (level, msg, fields) => log[level]({ ...fields }, msg),
    afterPass: observe ? () => observe(o.host, o.ovsRundir, bridge!) : undefined,
    cache,
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
  log.info(
    { host: o.host, rundir: o.ovsRundir, bridge, intervalMs, services: o.service.join(','), state: cache.path },
    'agent started',
  );
  agent.start();
  // Follow the host's view (long polls with a resume point); a pass runs as soon as it moves.
  const unwatch = link.watch(() => agent.poke(), { retryMs: intervalMs });
  const traces = answerTraces(link, o.host, verifier, intervalMs, (msg, fields) => log.warn(fields, msg));
  await done;
  unwatch();
  traces.stop();
  log.info({ host: o.host }, 'agent stopped');
  return 0;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`microseg-agent: ${e.message}\n`);
      process.exit(1);
    },
  );
}
