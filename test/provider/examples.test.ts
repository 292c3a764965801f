/**
 * Every Terraform example in examples/ validates against the provider's
 * schema (terraform init + validate with the built provider), so examples
 * and provider cannot drift apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLab, explainFailure, type Lab } from './support';

jest.setTimeout(180_000);

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const VERSIONS =
  'terraform {\n  required_providers {\n    microseg = { source = "terraform.local/microseg/microseg" }\n  }\n}\n';

/** Directories holding .tf files directly (modules are validated through their callers). */
function exampleDirs(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith('.tf')) && !dir.includes(`${path.sep}modules${path.sep}`))
      out.push(dir);
    for (const e of entries)
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'modules') walk(path.join(dir, e.name));
  };
  walk(EXAMPLES);
  return out.sort();
}

let lab: Lab;
beforeAll(async () => {
  lab = await createLab({});
});
afterAll(() => lab?.cleanup());

test('there are examples for every resource and data source', () => {
  const names = exampleDirs().map((d) => path.relative(EXAMPLES, d));
  for (const r of [
    'category',
    'address_group',
    'service_group',
    'host',
    'entity',
    'application_rule',
    'isolation_rule',
    'quarantine_rule',
  ]) {
    expect(names).toContain(path.join('resources', `microseg_${r}`));
  }
  for (const d of ['category', 'entities', 'reachability'])
    expect(names).toContain(path.join('data-sources', `microseg_${d}`));
});

test.each(exampleDirs().map((d) => [path.relative(EXAMPLES, d), d]))('examples/%s validates', async (name, dir) => {
  const work = lab.workdir(name.replace(/[^A-Za-z0-9]+/g, '-'), {});
  fs.cpSync(dir, work, { recursive: true });
  const hasProviderBlock = fs
    .readdirSync(work)
    .some((f) => f.endsWith('.tf') && fs.readFileSync(path.join(work, f), 'utf8').includes('required_providers'));
  if (!hasProviderBlock) fs.writeFileSync(path.join(work, 'versions_test.tf'), VERSIONS);
  for (const args of [
    ['init', '-input=false', '-no-color', '-backend=false'],
    ['validate', '-no-color'],
  ]) {
    const r = await lab.tf(work, args);
    if (r.code !== 0) throw new Error(`terraform ${args[0]} in examples/${name}\n${explainFailure(r)}`);
  }
});
