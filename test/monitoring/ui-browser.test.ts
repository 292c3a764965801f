/**
 * The web page in a real headless browser (playwright-core + Debian chromium):
 * sign in with a token, see the would-deny connection drawn on the rule's flow
 * view, and a new connection appear without reloading. Saves a screenshot.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { createMonitoringPlugin } from '../../service/observations/monitoring';

const ARTIFACTS = join(__dirname, '..', 'artifacts');
let svc: TestService;
let browser: Browser | undefined;

const observe = (src: string, dst: string, port: number, verdict: string, rule: string | null) =>
  svc.api('POST', '/v1/agents/hosts/ha/observations', {
    connections: [{ src, dst, protocol: 'tcp', port, verdict, rule, rule_kind: rule ? 'application' : null, new: 1, active: 1 }],
  }, { as: 'agent' });

beforeAll(async () => {
  svc = await startService({ plugins: [createMonitoringPlugin({ maxEntries: 1000, retentionMs: 3_600_000 })] });
  for (const [path, body] of [
    ['/v1/categories', { name: 'AppType', values: ['shop'] }],
    ['/v1/categories', { name: 'AppTier', values: ['web', 'app', 'db'] }],
    ['/v1/hosts', { name: 'ha' }],
    ['/v1/entities', { name: 'web-1', host: 'ha', port: 'vm-web1', ips: ['10.0.0.11'], categories: { AppType: 'shop', AppTier: 'web' } }],
    ['/v1/entities', { name: 'app-1', host: 'ha', port: 'vm-app1', ips: ['10.0.0.21'], categories: { AppType: 'shop', AppTier: 'app' } }],
    ['/v1/entities', { name: 'db-1', host: 'ha', port: 'vm-db1', ips: ['10.0.0.31'], categories: { AppType: 'shop', AppTier: 'db' } }],
    ['/v1/application-rules', {
      name: 'shop', mode: 'monitor', target: { categories: { AppType: ['shop'] } },
      inbound: [{ from: { categories: { AppTier: ['web'] } }, to: { categories: { AppTier: ['app'] } }, services: [{ protocol: 'tcp', ports: ['8080'] }] }],
    }],
  ] as const) {
    const r = await svc.api('POST', path, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  await observe('10.0.0.11', '10.0.0.21', 8080, 'allow', 'shop');
  await observe('10.0.0.11', '10.0.0.31', 5432, 'would-deny', 'shop');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await svc?.close();
});

test('sign in, find the would-deny connection drawn on the rule view, live update, screenshot', async () => {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${svc.url}/ui`);
  await page.waitForSelector('#signin-form', { state: 'visible' });

  // A wrong token is refused and not kept.
  await page.fill('#token', 'not-a-token-000');
  await page.click('#signin-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#signin-error')?.textContent !== '');
  expect(await page.evaluate(() => sessionStorage.getItem('microseg.token'))).toBeNull();

  await page.fill('#token', TEST_TOKENS.reader.secret);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#app', { state: 'visible' });
  // The token lives in this tab only.
  expect(await page.evaluate(() => sessionStorage.getItem('microseg.token'))).toBe(TEST_TOKENS.reader.secret);
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  expect(await page.evaluate(() => document.cookie)).toBe('');

  // Hosts and rules are listed.
  await page.waitForSelector('#hosts tr[data-host="ha"]');
  await page.waitForSelector('#rules a[data-rule="shop"]');

  // The would-deny edge web tier → db tier, drawn in its own style.
  const wouldDeny = 'svg[data-rule="shop"] path.edge.observed[data-verdict="would-deny"][data-from="tier:web"][data-to="tier:db"]';
  await page.waitForSelector(wouldDeny, { timeout: 10_000 });
  expect(await page.locator(wouldDeny).getAttribute('data-rules')).toBe('shop');
  const style = await page.locator(wouldDeny).evaluate((e) => { const s = getComputedStyle(e); return { stroke: s.stroke, width: parseFloat(s.strokeWidth), dash: s.strokeDasharray }; });
  const allowStyle = await page.locator('path.edge.observed[data-verdict="allow"]').evaluate((e) => { const s = getComputedStyle(e); return { stroke: s.stroke, width: parseFloat(s.strokeWidth) }; });
  expect(style.stroke).toBe('rgb(239, 108, 0)');
  expect(style.width).toBeGreaterThan(allowStyle.width);
  expect(style.dash).not.toBe('none');
  expect(await page.locator('svg text.edge-label.verdict-would-deny').first().textContent()).toContain('would-deny tcp/5432');
  expect(await page.locator('#flows tr.row-would-deny').count()).toBeGreaterThan(0);

  // Live: a new connection appears without a reload (polling every 2 s).
  const t0 = Date.now();
  await observe('10.0.0.21', '10.0.0.31', 3306, 'deny', 'shop');
  await page.waitForSelector('path.edge.observed[data-verdict="deny"][data-from="tier:app"][data-to="tier:db"]', { timeout: 5_000 });
  expect(Date.now() - t0).toBeLessThan(5_000);

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.locator('#view-section').screenshot({ path: join(ARTIFACTS, 'ui-flow-view.png') });
  await page.screenshot({ path: join(ARTIFACTS, 'ui-page.png'), fullPage: true });
  expect(errors).toEqual([]);
}, 60_000);
