/** Reading the compiler's ct_mark/ct_label/cookie encoding back into verdicts and rule names. */
import { pipelineDecoder } from '../../service/agent/decode';
import { encodeMark, cookieFor, BASE_COOKIE } from '../../service/compiler/pipeline';
import type { ConntrackEntry } from '../../service/agent/conntrack';
import type { PolicySnapshot } from '../../service/model/snapshot';

const snapshot: PolicySnapshot = {
  generation: 1,
  categories: [],
  address_groups: [],
  service_groups: [],
  hosts: [],
  entities: [
    { name: 'web-1', host: 'ha', port: 'w', ips: ['10.0.0.11'], categories: {} },
    { name: 'db-1', host: 'hb', port: 'd', ips: ['10.0.0.31'], categories: {} },
  ],
  application_rules: [
    {
      name: 'shop',
      id: 7,
      mode: 'monitor',
      target: { categories: {} },
      inbound: [],
      outbound_policy: 'allow_all',
      outbound: [],
      intra_group: 'deny',
      log: false,
    },
  ],
  isolation_rules: [
    { name: 'shop', id: 8, mode: 'apply', groups: [{ categories: {} }, { categories: {} }], log: false },
  ],
  quarantine_rules: [],
  shared_service_rules: [],
};
const d = pipelineDecoder(snapshot);
const entry = (over: Partial<ConntrackEntry>): ConntrackEntry => ({
  protocol: 'tcp',
  src: '10.0.0.11',
  dst: '10.0.0.31',
  sport: 40000,
  dport: 5432,
  icmp_type: null,
  icmp_code: null,
  zone: 3,
  mark: 0,
  labels: 0n,
  state: null,
  ...over,
});

test('verdict from ct_mark, rule name and kind from the label id', () => {
  expect(d.connection(entry({ mark: encodeMark('would-deny', 'application', 'ingress'), labels: 7n }))).toEqual({
    verdict: 'would-deny',
    rule: 'shop',
    rule_kind: 'application',
  });
  // Same name, other kind: told apart by the layer.
  expect(d.connection(entry({ mark: encodeMark('deny', 'isolation', 'egress'), labels: 8n }))).toEqual({
    verdict: 'deny',
    rule: 'shop',
    rule_kind: 'isolation',
  });
  expect(d.connection(entry({ mark: encodeMark('allow', 'default', 'ingress') }))).toEqual({
    verdict: 'allow',
    rule: null,
    rule_kind: null,
  });
});

test('not ours (mark 0) is skipped; an allow counts only on its owning side', () => {
  expect(d.connection(entry({ mark: 0 }))).toBeNull();
  // Destination is an entity: its ingress side owns the allow; the egress copy is skipped.
  expect(d.connection(entry({ mark: encodeMark('allow', 'default', 'egress') }))).toBeNull();
  // External destination: the egress side owns it.
  expect(d.connection(entry({ dst: '192.0.2.1', mark: encodeMark('allow', 'default', 'egress') }))).toEqual({
    verdict: 'allow',
    rule: null,
    rule_kind: null,
  });
  // A side that did not allow always reports.
  expect(d.connection(entry({ mark: encodeMark('would-deny', 'application', 'egress'), labels: 7n }))?.verdict).toBe(
    'would-deny',
  );
});

test('cookies: rule flows name their rule, the base pipeline none, foreign cookies skipped; unknown ids stay visible', () => {
  expect(d.cookie(cookieFor('application', 7))).toEqual({ rule: 'shop', rule_kind: 'application' });
  expect(d.cookie(BASE_COOKIE)).toEqual({ rule: null, rule_kind: null });
  expect(d.cookie(0x1234n)).toBeNull();
  expect(d.connection(entry({ mark: encodeMark('deny', 'application', 'egress'), labels: 0xabcn }))?.rule).toBe('#abc');
});
