/**
 * The web page on the demo (needs root): the demo's own flow — lab, service,
 * terraform apply of examples/three-tier in monitor mode, real traffic, then
 * apply mode and real traffic again — left running, then every page in
 * headless chromium against what the API says. Screenshots in test/artifacts/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { isRoot } from '../../lab/exec';
import { eventually, margin } from '../../lab/eventually';
import { runDemo, down, type DemoResult } from '../../scripts/demo/flow';
import { pickPort } from '../../scripts/demo/service';
import { createProgress } from '../../scripts/demo/progress';
import {
  launchBrowser,
  signedInPage,
  screenshot,
  waitForView,
  overlaps,
  checkBandDetails,
  trackView,
  type ViewBandT,
} from '../support/ui';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundle, ROOT } = require('../../scripts/demo/bundle.js') as {
  bundle(out: string): { service: string };
  ROOT: string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cliConfig: cliConfigText } = require('../../scripts/demo/provider-schema.js') as {
  cliConfig(mirror: string): string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { installProvider } = require('../../scripts/provider-install.js') as {
  installProvider(mirror: string): Promise<string>;
};

if (!isRoot())
  throw new Error(
    'test/monitoring/ui-demo needs root: the demo makes network namespaces, veth pairs and Open vSwitch daemons',
  );
jest.setTimeout(420_000);

const tmp = mkdtempSync('/tmp/msui-demo-');
const stateDir = join(tmp, 'state');
const binDir = join(ROOT, '.demo', `ui-test-${process.pid}`);
let result: DemoResult;
let token: string;
let browser: Browser | undefined;

const get = async (path: string) => {
  const res = await fetch(result.url + path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const hashOf = (page: Page) => page.evaluate(() => decodeURIComponent(location.hash));

beforeAll(async () => {
  const { service } = bundle(binDir);
  const mirror = join(tmp, 'mirror');
  await installProvider(mirror);
  const cliConfig = join(tmp, 'cli.tfrc');
  writeFileSync(cliConfig, cliConfigText(mirror));
  result = await runDemo({
    stateDir,
    serviceEntry: service,
    example: join(ROOT, 'examples', 'three-tier'),
    prefix: `du${process.pid % 100000}`,
    port: await pickPort(0),
    terraformEnv: { TF_CLI_CONFIG_FILE: cliConfig, TF_PLUGIN_CACHE_DIR: '' },
    progress: createProgress(8, process.stderr, true),
    print: () => undefined,
    keep: true, // the pages are looked at after the run
  });
  token = readFileSync(result.tokenFile, 'utf8').trim();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await down(stateDir).catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
  rmSync(binDir, { recursive: true, force: true });
});

test("rule view of the demo's shop rule: labels apart, every band's services and counts, the monitor phase's would-deny band", async () => {
  expect(result.pass).toBe(true);
  const { page, errors } = await signedInPage(browser!, result.url, token, '#/rules/shop');
  // The history is live (agents report every 2 s): compare the drawing with the answers the page itself received.
  const sent = trackView(page);
  await waitForView(page);
  const { value: view } = await eventually(
    'the drawing shows the latest answer',
    async () => {
      const v = sent.latest();
      const drawn = await page
        .locator('#view path.band')
        .evaluateAll((ps) => ps.map((p) => p.getAttribute('data-band')).sort());
      return v && JSON.stringify(drawn) === JSON.stringify(v.bands.map((b) => b.id).sort()) && (v as any);
    },
    { timeoutMs: margin(2000), intervalMs: 200 },
  );
  expect(await overlaps(page)).toEqual([]);
  expect(await checkBandDetails(page, () => sent.latest()!.bands)).toEqual([]);
  // The would-deny connections the demo saw in monitor mode are on would-deny bands (by service and end), decided by shop.
  const wouldDeny = view.bands.filter((b: ViewBandT) => b.verdict === 'would-deny');
  expect(wouldDeny.length).toBeGreaterThan(0);
  expect(await page.locator('#view path.band[data-verdict="would-deny"]').count()).toBe(wouldDeny.length);
  const shown = new Set(
    wouldDeny.flatMap((b: ViewBandT & { endpoints: { name: string }[] }) =>
      b.services.flatMap((s) => b.endpoints.map((e) => `${e.name} ${s.service}`)),
    ),
  );
  const target = new Set(
    result.snapshot.entities
      .filter((e) => e.categories.AppType === 'shop' && e.categories.Environment === 'prod')
      .map((e) => e.name),
  );
  const seen = result.wouldDenyFlows.filter(
    (f) => f.rule === 'shop' && (target.has(f.destination) || target.has(f.source)),
  );
  expect(seen.length).toBeGreaterThan(0);
  const missing = seen.filter((f) => {
    const far = target.has(f.destination) ? f.source : f.destination;
    return !shown.has(`${far} ${f.port === null ? f.protocol : `${f.protocol}/${f.port}`}`);
  });
  expect(missing).toEqual([]);
  expect(wouldDeny.every((b: ViewBandT) => b.rules.includes('shop'))).toBe(true);
  // After apply, the same paths are denied: deny bands too.
  expect(view.bands.some((b: ViewBandT) => b.verdict === 'deny')).toBe(true);
  process.stdout.write(
    `demo rule view: ${view.nodes.length} nodes, ${view.bands.length} bands (${wouldDeny.length} would-deny), totals ${JSON.stringify(view.totals)}; ${seen.length} would-deny rows of the monitor phase\n`,
  );
  await screenshot(page, 'demo-rule.png');
  await page.locator('#view').screenshot({ path: join(__dirname, '..', 'artifacts', 'demo-rule-view.png') });
  expect(errors).toEqual([]);
  await page.close();
});

test('filters on the demo: verdict and search change the URL, the bands and the rows', async () => {
  const { page, errors } = await signedInPage(browser!, result.url, token, '#/rules/shop');
  await waitForView(page);
  let t = Date.now();
  await page.selectOption('#f-verdict', 'would-deny');
  await waitForView(page, t);
  expect(await hashOf(page)).toBe('#/rules/shop?verdict=would-deny');
  await page.waitForFunction(() => document.querySelector('.pager-summary')?.textContent?.startsWith('rows'));
  const { value: api } = await eventually(
    'the table counts what the API counts',
    async () => {
      const a = await get('/v1/flows?rule=shop&rule_kind=application&verdict=would-deny&since=1h&limit=50');
      return (
        (await page.locator('.pager-summary').textContent()) ===
          `rows ${a.total ? 1 : 0}–${Math.min(50, a.total)} of ${a.total}` && a
      );
    },
    { timeoutMs: margin(2000), intervalMs: 300 },
  );
  const rows = await page
    .locator('table.flows tbody tr[class^="row-"]')
    .evaluateAll((trs) => trs.map((tr) => tr.className));
  expect(rows.length).toBe(Math.min(50, api.total));
  expect(new Set(rows)).toEqual(new Set(['row-would-deny']));
  expect(
    await page
      .locator('#view path.band')
      .evaluateAll((ps) => [...new Set(ps.map((p) => p.getAttribute('data-verdict')))]),
  ).toEqual(['would-deny']);

  t = Date.now();
  await page.fill('#f-q', 'AppTier:db');
  await page.press('#f-q', 'Enter');
  await waitForView(page, t);
  expect(await hashOf(page)).toBe('#/rules/shop?verdict=would-deny&q=AppTier:db');
  // The drawing and the API agree (retried: a live history may move between the two by a poll).
  const { value: db } = await eventually(
    'the filtered drawing equals the API',
    async () => {
      const v = await get('/v1/application-rules/shop/flow-view?since=1h&verdict=would-deny&q=AppTier:db');
      const drawn = await page
        .locator('#view path.band')
        .evaluateAll((ps) => ps.map((p) => p.getAttribute('data-band')).sort());
      return JSON.stringify(drawn) === JSON.stringify(v.bands.map((b: ViewBandT) => b.id).sort()) && v;
    },
    { timeoutMs: margin(2000), intervalMs: 300 },
  );
  // Every band has a db end: the db tier itself, or ends that are db entities.
  const tierOf = new Map(result.snapshot.entities.map((e) => [e.name, e.categories.AppTier]));
  const dbEnds = (b: ViewBandT & { endpoints: { name: string }[] }) =>
    b.target === 'tier:db' || b.source === 'tier:db' || b.endpoints.every((e) => tierOf.get(e.name) === 'db');
  expect(db.bands.length).toBeGreaterThan(0);
  expect(db.bands.filter((b: ViewBandT & { endpoints: { name: string }[] }) => !dbEnds(b))).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
});

test('entity, host and explain pages on the demo show what the API says', async () => {
  const { page, errors } = await signedInPage(browser!, result.url, token, '#/');
  await page.waitForSelector('#hosts tr[data-host="ha"]');
  await page.waitForSelector('#rules a[data-rule="shop"]');
  await page.waitForSelector('table.flows tbody tr[class^="row-"]');
  await screenshot(page, 'demo-overview.png');

  for (const name of ['web1', 'db2']) {
    await page.goto(`${result.url}/ui#/entities/${name}`);
    await page.waitForSelector('#entity-rules tr[data-rule]');
    const entity = await get(`/v1/entities/${name}`);
    expect(
      await page
        .locator('#entity-categories .chip')
        .evaluateAll((cs) => cs.map((c) => c.getAttribute('data-category'))),
    ).toEqual(Object.entries(entity.categories).map(([k, v]) => `${k}:${v}`));
    const rules = (await get(`/v1/entities/${name}/rules`)).items;
    expect(
      await page
        .locator('#entity-rules tbody tr')
        .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent))),
    ).toEqual(rules.map((r: Record<string, string>) => [r.kind, r.name, r.mode, r.as]));
    if (name === 'db2') expect(rules.map((r: { name: string }) => r.name)).toContain('forensic'); // the demo quarantines db2
    await page.waitForSelector('table.flows tbody tr[class^="row-"]');
    // The demo's last connections may still be arriving: the table agrees with the API by the next poll (2 s).
    await eventually(
      `${name}'s table shows the API's row count`,
      async () => {
        const total = (await get(`/v1/flows?entity=${name}&since=1h&limit=1`)).total;
        return (await page.locator('.pager-summary').textContent()) === `rows 1–${Math.min(50, total)} of ${total}`;
      },
      { timeoutMs: margin(2000), intervalMs: 200 },
    );
    await screenshot(page, `demo-entity-${name}.png`);
  }

  await page.goto(`${result.url}/ui#/hosts/ha`);
  await page.waitForSelector('#host-last-error');
  const host = await get('/v1/hosts/ha');
  const facts = Object.fromEntries(
    await page
      .locator('dl.facts dt')
      .evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])),
  );
  expect(facts).toMatchObject({
    'Desired generation': String(host.status.desired_generation),
    'Realized generation': String(host.status.realized_generation),
    Realization: '✓ up to date',
    'Last error': host.status.last_error ?? 'none',
  });
  expect(Number(facts['OpenFlow flows'])).toBeGreaterThan(0);
  await screenshot(page, 'demo-host.png');

  await page.goto(`${result.url}/ui#/explain?src=web1&dst=db1&service=tcp/5432`);
  await page.waitForSelector('#explain-verdict');
  const r = await get('/v1/reachability?src=web1&dst=db1&protocol=tcp&port=5432');
  const mark: Record<string, string> = { allow: '✓', deny: '✕', 'would-deny': '⚠' };
  expect([
    await page.textContent('#explain-verdict'),
    await page.textContent('#explain-layer'),
    await page.textContent('#explain-rule'),
    await page.textContent('#explain-mode'),
  ]).toEqual([`${mark[r.verdict]} ${r.verdict}`, r.layer, r.rule ?? 'none (default allow)', r.mode ?? '—']);
  await screenshot(page, 'demo-explain.png');
  expect(errors).toEqual([]);
  await page.close();
});
