/**
 * The web page in headless chromium (playwright-core + Debian's chromium):
 * launch, sign in, and the checks every rule view must pass (labels apart,
 * each band's details as the API says).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ARTIFACTS = join(__dirname, '..', 'artifacts');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
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
}

/** A page signed in with `token` at `url` + `hash`; page errors are collected in `errors`. */
export async function signedInPage(
  browser: Browser,
  url: string,
  token: string,
  hash = '#/',
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/ui${hash}`);
  await page.fill('#token', token);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#app', { state: 'visible' });
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Waits until the rule view, and the connections table below it, have drawn at least once after `after` (ms epoch). */
export async function waitForView(page: Page, after = 0, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    (t) => Number(document.querySelector('#view')?.getAttribute('data-rendered') ?? 0) > t,
    after,
    { timeout },
  );
}

/** Every pair of rule-view text labels that overlap, and every label overlapping a box that is not its own. */
export function overlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const box = (e: Element) => e.getBoundingClientRect();
    const hit = (a: DOMRect, b: DOMRect) =>
      a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const labels = Array.from(document.querySelectorAll('#view svg text'));
    const boxes = Array.from(document.querySelectorAll('#view svg .node rect'));
    const out: string[] = [];
    labels.forEach((a, i) => {
      labels.slice(i + 1).forEach((b) => {
        if (hit(box(a), box(b))) out.push(`label "${a.textContent}" overlaps label "${b.textContent}"`);
      });
      for (const r of boxes)
        if (r.parentElement !== a.parentElement && hit(box(a), box(r)))
          out.push(`label "${a.textContent}" overlaps box ${r.parentElement?.getAttribute('data-node')}`);
    });
    return out;
  });
}

export interface ViewBandT {
  id: string;
  verdict: string;
  source: string;
  target: string;
  count: number;
  services: { service: string; count: number }[];
  rules: string[];
}

/**
 * The latest rule view the page received from the API (its own
 * /flow-view responses, as they arrive): on a live history the page and a
 * separate API call may be a poll apart, this is exactly what it was sent.
 */
export function trackView(page: Page): { latest: () => { bands: ViewBandT[] } | null } {
  let latest: { bands: ViewBandT[] } | null = null;
  page.on('response', (res) => {
    if (new URL(res.url()).pathname.endsWith('/flow-view') && res.status() === 200)
      res.json().then(
        (v) => {
          latest = v;
        },
        () => undefined,
      );
  });
  return { latest: () => latest };
}

/**
 * Focuses each band (keyboard) and reads the side panel; returns what is
 * missing: a band not drawn, or a service or count not listed as `bands()`
 * (the API's answer the page drew) says. A band is retried until the
 * drawing and the answer agree or 5 s pass (a live page redraws every 2 s).
 */
export async function checkBandDetails(page: Page, bands: () => ViewBandT[]): Promise<string[]> {
  const missing: string[] = [];
  await page.mouse.move(0, 0); // off the diagram: only focus decides what the panel shows
  for (const { id } of bands()) {
    let problems: string[] = [];
    for (const t0 = Date.now(); Date.now() - t0 < 5000;) {
      problems = await checkOne(
        page,
        id,
        bands().find((b) => b.id === id),
      );
      if (!problems.length) break;
      await page.waitForTimeout(100);
    }
    missing.push(...problems);
  }
  return missing;
}

async function checkOne(page: Page, id: string, b: ViewBandT | undefined): Promise<string[]> {
  if (!b) return [`band ${id} is gone from the API's answer`];
  const loc = page.locator(`#view path.band[data-band="${id.replace(/"/g, '\\"')}"]`);
  if ((await loc.count()) !== 1) return [`band ${id} is not drawn`];
  await loc.focus();
  const rows = await page
    .locator('#band-detail tr[data-service]')
    .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-service'), tr.children[1]?.textContent]));
  const got = new Map(rows as [string, string][]);
  const head = await page.locator('#band-detail h3').textContent();
  const out: string[] = [];
  if (!head?.includes(b.verdict)) out.push(`band ${id}: panel heading "${head}" lacks the verdict`);
  for (const s of b.services)
    if (got.get(s.service) !== s.count.toLocaleString('en-US'))
      out.push(`band ${id}: service ${s.service} ×${s.count} shown as ${got.get(s.service)}`);
  return out;
}
