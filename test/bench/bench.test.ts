/**
 * `npm run bench -- --quick --json` is well formed: one JSON object per line,
 * { name, value, unit, baseline, ratio, target, ok, note }, every figure the
 * benchmarks issue names (plus the scale issue's API p99 while agents compile,
 * the idle download, and the 1,000-host initial load, woken hosts and memory) exactly once, and a consistent ratio. The figures
 * themselves are never checked (they are what the bench measures). This runs
 * the real quick bench (OVS, lab, terraform, simulated hosts: a few minutes).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

jest.setTimeout(15 * 60_000);

const ROOT = join(__dirname, '..', '..');
const NAMES = [
  'compile_one_host_20k',
  'compile_all_hosts_20k',
  'compile_time_exponent',
  'flows_per_host_20k',
  'incremental_recompile_20k',
  'realization_p50_ratio',
  'realization_p99_ratio',
  'realization_incremental_ms',
  'agent_idle_cpu_20_hosts',
  'write_p50_ratio_10k',
  'write_latency_exponent',
  'read_rule_ratio',
  'read_status_ratio',
  'agent_download_bytes_ratio',
  'agent_idle_download_bytes',
  'api_p99_during_compile_ms',
  'terraform_plan_ratio',
  'terraform_apply_ratio',
  'dataplane_conn_ratio',
  'dataplane_throughput_ratio',
  'scale_1000_hosts_realization_ms',
  'scale_1000_hosts_initial_load_ms',
  'scale_1000_hosts_untouched_woken',
  'scale_1000_hosts_sim_rss_mb',
];

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

const numberOrNull = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x));

test('an unknown option is refused, naming it and the options', async () => {
  const r = await bench(['--fast']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('unknown option --fast');
  expect(r.stderr).toContain('--quick');
  expect(r.stdout).toBe('');
});

test('npm run bench -- --quick --json: one well-formed figure per line, every name once', async () => {
  const r = await bench(['--quick', '--json']);
  process.stdout.write(`bench --quick --json took ${(r.ms / 1000).toFixed(0)} s\n`);
  expect({ code: r.code, stderr: r.code === 0 ? '' : r.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
  const lines = r.stdout.trim().split('\n');
  const figures = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const f of figures) {
    expect(Object.keys(f).sort()).toEqual(['baseline', 'name', 'note', 'ok', 'ratio', 'target', 'unit', 'value']);
    expect(typeof f.name).toBe('string');
    expect(typeof f.unit).toBe('string');
    expect(typeof f.note).toBe('string');
    for (const k of ['value', 'baseline', 'ratio', 'target'])
      expect({ [k]: f[k], ok: numberOrNull(f[k]) }).toEqual({ [k]: f[k], ok: true });
    expect([true, false, null]).toContain(f.ok);
    // Every figure was measured, with its baseline, in this run.
    expect({ name: f.name, value: f.value !== null, baseline: f.baseline !== null }).toEqual({
      name: f.name,
      value: true,
      baseline: true,
    });
    if (f.ratio !== null)
      expect(Math.abs((f.ratio as number) - (f.value as number) / (f.baseline as number))).toBeLessThanOrEqual(
        Math.abs(f.ratio as number) * 3e-3 + 1e-9,
      );
    if (f.target === null) expect(f.ok).toBeNull();
    else expect(typeof f.ok).toBe('boolean');
  }
  const names = figures.map((f) => f.name as string);
  expect(new Set(names).size).toBe(names.length);
  for (const n of NAMES) expect(names).toContain(n);
});
