/**
 * `microseg`: the operators' command line. Commands: status, flows [--watch],
 * explain SRC DST SERVICE, recommend RULE, trace SRC DST SERVICE, impact PLAN.json.
 * Errors print one line (no stack) and exit 1; impact exits 2 when the plan changes observed connections, trace
 * when the bridge and explain() disagree.
 */
import { Command, Option } from 'commander';
import { CliError, makeClient, type Client } from './client';
import {
  explainText,
  flowRow,
  FLOW_HEADERS,
  parseService,
  statusText,
  table,
  traceDisagreement,
  traceText,
  type TraceAnswer,
  type ExplainAnswer,
  type StatusBody,
} from './format';
import type { FlowRecord } from '../service/model/observation';
import { recommendationHcl } from './hcl';
import type { RecommendationAnswer } from '../service/model/recommendation';
import { requireDuration } from '../service/model/duration';
import { readFileSync } from 'node:fs';
import { impactSummary, flipText, type DecisionT, type ImpactResultT } from '../service/model/impact';
import { planChanges } from './plan-changes';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}
const stdio: Io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function watchFlows(
  client: Client,
  query: Record<string, string | undefined>,
  intervalMs: number,
  io: Io,
  signal: AbortSignal,
): Promise<void> {
  // Prints each row when it is new or seen again (its last_seen moved), like `tail -f`.
  const printed = new Map<string, string>();
  let header = false;
  while (!signal.aborted) {
    const body = await client.get<{ items: FlowRecord[] }>('/v1/flows', query);
    const fresh = body.items
      .filter((f) => {
        const key = `${f.source}|${f.destination}|${f.protocol}|${f.port}|${f.verdict}|${f.rule_kind}|${f.rule}`;
        if (printed.get(key) === `${f.last_seen}|${f.count}`) return false;
        printed.set(key, `${f.last_seen}|${f.count}`);
        return true;
      })
      .reverse();
    if (fresh.length) {
      const text = table(FLOW_HEADERS, fresh.map(flowRow)).split('\n');
      io.out((header ? text.slice(1) : text).join('\n'));
      header = true;
    }
    await sleep(intervalMs);
  }
}

const decisionText = (d: DecisionT) =>
  `${d.verdict}${d.rule ? ` (${d.rule}${d.mode ? `, ${d.mode}` : ''})` : ` (${d.layer})`}`;

/** The same lines as the plan's warning, every connection listed, then each flip with the deciding rules. */
export function impactText(r: ImpactResultT, skipped: string[], now = Date.now()): string {
  const window = `connections observed since ${r.window.since}, ${r.replayed} replayed`;
  const lines = [
    ...skipped.map((s) => `not judged: ${s}`),
    r.flips.length === 0
      ? `No observed connection changes verdict (${window}).`
      : `${r.flips.length} observed connections change verdict (${window}):`,
    ...impactSummary(r.flips, now, Infinity),
  ];
  if (r.flips.length > 0) {
    lines.push(
      '',
      ...r.flips.map((f) => `  ${flipText(f, now)}  ${decisionText(f.from)} → ${decisionText(f.to)}  ×${f.count}`),
    );
    lines.push(
      '',
      'by rule:',
      ...r.by_rule.map(
        (b) => `  ${b.rule ?? `(${b.kind ?? 'default'})`}  ${b.connections} connections, ${b.count} observed`,
      ),
    );
  }
  return lines.join('\n');
}

/** `exit.code` is set by commands that answer with an exit status (impact: 2 when connections flip). */
export function buildProgram(
  io: Io = stdio,
  env: NodeJS.ProcessEnv = process.env,
  exit: { code: number } = { code: 0 },
): Command {
  const program = new Command('microseg')
    .description('microseg operator CLI (endpoint and token from MICROSEG_ENDPOINT and MICROSEG_TOKEN or --token-file)')
    .option('--endpoint <url>', 'service URL (default $MICROSEG_ENDPOINT or http://127.0.0.1:7480)')
    .option('--token-file <path>', 'a file holding the API token (default: $MICROSEG_TOKEN)')
    .option('--token <token>', 'refused: use MICROSEG_TOKEN or --token-file (arguments show in ps)')
    .option('--ca-cert <path>', 'PEM certificate(s) to trust for an https:// endpoint')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  const client = () =>
    makeClient(program.opts<{ endpoint?: string; token?: string; tokenFile?: string; caCert?: string }>(), env);

  program
    .command('status')
    .description("policy generation and each host's realization state")
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const body = await client().get<StatusBody>('/v1/status');
      io.out(o.json ? JSON.stringify(body, null, 2) : statusText(body));
    });

  program
    .command('flows')
    .description('observed connections, most recent first')
    .option('--rule <name>', 'only connections decided by this rule')
    .option('--entity <name>', 'only connections from or to this entity')
    .option('--category <Key:Value>', 'only connections whose source or destination carries this category value')
    .addOption(new Option('--verdict <verdict>', 'only this verdict').choices(['allow', 'deny', 'would-deny']))
    .option('--since <when>', 'RFC 3339 time or a duration ago (30s, 5m, 2h)')
    .option('--limit <n>', 'at most this many rows', '100')
    .option('-w, --watch', 'keep printing new and updated connections')
    .option('--interval <duration>', 'watch polling interval (at least 200ms)', '2s')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        rule?: string;
        entity?: string;
        category?: string;
        verdict?: string;
        since?: string;
        limit: string;
        watch?: boolean;
        interval: string;
        json?: boolean;
      }) => {
        const query = {
          rule: o.rule,
          entity: o.entity,
          category: o.category,
          verdict: o.verdict,
          since: o.since,
          limit: o.limit,
        };
        let intervalMs: number;
        try {
          intervalMs = requireDuration(o.interval, '--interval', { minMs: 200, maxMs: 3_600_000 });
        } catch (e) {
          throw new CliError((e as Error).message);
        }
        if (o.watch) {
          const stop = new AbortController();
          process.once('SIGINT', () => stop.abort());
          await watchFlows(client(), query, intervalMs, io, stop.signal);
          return;
        }
        const body = await client().get<{ items: FlowRecord[] }>('/v1/flows', query);
        if (o.json) io.out(JSON.stringify(body.items, null, 2));
        else io.out(body.items.length ? table(FLOW_HEADERS, body.items.map(flowRow)) : '(no observed connections)');
      },
    );

  program
    .command('explain')
    .description('what the policy decides for a connection, e.g. explain web-1 db-1 tcp/5432')
    .argument('<src>', 'source entity name or IP')
    .argument('<dst>', 'destination entity name or IP')
    .argument('<service>', 'tcp/PORT, udp/PORT, sctp/PORT, icmp[/TYPE], icmpv6[/TYPE], or an IP protocol (gre, 47)')
    .option('--json', 'print JSON')
    .action(async (src: string, dst: string, svc: string, o: { json?: boolean }) => {
      let parsed;
      try {
        parsed = parseService(svc);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const r = await client().get<ExplainAnswer>('/v1/reachability', { src, dst, ...parsed });
      io.out(o.json ? JSON.stringify(r, null, 2) : explainText(src, dst, svc, r));
    });

  program
    .command('recommend')
    .description(
      "an application rule's entries written from observed traffic, as HCL to paste (its current entries kept)",
    )
    .argument('<rule>', 'application rule name')
    .option('--window <duration>', 'how far back observed connections count', '24h')
    .option('--json', 'print the JSON answer (with the connections behind each entry)')
    .action(async (rule: string, o: { window: string; json?: boolean }) => {
      const r = await client().get<RecommendationAnswer>(
        `/v1/application-rules/${encodeURIComponent(rule)}/recommendation`,
        { window: o.window },
      );
      io.out(o.json ? JSON.stringify(r, null, 2) : recommendationHcl(r));
    });

  program
    .command('trace')
    .description(
      "ofproto/trace of a connection on the bridges of both its ends, through their agents: the path by table, the deciding rule, explain()'s verdict and whether they agree (exit 2 when they disagree), e.g. trace web-1 db-1 tcp/5432",
    )
    .argument('<src>', 'source entity name or IP')
    .argument('<dst>', 'destination entity name or IP')
    .argument('<service>', 'tcp/PORT, udp/PORT, sctp/PORT, icmp[/TYPE], icmpv6[/TYPE], or an IP protocol (gre, 47)')
    .option('--json', 'print JSON (with the raw ofproto/trace output of each host)')
    .action(async (src: string, dst: string, svc: string, o: { json?: boolean }) => {
      let parsed;
      try {
        parsed = parseService(svc);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const body = {
        src,
        dst,
        protocol: parsed.protocol,
        ...(parsed.port !== undefined ? { port: Number(parsed.port) } : {}),
        ...(parsed.icmp_type !== undefined ? { icmp_type: Number(parsed.icmp_type) } : {}),
      };
      const r = await client().post<TraceAnswer>('/v1/trace', body);
      io.out(o.json ? JSON.stringify(r, null, 2) : traceText(src, dst, svc, r));
      // A script must not take a disagreement for a pass: a line on stderr (also with --json) and exit 2.
      if (!r.agree) {
        io.err(`${traceDisagreement(r)}; exit 2`);
        exit.code = 2;
      }
    });

  program
    .command('impact')
    .description(
      'which observed connections a saved plan would change: impact plan.json, from terraform show -json PLANFILE (exit 2 when any, 0 when none)',
    )
    .argument('<plan.json>', 'the JSON of a saved plan (terraform show -json PLANFILE > plan.json), or - for stdin')
    .option('--window <duration>', 'how far back observed connections count', '24h')
    .option('--json', 'print the service answer as JSON')
    .action(async (file: string, o: { window: string; json?: boolean }) => {
      let planned;
      try {
        const text = readFileSync(file === '-' ? 0 : file, 'utf8');
        planned = planChanges(JSON.parse(text));
      } catch (e) {
        throw new CliError(`${file}: ${(e as Error).message}`);
      }
      const r = await client().post<ImpactResultT>('/v1/impact', { changes: planned.changes, window: o.window });
      io.out(o.json ? JSON.stringify(r, null, 2) : impactText(r, planned.skipped));
      exit.code = r.flips.length > 0 ? 2 : 0;
    });
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(io, env, exit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      return 0;
    if (err.code?.startsWith('commander.')) return err.exitCode ?? 1; // commander printed it already
    io.err(`microseg: ${err instanceof CliError ? err.message : err.message || String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
