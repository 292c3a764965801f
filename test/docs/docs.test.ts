/**
 * docs/ (registry layout) is exactly what `npm run docs:generate` makes from
 * the provider schema and examples/ (regenerated in memory and compared), and
 * every registry example is valid Terraform for the real provider.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderSchemaJson } from '../../scripts/gen-docs';

// scripts/gen-docs.js (the npm script's runner) sits beside the renderer: name the .ts explicitly.
const { renderDocs, readExamples, listGenerated } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../scripts/gen-docs.ts') as typeof import('../../scripts/gen-docs');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { providerSchema, privateProvider, SOURCE } = require('../../scripts/demo/provider-schema.js') as {
  providerSchema(): Promise<ProviderSchemaJson>;
  privateProvider(): Promise<{ env: Record<string, string>; cleanup(): void }>;
  SOURCE: string;
};

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const DOCS = join(ROOT, 'docs');
const EXAMPLES = join(ROOT, 'examples');

describe('registry docs', () => {
  let schema: ProviderSchemaJson;
  beforeAll(async () => {
    schema = await providerSchema();
  });

  test('the committed docs are not stale (run `npm run docs:generate` and commit docs/ if this fails)', () => {
    const pages = renderDocs(schema, readExamples(EXAMPLES));
    expect(listGenerated(DOCS)).toEqual([...pages.keys()].sort());
    const stale = [...pages].filter(([f, text]) => readFileSync(join(DOCS, f), 'utf8') !== text).map(([f]) => f);
    expect(stale).toEqual([]);
  });

  test('every resource and data source has a page with an example, and every resource an import section', () => {
    const p = Object.values(schema.provider_schemas)[0];
    const pages = renderDocs(schema, readExamples(EXAMPLES));
    for (const name of Object.keys(p.resource_schemas ?? {})) {
      const page = pages.get(`resources/${name.replace('microseg_', '')}.md`)!;
      expect({
        name,
        example: page.includes('## Example Usage'),
        import: page.includes(`terraform import ${name}.`),
      }).toEqual({ name, example: true, import: true });
    }
    for (const name of Object.keys(p.data_source_schemas ?? {})) {
      expect({
        name,
        example: pages.get(`data-sources/${name.replace('microseg_', '')}.md`)!.includes(`data "${name}"`),
      }).toEqual({ name, example: true });
    }
    // Every attribute of every resource is documented with a description.
    const undocumented: string[] = [];
    for (const [name, r] of Object.entries(p.resource_schemas ?? {})) {
      for (const [a, attr] of Object.entries(r.block.attributes ?? {}))
        if (!attr.description?.trim()) undocumented.push(`${name}.${a}`);
    }
    expect(undocumented).toEqual([]);
  });

  test('the renderer puts attributes in Required/Optional/Read-Only and nested schemas under anchors', () => {
    const fake: ProviderSchemaJson = {
      provider_schemas: {
        'x/y/demo': {
          provider: { block: { description: 'Demo.', attributes: {} } },
          resource_schemas: {
            demo_thing: {
              block: {
                description: 'A thing.',
                attributes: {
                  name: { type: 'string', description: 'Name.', required: true },
                  tags: { type: ['set', 'string'], description: 'Tags.', optional: true },
                  id: { type: 'string', description: 'ID.', computed: true },
                  secret: { type: 'string', description: 'S.', optional: true, sensitive: true },
                  spec: {
                    nested_type: {
                      nesting_mode: 'set',
                      attributes: { port: { type: 'number', description: 'Port.', required: true } },
                    },
                    description: 'Spec.',
                    optional: true,
                  },
                },
              },
            },
          },
        },
      },
    };
    const page = renderDocs(fake, {
      resources: { demo_thing: { import: 'terraform import demo_thing.a a\n' } },
      dataSources: {},
    }).get('resources/thing.md')!;
    expect(page).toContain('### Required\n\n- `name` (String) Name.\n');
    expect(page).toContain(
      '### Optional\n\n- `secret` (String, Sensitive) S.\n- `spec` (Attributes Set) Spec. (see [below for nested schema](#nestedatt--spec))\n- `tags` (Set of String) Tags.\n',
    );
    expect(page).toContain('### Read-Only\n\n- `id` (String) ID.\n');
    expect(page).toContain(
      '<a id="nestedatt--spec"></a>\n### Nested Schema for `spec`\n\nRequired:\n\n- `port` (Number) Port.\n',
    );
    expect(page).toContain(
      '## Import\n\nImport is supported using the following syntax:\n\n```shell\nterraform import demo_thing.a a\n```\n',
    );
    expect(page.startsWith('---\n')).toBe(true);
  });

  test('every example validates against the real provider and is formatted', async () => {
    const tf = await privateProvider();
    const tmp = mkdtempSync('/tmp/msf-docs-');
    try {
      const dirs = [
        'provider',
        ...readdirSync(join(EXAMPLES, 'resources')).map((d) => `resources/${d}`),
        ...readdirSync(join(EXAMPLES, 'data-sources')).map((d) => `data-sources/${d}`),
        'three-tier',
      ];
      const failures: string[] = [];
      for (const d of dirs) {
        const work = join(tmp, d.replace('/', '-'));
        cpSync(join(EXAMPLES, d), work, { recursive: true });
        if (d !== 'provider' && d !== 'three-tier')
          writeFileSync(
            join(work, 'versions.tf'),
            `terraform {\n  required_providers {\n    microseg = { source = "${SOURCE}" }\n  }\n}\n`,
          );
        try {
          execFileSync('terraform', ['init', '-input=false', '-no-color', '-backend=false'], {
            cwd: work,
            env: tf.env,
            stdio: 'pipe',
          });
          execFileSync('terraform', ['validate', '-no-color'], { cwd: work, env: tf.env, stdio: 'pipe' });
          execFileSync('terraform', ['fmt', '-check', '-recursive', '-no-color', join(EXAMPLES, d)], {
            env: tf.env,
            stdio: 'pipe',
          });
        } catch (e) {
          const err = e as { stderr?: Buffer; stdout?: Buffer };
          failures.push(`${d}: ${String(err.stderr ?? '')}${String(err.stdout ?? '')}`.trim());
        }
      }
      expect(failures).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      tf.cleanup();
    }
  });
});
