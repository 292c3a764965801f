/**
 * The demo's flow, usable as a library (test/demo runs exactly this):
 * lab → service → terraform init/apply (monitor) → real traffic → would-deny
 * connections from /v1/flows → apply (mode=apply; its plan warns of the observed connections it cuts) →
 * matrix vs explain().
 * Everything made is recorded in <stateDir>/state.json before it is made, so
 * `down(stateDir)` removes it after a crash, a Ctrl-C or a `--keep` run.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../lab/lab';
import { DEFAULT_BASE } from '../../lab/state';
import type { PolicySnapshot } from '../../service/model/snapshot';
import type { FlowRecord } from '../../service/model/observation';
import { demoLabSpec, demoVmNames, threeTierVars, PROBED } from './layout';
import { startService, stopPid, pickPort, newToken, api, type ServiceHandle } from './service';
import { prepareWorkdir, terraform } from './terraform';
import { checkedMatrix, summarize, formatChecked, decidedBy, type CheckedCell } from './matrix';
import { createProgress, type Progress } from './progress';
import { addOffice, removeNamespace, OFFICE, type Office } from './office';

export interface DemoOptions {
  /** Where the demo keeps its database, token, logs and terraform working copy (e.g. `.demo`). */
  stateDir: string;
  /** The bundled service entry (scripts/demo/bundle.js → service.js). */
  serviceEntry: string;
  /** examples/three-tier. */
  example: string;
  /** Lab name prefix (1-8 of [a-z0-9]): unique per run so labs of others never collide. */
  prefix: string;
  labBase?: string;
  /** Extra environment for terraform (tests: a CLI config pointing at a private provider mirror). */
  terraformEnv?: Record<string, string>;
  /** Leave the service and lab running at the end (for /ui). */
  keep?: boolean;
  progress?: Progress;
  /** Where the human-readable output goes (default stdout). */
  print?: (text: string) => void;
  /** Port for the service (default 7480 if free, else a free one). */
  port?: number;
}

export interface DemoState {
  prefix: string;
  labBase: string;
  servicePid: number | null;
  url: string | null;
  tokenFile: string;
  workdir: string;
  /** Namespaces made outside the lab (the office). */ namespaces: string[];
}

export interface DemoResult {
  pass: boolean;
  monitor: CheckedCell[];
  apply: CheckedCell[];
  wouldDenyFlows: FlowRecord[];
  snapshot: PolicySnapshot;
  url: string;
  tokenFile: string;
  seconds: number;
}

/** Steps shown by the progress display (the last one, removing everything, only without --keep). */
export const stepCount = (keep: boolean) => (keep ? 8 : 9);
const statePath = (dir: string) => join(dir, 'state.json');

export function readDemoState(stateDir: string): DemoState | null {
  const f = statePath(stateDir);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as DemoState) : null;
}

function saveState(stateDir: string, s: DemoState): void {
  writeFileSync(statePath(stateDir), JSON.stringify(s, null, 2) + '\n');
}

const inFlight = new Map<string, Promise<boolean>>();

/**
 * Removes what a demo made: service process, lab, state dir files (not the bundle).
 * Returns whether there was anything. Concurrent calls (Ctrl-C during a failing step) share one run.
 */
export function down(stateDir: string): Promise<boolean> {
  let p = inFlight.get(stateDir);
  if (!p) {
    p = downOnce(stateDir).finally(() => inFlight.delete(stateDir));
    inFlight.set(stateDir, p);
  }
  return p;
}

async function downOnce(stateDir: string): Promise<boolean> {
  const s = readDemoState(stateDir);
  if (!s) return false;
  if (s.servicePid) await stopPid(s.servicePid);
  for (const ns of s.namespaces ?? []) await removeNamespace(ns);
  await Lab.downPrefix(s.prefix, s.labBase);
  for (const f of [
    'state.json',
    'microseg.sqlite',
    'microseg.sqlite-wal',
    'microseg.sqlite-shm',
    'admin.token',
    'service.log',
    'terraform.log',
  ])
    rmSync(join(stateDir, f), { force: true });
  rmSync(s.workdir, { recursive: true, force: true });
  return true;
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const t0 = Date.now();
  const progress = o.progress ?? createProgress(stepCount(o.keep === true));
  const print =
    o.print ??
    ((t: string) => {
      process.stdout.write(t + '\n');
    });
  mkdirSync(o.stateDir, { recursive: true });
  if (readDemoState(o.stateDir)) {
    progress.info('removing the previous demo run (lab, service) first');
    await down(o.stateDir);
  }
  const token = newToken();
  const tokenFile = join(o.stateDir, 'admin.token');
  writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
  const state: DemoState = {
    prefix: o.prefix,
    labBase: o.labBase ?? DEFAULT_BASE,
    servicePid: null,
    url: null,
    tokenFile,
    workdir: join(o.stateDir, 'three-tier'),
    namespaces: [],
  };
  saveState(o.stateDir, state);
  const tfLog = join(o.stateDir, 'terraform.log');
  writeFileSync(tfLog, '');

  const lab = await progress.step('lab: 2 hosts (Open vSwitch), 9 VMs, an office machine', () =>
    Lab.up({ ...demoLabSpec(o.prefix, o.keep === true), baseDir: state.labBase }),
  );
  let svc: ServiceHandle;
  let office: Office | null = null;
  const closeOffice = () => {
    if (o.keep) office?.daemon.detach();
    else office?.daemon.stop();
  };
  try {
    office = await addOffice(o.prefix, o.keep === true, (ns) => {
      state.namespaces.push(ns);
      saveState(o.stateDir, state);
    });
    const port = o.port ?? (await pickPort());
    svc = await progress.step(`policy service on 127.0.0.1:${port} (SQLite)`, () =>
      startService({
        entry: o.serviceEntry,
        database: join(o.stateDir, 'microseg.sqlite'),
        port,
        token,
        logFile: join(o.stateDir, 'service.log'),
        onPid: (pid) => {
          state.servicePid = pid;
          state.url = `http://127.0.0.1:${port}`;
          saveState(o.stateDir, state);
        },
      }),
    );

    const rundirs = Object.fromEntries([...lab.hosts.values()].map((h) => [h.name, h.rundir]));
    prepareWorkdir(o.example, state.workdir, threeTierVars(rundirs));
    const env = { MICROSEG_ENDPOINT: svc.url, MICROSEG_TOKEN: token, ...o.terraformEnv };
    await progress.step('terraform init (offline)', () =>
      terraform(state.workdir, ['init', '-input=false', '-no-color'], env, tfLog),
    );
    await progress.step('terraform apply -var mode=monitor', () =>
      terraform(
        state.workdir,
        ['apply', '-auto-approve', '-input=false', '-no-color', '-var', 'mode=monitor'],
        env,
        tfLog,
      ),
    );

    const snapshotMonitor = await api<PolicySnapshot>(svc, '/v1/agents/policy');
    const monitor = await progress.step('real traffic in monitor mode (every pair, 5 services)', () =>
      checkedMatrix(lab, office!, snapshotMonitor, PROBED),
    );
    const wouldDenyFlows = await progress.step('would-deny connections from /v1/flows', () =>
      waitWouldDeny(svc, monitor),
    );
    print(formatFlows(wouldDenyFlows));

    const switched = await progress.step('terraform apply -var mode=apply', () =>
      terraform(
        state.workdir,
        ['apply', '-auto-approve', '-input=false', '-no-color', '-var', 'mode=apply'],
        env,
        tfLog,
      ),
    );
    print(impactWarnings(switched.stdout));
    const snapshot = await api<PolicySnapshot>(svc, '/v1/agents/policy');
    if (snapshot.application_rules.some((r) => r.mode !== 'apply'))
      throw new Error('after apply with mode=apply the service still has a monitor application rule');
    const apply = await progress.step('reachability matrix with real packets (apply mode)', () =>
      checkedMatrix(lab, office!, snapshot, PROBED),
    );

    const m = summarize(monitor);
    const a = summarize(apply);
    const wouldDenyCells = monitor.filter((c) => c.verdict === 'would-deny');
    const closedByApply = wouldDenyCells.filter(
      (c) =>
        !apply.find((x) => x.src === c.src && x.dst === c.dst && x.protocol === c.protocol && x.port === c.port)?.open,
    );
    const pass =
      m.agree === m.total &&
      a.agree === a.total &&
      wouldDenyCells.length > 0 &&
      wouldDenyFlows.length > 0 &&
      closedByApply.length === wouldDenyCells.length;
    const seconds = Math.round((Date.now() - t0) / 100) / 10;
    const result: DemoResult = { pass, monitor, apply, wouldDenyFlows, snapshot, url: svc.url, tokenFile, seconds };
    print(report(result, lab, closedByApply.length));
    closeOffice();
    if (o.keep) {
      lab.detach();
    } else {
      await progress.step('removing the lab, the service and the demo state', () => down(o.stateDir));
      lab.close();
    }
    return result;
  } catch (e) {
    closeOffice();
    if (!o.keep) {
      await down(o.stateDir).catch(() => undefined);
      lab.close();
    } else {
      lab.detach();
    }
    throw e;
  }
}

/** Polls /v1/flows until every would-deny cell measured shows up (or 20 s pass); returns the would-deny rows. */
async function waitWouldDeny(svc: ServiceHandle, monitor: CheckedCell[]): Promise<FlowRecord[]> {
  const want = monitor.filter((c) => c.verdict === 'would-deny').length;
  const t0 = Date.now();
  let rows: FlowRecord[];
  for (;;) {
    rows = (await api<{ items: FlowRecord[] }>(svc, '/v1/flows?verdict=would-deny&limit=10000')).items;
    if ((rows.length >= want && want > 0) || Date.now() - t0 > 20_000) return rows;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The plan's warnings about observed connections (docs/impact.md), once per resource: terraform shows them when it
 * plans and again when it applies each change.
 */
function impactWarnings(stdout: string): string {
  const blocks = stdout.split(/\n(?=Warning: |Error: |Apply complete|Plan: )/);
  const shown = new Map<string, string>();
  for (const b of blocks) {
    if (!b.startsWith('Warning: This change alters the verdict of observed connections')) continue;
    const resource = b.match(/with (\S+),/)?.[1] ?? '';
    // Terraform folds the repeat into "(and one more similar warning elsewhere)": it is the same warning.
    if (!shown.has(resource)) shown.set(resource, b.replace(/\(and .* similar warnings? elsewhere\)/, '').trim());
  }
  if (shown.size === 0) return '';
  return `\nThe plan of the switch to apply warned (the connections it cuts, from the observed history):\n\n${[...shown.values()].join('\n\n')}\n`;
}

/** One line per (source, destination, rule) with the services seen. */
function formatFlows(rows: FlowRecord[]): string {
  if (!rows.length) return '\nNo would-deny connections observed.';
  const label = (r: FlowRecord) =>
    r.protocol === 'tcp' || r.protocol === 'udp' ? `${r.protocol}/${r.port}` : r.protocol;
  const groups = new Map<string, { head: string; services: string[] }>();
  for (const r of rows) {
    const who = (name: string, ip: string, entity: boolean) => (entity ? name : ip === OFFICE.ip ? `office ${ip}` : ip);
    const head = `${who(r.source, r.source_ip, r.source_entity)} → ${who(r.destination, r.destination_ip, r.destination_entity)}`;
    const key = `${head}\u0000${r.rule_kind} rule "${r.rule ?? ''}"`;
    if (!groups.has(key)) groups.set(key, { head, services: [] });
    groups.get(key)!.services.push(label(r));
  }
  const w = Math.max(...[...groups.values()].map((g) => g.head.length));
  const sw = Math.max(...[...groups.values()].map((g) => g.services.join(' ').length));
  const lines = [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, g]) => `  ${g.head.padEnd(w)}  ${g.services.sort().join(' ').padEnd(sw)}  ${key.split('\u0000')[1]}`);
  return `\nWould-deny connections seen in monitor mode (GET /v1/flows?verdict=would-deny): ${rows.length} (source → destination, services, deciding rule)\n${lines.join('\n')}\n`;
}

function report(r: DemoResult, lab: Lab, closedByApply: number): string {
  const names = demoVmNames().filter((n) => lab.vms.has(n));
  const m = summarize(r.monitor);
  const a = summarize(r.apply);
  const lines = [
    '',
    'Reachability matrix after `terraform apply -var mode=apply` (real packets beside explain()):',
    '',
    formatChecked(r.apply, names, [...names, OFFICE.name]),
    `monitor mode: ${m.agree}/${m.total} cells agree with explain() (allow ${m.byVerdict.allow}, would-deny ${m.byVerdict['would-deny']}, deny ${m.byVerdict.deny})`,
    `decided by (apply mode): ${decidedBy(r.apply)}`,
    `apply mode:   ${a.agree}/${a.total} cells agree with explain() (allow ${a.byVerdict.allow}, deny ${a.byVerdict.deny}); ${closedByApply}/${m.byVerdict['would-deny']} would-deny cells closed by apply`,
    ...[
      ...m.disagreements.map((d) => `  monitor disagreement: ${d}`),
      ...a.disagreements.map((d) => `  apply disagreement: ${d}`),
    ],
    `${r.pass ? 'PASS' : 'FAIL'}: the network does what explain() says (${r.seconds}s)`,
  ];
  return lines.join('\n');
}
