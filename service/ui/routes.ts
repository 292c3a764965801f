/**
 * The web page at /ui: our three static files and the layout library's UMD
 * files from node_modules, served as they are (no build step, no CDN: the
 * page must work where there is no internet). The page asks for a token and
 * calls the API.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DomainError } from '../model/errors';

/**
 * d3-sankey and what its UMD file expects on the page (d3-array, d3-shape,
 * and d3-shape's d3-path), each resolved from the package that depends on it,
 * in the order the page loads them.
 */
export const VENDOR: { file: string; from: string[] }[] = [
  { file: 'd3-path', from: ['d3-sankey', 'd3-shape'] },
  { file: 'd3-shape', from: ['d3-sankey'] },
  { file: 'd3-array', from: ['d3-sankey'] },
  { file: 'd3-sankey', from: [] },
];

function vendorPath(pkg: string, via: string[]): string {
  let req = createRequire(__filename);
  for (const parent of via) req = createRequire(req.resolve(`${parent}/package.json`));
  return join(dirname(req.resolve(`${pkg}/package.json`)), 'dist', `${pkg}.min.js`);
}

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/**
 * The static folder: beside this module in the source tree; from a build
 * (dist/service/ui, or a bundle elsewhere) the source one, found by walking up.
 */
function staticDir(): string {
  const candidates = [join(__dirname, 'static')];
  for (let dir = __dirname; ; dir = dirname(dir)) {
    candidates.push(join(dir, 'service', 'ui', 'static'));
    if (dirname(dir) === dir) break;
  }
  const found = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!found)
    throw new Error(`web page files not found (looked beside ${__dirname} and in its parents' service/ui/static)`);
  return found;
}

export function registerUiRoutes(app: FastifyInstance): void {
  const dir = staticDir();
  // Read once: the files are small and never change while the service runs.
  const content = new Map(Object.keys(FILES).map((f) => [f, readFileSync(join(dir, f))]));
  const types = { ...FILES };
  for (const v of VENDOR) {
    content.set(`vendor/${v.file}.js`, readFileSync(vendorPath(v.file, v.from)));
    types[`vendor/${v.file}.js`] = 'text/javascript; charset=utf-8';
  }
  const headers = (reply: { header(k: string, v: string): unknown }, file: string) => {
    reply.header('content-type', types[file]);
    reply.header('cache-control', 'no-cache');
    // The page only talks to its own origin; no inline script, no framing.
    reply.header(
      'content-security-policy',
      "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    );
    reply.header('x-content-type-options', 'nosniff');
  };
  app.get('/ui', { config: { access: 'open' }, schema: { hide: true } }, async (_req, reply) => {
    headers(reply, 'index.html');
    return reply.send(content.get('index.html'));
  });
  app.get('/ui/*', { config: { access: 'open' }, schema: { hide: true } }, async (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    const body = content.get(file);
    if (!body) throw new DomainError('not_found', `no such page file: ${file}`, 'file');
    headers(reply, file);
    return reply.send(body);
  });
}
