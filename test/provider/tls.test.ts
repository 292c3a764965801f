/**
 * The provider against the service speaking HTTPS (MICROSEG_TLS_CERT/KEY):
 * the real terraform CLI, the provider's `ca_cert` holding the CA that signed
 * the service's certificate. Without it, the apply fails with a diagnostic
 * saying why and changes nothing.
 */
import { makeCerts, startTlsService, type TestCerts } from '../support/tls';
import { TEST_TOKENS } from '../support/service';
import { createLab, explainFailure, type Lab } from './support';

jest.setTimeout(240_000);

let lab: Lab;
let certs: TestCerts;
let tls: Awaited<ReturnType<typeof startTlsService>>;

const config = (withCa: boolean) => `
terraform {
  required_providers {
    microseg = { source = "terraform.local/microseg/microseg" }
  }
}

variable "endpoint" { type = string }

provider "microseg" {
  endpoint             = var.endpoint
  wait_for_realization = false
${withCa ? '  ca_cert              = file("ca.pem")\n' : ''}}

resource "microseg_category" "tier" {
  name   = "TlsTier"
  values = ["web", "db"]
}
`;

beforeAll(async () => {
  certs = makeCerts();
  tls = await startTlsService(certs);
  lab = await createLab({ MICROSEG_TOKEN: TEST_TOKENS.admin.secret, TF_VAR_endpoint: tls.url });
});
afterAll(async () => {
  await tls?.close();
  certs?.remove();
  lab?.cleanup();
});

test('without ca_cert the apply fails naming the certificate problem, and nothing is created', async () => {
  const dir = lab.workdir('untrusted', { 'main.tf': config(false) });
  const init = await lab.tf(dir, ['init', '-input=false', '-no-color']);
  expect(init.code).toBe(0);
  const r = await lab.tf(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
  expect(r.code).toBe(1);
  // terraform wraps diagnostics: compare with single spaces.
  expect(r.stderr.replace(/\s+/g, ' ')).toMatch(
    /cannot reach the microseg service at https:\/\/127\.0\.0\.1:\d+: (unable to verify the first certificate|self.signed certificate)/,
  );
  expect((await tls.api('GET', '/v1/categories/TlsTier')).status).toBe(404);
});

test("with ca_cert (the CA of the service's certificate) apply creates the resource over HTTPS and a plan is clean", async () => {
  const dir = lab.workdir('trusted', { 'main.tf': config(true), 'ca.pem': certs.caPem });
  expect((await lab.tf(dir, ['init', '-input=false', '-no-color'])).code).toBe(0);
  const applied = await lab.tf(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
  if (applied.code !== 0) throw new Error(explainFailure(applied));
  expect(applied.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
  expect((await tls.api('GET', '/v1/categories/TlsTier')).body.values.sort()).toEqual(['db', 'web']);
  const plan = await lab.tf(dir, ['plan', '-input=false', '-detailed-exitcode', '-no-color']);
  expect([plan.code, plan.stdout.includes('No changes.')]).toEqual([0, true]);
  process.stdout.write(`terraform apply over HTTPS with ca_cert: ${applied.ms} ms\n`);
});
