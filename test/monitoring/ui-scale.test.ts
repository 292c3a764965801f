/**
 * The web page at datacenter size, in headless chromium: 10,000 entities,
 * 500 application rules, 50,000 observed-connection rows. The rule view and
 * its connections table render within the 2 s promise (asserted with the 5×
 * margin, the figure logged), and the browser receives a bounded payload: the
 * service filters, aggregates and pages, never sending every row.
 */
import type { Browser, Page } from 'playwright-core';
import { startService, TEST_TOKENS, type TestService } from '../support/service';
import { createMonitoringPlugin } from '../../service/observations/monitoring';
import { launchBrowser, signedInPage, screenshot, waitForView, overlaps } from '../support/ui';
import { margin } from '../../lab/eventually';
import type { ObservedConnectionT } from '../../service/model/observation';

jest.setTimeout(300_000);

const APPS = 500;
const PER_APP = 20; // 10,000 entities
const HOSTS = 20;
const ROWS = 50_000;
const TIERS = ['web', 'app', 'db'] as const;
/** What one view (the rule page: diagram + a table page + status) may send the browser, all responses together. */
const PAYLOAD_BOUND = 128 * 1024;

const ipOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const entityIp = (app: number, k: number) => ipOf(app * PER_APP + k + 1);
const entityName = (app: number, k: number) => `a${app}-${TIERS[k % 3]}${k}`;

let svc: TestService;
let browser: Browser | undefined;
const figures: string[] = [];

/** The rows: app0 (the viewed rule) gets 40,000 (outside addresses → web, web → app, app → db, some would-deny/deny), the other apps the rest. */
function connections(): ObservedConnectionT[] {
  const out: ObservedConnectionT[] = [];
  const c = (
    src: string,
    dst: string,
    port: number,
    verdict: ObservedConnectionT['verdict'],
    rule: string | null,
  ): ObservedConnectionT => ({
    src,
    dst,
    protocol: 'tcp',
    port,
    verdict,
    rule,
    rule_kind: rule ? 'application' : null,
    new: 1 + (out.length % 7),
    active: 1,
  });
  for (let i = 0; i < 30_000; i++)
    out.push(
      c(
        `100.64.${i >> 8}.${i & 255}`,
        entityIp(0, (i % 7) * 3),
        443 + (i % 3) * 1000,
        i % 10 === 0 ? 'would-deny' : 'allow',
        'r0',
      ),
    );
  for (let i = 0; i < 10_000; i++) {
    const web = (i % 7) * 3;
    const app = 1 + (i % 6) * 3;
    out.push(
      i % 5 === 0
        ? c(entityIp(0, web), entityIp(0, 2 + (i % 6) * 3), 5000 + (i % 500), 'would-deny', 'r0')
        : c(entityIp(0, web), entityIp(0, app), 8000 + (i % 1000), 'allow', 'r0'),
    );
  }
  for (let i = 0; out.length < ROWS; i++) {
    const app = 1 + (i % (APPS - 1));
    out.push(
      c(
        entityIp(app, i % PER_APP),
        entityIp(app, (i + 1) % PER_APP),
        1000 + (i % 20_000),
        i % 13 === 0 ? 'deny' : 'allow',
        `r${app}`,
      ),
    );
  }
  return out;
}

beforeAll(async () => {
  svc = await startService({ plugins: [createMonitoringPlugin({ maxEntries: ROWS, retentionMs: 3_600_000 })] });
  const t0 = Date.now();
  const { store } = svc;
  await store.create('category', {
    name: 'AppType',
    values: Array.from({ length: APPS }, (_, i) => `app${i}`),
  } as never);
  await store.create('category', { name: 'AppTier', values: [...TIERS] } as never);
  for (let h = 0; h < HOSTS; h++) await store.create('host', { name: `h${h}` } as never);
  for (let a = 0; a < APPS; a++) {
    for (let k = 0; k < PER_APP; k++) {
      await store.create('entity', {
        name: entityName(a, k),
        host: `h${(a + k) % HOSTS}`,
        port: `vm${a}-${k}`,
        ips: [entityIp(a, k)],
        categories: { AppType: `app${a}`, AppTier: TIERS[k % 3] },
      } as never);
    }
  }
  const tier = (a: number, t: string) => ({ categories: { AppType: [`app${a}`], AppTier: [t] } });
  for (let a = 0; a < APPS; a++) {
    await store.create('application_rule', {
      name: `r${a}`,
      mode: 'monitor',
      target: { categories: { AppType: [`app${a}`] } },
      inbound: [
        { from: { cidrs: ['100.64.0.0/16'] }, to: tier(a, 'web'), services: [{ protocol: 'tcp', ports: ['443'] }] },
        { from: tier(a, 'web'), to: tier(a, 'app'), services: [{ protocol: 'tcp', ports: ['8000-8999'] }] },
        { from: tier(a, 'app'), to: tier(a, 'db'), services: [{ protocol: 'tcp', ports: ['5432'] }] },
      ],
      outbound_policy: 'allow_all',
    } as never);
  }
  const t1 = Date.now();
  const rows = connections();
  for (let s = 0; s < rows.length; s += 5000) {
    const host = `h${s % HOSTS}`;
    const r = await svc.api(
      'POST',
      `/v1/agents/hosts/${host}/observations`,
      { connections: rows.slice(s, s + 5000) },
      { as: `agent:${host}` },
    );
    if (r.status !== 204) throw new Error(`observations: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const stats = (await svc.api('GET', '/v1/flows?limit=1')).body.stats;
  if (stats.entries !== ROWS) throw new Error(`expected ${ROWS} rows in the history, got ${JSON.stringify(stats)}`);
  figures.push(
    `setup: ${APPS * PER_APP} entities and ${APPS} rules stored in ${t1 - t0} ms, ${ROWS} rows reported in ${Date.now() - t1} ms`,
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await svc?.close();
  if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
});

/** Bytes of every response the page receives from now until `stop()`, by path. */
function countPayload(page: Page): { stop: () => Promise<{ total: number; byPath: Record<string, number> }> } {
  const pending: Promise<[string, number]>[] = [];
  const on = (res: import('playwright-core').Response) => {
    pending.push(
      res.body().then(
        (b) => [new URL(res.url()).pathname, b.length] as [string, number],
        () => [res.url(), 0] as [string, number],
      ),
    );
  };
  page.on('response', on);
  return {
    async stop() {
      page.off('response', on);
      const byPath: Record<string, number> = {};
      for (const [p, n] of await Promise.all(pending)) byPath[p] = (byPath[p] ?? 0) + n;
      return { total: Object.values(byPath).reduce((a, b) => a + b, 0), byPath };
    },
  };
}

/** Navigates the signed-in page to `hash`; resolves with the ms until the rule view and a full table page are drawn. */
async function timeRuleView(page: Page, hash: string): Promise<number> {
  const t0 = await page.evaluate(() => Date.now());
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await waitForView(page, t0, margin(2000));
  await page.waitForFunction(
    () => document.querySelectorAll('table.flows tbody tr[class^="row-"]').length === 50,
    undefined,
    { timeout: margin(2000) },
  );
  return (await page.evaluate(() => Date.now())) - t0;
}

test('rule view and table of a rule among 10,000 entities, 500 rules and 50,000 rows: drawn in < 2 s, payload bounded', async () => {
  const { page, errors } = await signedInPage(browser!, svc.url, TEST_TOKENS.reader.secret, '#/explain');
  await page.waitForSelector('#explain-form');
  const payload = countPayload(page);
  const ms = await timeRuleView(page, '#/rules/r0');
  const { total, byPath } = await payload.stop();
  figures.push(
    `rule view + table (r0, ${ROWS} rows in the history): drawn in ${ms} ms (promise 2000, bound ${margin(2000)}); the browser received ${total} bytes (bound ${PAYLOAD_BOUND}): ${JSON.stringify(byPath)}`,
  );
  expect(ms).toBeLessThan(margin(2000));
  expect(total).toBeLessThan(PAYLOAD_BOUND);

  // What the view stands for: 40,000 rows of r0 aggregated into a handful of bands, the table one page of them.
  const view = (await svc.api('GET', '/v1/application-rules/r0/flow-view?since=1h')).body;
  const rows = view.bands.reduce((s: number, b: { rows: number }) => s + b.rows, 0);
  expect(rows).toBe(40_000);
  expect(view.bands.length).toBeLessThanOrEqual(12);
  expect(await page.locator('#view path.band').count()).toBe(view.bands.length);
  expect(await page.locator('.pager-summary').textContent()).toBe('rows 1–50 of 40,000');
  expect(await overlaps(page)).toEqual([]);
  await screenshot(page, 'ui-scale-rule.png');

  // A filter is as quick: would-deny only, sorted by count.
  const filtered = await timeRuleView(page, '#/rules/r0?verdict=would-deny&sort=count&order=desc');
  figures.push(
    `the same view filtered to would-deny and sorted by count: ${filtered} ms (promise 2000, bound ${margin(2000)})`,
  );
  expect(filtered).toBeLessThan(margin(2000));
  expect(
    await page
      .locator('#view path.band')
      .evaluateAll((ps) => [...new Set(ps.map((p) => p.getAttribute('data-verdict')))]),
  ).toEqual(['would-deny']);
  expect(errors).toEqual([]);
  await page.close();
});

test('the service side of those answers, polled as the open page does (figures)', async () => {
  for (const path of [
    '/v1/application-rules/r0/flow-view?since=1h',
    '/v1/application-rules/r1/flow-view?since=1h',
    '/v1/flows?since=1h&rule=r0&rule_kind=application&sort=count&order=desc&offset=0&limit=50',
  ]) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s0 = performance.now();
      expect((await svc.api('GET', path, undefined, { as: 'reader' })).status).toBe(200);
      times.push(Math.round(performance.now() - s0));
    }
    figures.push(`server: GET ${path}: ${times.join(', ')} ms (three calls in a row; r1 had not been asked before)`);
    // Each answer is within the promise on its own (bound with the margin).
    expect(Math.max(...times)).toBeLessThan(margin(2000));
  }
});

test('the overview with 500 rules and the 50,000-row table: one page of rows, payload bounded', async () => {
  const { page, errors } = await signedInPage(browser!, svc.url, TEST_TOKENS.reader.secret, '#/explain');
  await page.waitForSelector('#explain-form');
  const payload = countPayload(page);
  const t0 = await page.evaluate(() => Date.now());
  await page.evaluate(() => {
    location.hash = '#/';
  });
  await page.waitForFunction(
    () =>
      document.querySelectorAll('#rules tbody tr').length === 500 &&
      document.querySelectorAll('table.flows tbody tr[class^="row-"]').length === 50,
    undefined,
    { timeout: margin(2000) },
  );
  const ms = (await page.evaluate(() => Date.now())) - t0;
  const { total, byPath } = await payload.stop();
  figures.push(
    `overview (20 hosts, 500 rules, table of ${ROWS} rows): drawn in ${ms} ms (promise 2000, bound ${margin(2000)}); received ${total} bytes: ${JSON.stringify(byPath)}`,
  );
  expect(ms).toBeLessThan(margin(2000));
  expect(await page.locator('.pager-summary').textContent()).toBe(`rows 1–50 of ${ROWS.toLocaleString('en-US')}`);
  // The rules are listed whole (500 of them); the connections never are.
  expect(byPath['/v1/flows']).toBeLessThan(64 * 1024);
  // Each 2 s poll after that asks again for status and the table page only: the rules change only with the generation.
  const polls = countPayload(page);
  const before = await page.textContent('#live');
  await page.waitForFunction((b) => document.querySelector('#live')?.textContent !== b, before, {
    timeout: margin(2000),
  });
  const poll = await polls.stop();
  figures.push(`overview: one poll received ${poll.total} bytes: ${JSON.stringify(poll.byPath)}`);
  expect(poll.byPath['/v1/application-rules']).toBeUndefined();
  expect(poll.total).toBeLessThan(64 * 1024);
  expect(errors).toEqual([]);
  await page.close();
});
