/**
 * Monitoring with real packets (needs root): two lab hosts, three VMs, the
 * service in process with embedded agents that report observations. A monitor
 * rule, real traffic it would deny → the would-deny connection in /v1/flows
 * with its rule within 5 s, drawn on the rule's view in a real browser; after
 * switching the rule to apply, the same attempt is refused and shows as deny.
 * /metrics is scraped with realization lag present.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Lab } from '../../lab/lab';
import { isRoot } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import { createEmbeddedAgentsPlugin } from '../../service/agent/plugin';
import { pipelineDecoder } from '../../service/agent/decode';

if (!isRoot())
  throw new Error('test/monitoring/lab-observe needs root: network namespaces, veth pairs and Open vSwitch daemons');
jest.setTimeout(120_000);

const ARTIFACTS = join(__dirname, '..', 'artifacts');
const RULE = 'db-guard';
const rule = (mode: 'monitor' | 'apply') => ({
  name: RULE,
  mode,
  target: { categories: { AppTier: ['db'] } },
  inbound: [{ from: { categories: { AppTier: ['app'] } }, services: [{ protocol: 'tcp', ports: ['5432'] }] }],
  outbound_policy: 'allow_all',
});

describe('observed connections from a real lab', () => {
  const prefix = `eo${process.pid % 100000}`;
  const tmp = mkdtempSync('/tmp/mseo-');
  const figures: string[] = [];
  let lab: Lab;
  let svc: TestService;
  let browser: Browser | undefined;

  const api = async (method: string, path: string, body?: unknown) => {
    const r = await svc.api(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  async function waitRealized(): Promise<void> {
    await eventually(
      'hosts realize the current generation',
      async () => {
        const s = await api('GET', '/v1/status');
        if (
          // Each host's desired generation is the last one that changed its view.
          s.hosts.every(
            (h: { status: { realized_generation: number | null; desired_generation: number } }) =>
              h.status.realized_generation !== null && h.status.realized_generation >= h.status.desired_generation,
          )
        )
          return true;
        throw new Error(`generation ${s.generation}: ${JSON.stringify(s.hosts)}`);
      },
      { timeoutMs: margin(2000), intervalMs: 100 },
    );
  }

  /**
   * Polls /v1/flows until a web1 → db1 tcp/5432 row with this verdict and rule shows; returns ms since `t0`.
   * Promised within 5 s (the next 2 s agent pass, then ingestion); bound margin(5000).
   */
  async function waitForFlow(verdict: string, t0: number): Promise<{ ms: number; row: Record<string, unknown> }> {
    const { value: row } = await eventually(
      `a ${verdict} web1→db1 tcp/5432 row by ${RULE} in /v1/flows`,
      async () => {
        const items = (await api('GET', `/v1/flows?rule=${RULE}&verdict=${verdict}&entity=db1`)).items as Record<
          string,
          unknown
        >[];
        return items.find(
          (f) => f.source === 'web1' && f.destination === 'db1' && f.protocol === 'tcp' && f.port === 5432,
        );
      },
      { timeoutMs: Math.max(0, t0 + margin(5000) - Date.now()), intervalMs: 100 },
    );
    return { ms: Date.now() - t0, row };
  }

  beforeAll(async () => {
    const vm = (name: string, host: string, n: number) => ({
      name,
      host,
      ip: `10.78.0.${n}`,
      mac: `02:78:00:00:00:${n.toString(16).padStart(2, '0')}`,
      port: `vm-${name}`,
      tcp: [5432],
      udp: [],
    });
    lab = await Lab.up({
      prefix,
      hosts: [{ name: 'ha' }, { name: 'hb' }],
      vms: [vm('web1', 'ha', 11), vm('app1', 'hb', 21), vm('db1', 'hb', 31)],
    });
    svc = await startService({
      database: join(tmp, 'microseg.sqlite'),
      plugins: [
        createMonitoringPlugin({ maxEntries: 10_000, retentionMs: 3_600_000 }),
        createEmbeddedAgentsPlugin({ enabled: true, decoderFor: pipelineDecoder }), // the default 2 s pass; observations ride on each pass
      ],
    });
    await api('POST', '/v1/categories', { name: 'AppTier', values: ['web', 'app', 'db'] });
    for (const h of lab.hosts.values())
      await api('POST', '/v1/hosts', { name: h.name, ovs_rundir: h.rundir, bridge: h.bridge, uplinks: [h.uplink] });
    const tier: Record<string, string> = { web1: 'web', app1: 'app', db1: 'db' };
    for (const v of lab.vms.values())
      await api('POST', '/v1/entities', {
        name: v.name,
        host: v.host,
        port: v.port,
        mac: v.mac,
        ips: [v.ip],
        categories: { AppTier: tier[v.name] },
      });
    await api('POST', '/v1/application-rules', rule('monitor'));
    await waitRealized();
  });

  afterAll(async () => {
    await browser?.close();
    await svc?.close();
    await lab?.down();
    rmSync(tmp, { recursive: true, force: true });
    if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
  });

  test('monitor: web1 → db1 tcp/5432 passes and shows as would-deny with its rule within 5 s', async () => {
    const t0 = Date.now();
    expect(await lab.probe({ src: 'web1', dst: 'db1', protocol: 'tcp', port: 5432 })).toBe(true);
    const { ms, row } = await waitForFlow('would-deny', t0);
    figures.push(
      `would-deny web1→db1 tcp/5432 in /v1/flows ${ms} ms after the attempt (promise 5000, bound ${margin(5000)})`,
    );
    expect(row).toMatchObject({
      rule: RULE,
      rule_kind: 'application',
      verdict: 'would-deny',
      source_entity: true,
      destination_entity: true,
    });
    // The allowed path (app1 → db1) is observed as allow, by the same rule.
    expect(await lab.probe({ src: 'app1', dst: 'db1', protocol: 'tcp', port: 5432 })).toBe(true);
    const hits = await api('GET', `/v1/application-rules/${RULE}/hits`);
    expect(hits.connections['would-deny']).toBeGreaterThanOrEqual(1);
  });

  test('the web page draws that would-deny connection on the rule view (headless chromium)', async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${svc.url}/ui#/rules/${RULE}`);
    await page.fill('#token', TEST_TOKENS.reader.secret);
    await page.click('#signin-form button[type=submit]');
    // web1 matches no inbound entry of the rule: its band starts at its tier's group.
    const band = `svg[data-rule="${RULE}"] path.band[data-verdict="would-deny"][data-source="src:AppTier=web"][data-target="tier:db"]`;
    await page.waitForSelector(band, { timeout: 10_000 });
    expect(await page.locator(band).getAttribute('data-rules')).toBe(RULE);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'lab-would-deny.png'), fullPage: true });
  });

  test('apply: the same attempt is refused and shows as deny within 5 s', async () => {
    await api('PUT', `/v1/application-rules/${RULE}`, rule('apply'));
    await waitRealized();
    const t0 = Date.now();
    expect(await lab.probe({ src: 'web1', dst: 'db1', protocol: 'tcp', port: 5432 })).toBe(false);
    const { ms, row } = await waitForFlow('deny', t0);
    figures.push(
      `deny web1→db1 tcp/5432 in /v1/flows ${ms} ms after the attempt (promise 5000, bound ${margin(5000)})`,
    );
    expect(row).toMatchObject({ rule: RULE, verdict: 'deny' });
    // The rule's hits: connections by verdict, and the packets its flows (cookie) matched on the bridges.
    const { value: hits } = await eventually(
      'the rule counts packets',
      async () => {
        const h = await api('GET', `/v1/application-rules/${RULE}/hits`);
        return h.packets > 0 && h;
      },
      { timeoutMs: margin(2000), intervalMs: 200 },
    );
    expect(hits).toMatchObject({ rule: RULE, kind: 'application', mode: 'apply' });
    expect(hits.connections.deny).toBeGreaterThanOrEqual(1);
    expect(hits.connections['would-deny']).toBeGreaterThanOrEqual(1);
    expect(hits.packets).toBeGreaterThan(0);
    figures.push(`hits of ${RULE}: ${JSON.stringify(hits.connections)}, ${hits.packets} packets on its flows`);
  });

  test('/metrics: realization lag per host (0 once realized), flows per host, observed connections by verdict', async () => {
    const text = (await svc.api('GET', '/metrics', undefined, { as: 'reader' })).body as string;
    for (const h of ['ha', 'hb']) {
      expect(text).toContain(`microseg_host_realization_lag{host="${h}"} 0`);
      expect(text).toMatch(new RegExp(`microseg_host_flows\\{host="${h}"\\} [1-9]`));
    }
    expect(text).toMatch(/microseg_connections_observed_total\{verdict="would-deny"\} [1-9]/);
    expect(text).toMatch(/microseg_connections_observed_total\{verdict="deny"\} [1-9]/);
  });
});
