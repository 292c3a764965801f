/** The packets a trace test sends: every endpoint pair × packets chosen from the ports and ICMP types the policy names. */
import { parsePortSpec } from '../../service/model/match';
import type { ServiceT } from '../../service/model/schemas';
import type { PolicySnapshot } from '../../service/model/snapshot';
import type { ExplainQuery } from '../../service/policy/explain';

export const EXTERNALS = ['192.0.2.5', '192.168.50.7', '8.8.8.8', '2001:db8::5', 'fd00:50::9'];

function services(s: PolicySnapshot): ServiceT[] {
  const entries = [
    ...s.application_rules.flatMap((r) => [...r.inbound, ...r.outbound]),
    ...s.quarantine_rules.flatMap((r) => [...r.inbound, ...r.outbound]),
    ...s.shared_service_rules,
  ];
  return [...entries.flatMap((e) => e.services), ...s.service_groups.flatMap((g) => g.services)];
}

/** Interesting destination ports: each range's edges and the ports just outside them, plus a few common ones. */
export function portsOf(s: PolicySnapshot): number[] {
  const ports = new Set([22, 80, 443]);
  for (const svc of services(s)) {
    for (const spec of svc.ports ?? []) {
      const [low, high] = parsePortSpec(spec);
      for (const p of [low - 1, low, high, high + 1]) if (p >= 1 && p <= 65535) ports.add(p);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

export function icmpTypesOf(s: PolicySnapshot): { type: number; code: number }[] {
  const out = new Map<string, { type: number; code: number }>([
    ['8/0', { type: 8, code: 0 }],
    ['128/0', { type: 128, code: 0 }],
  ]);
  for (const svc of services(s)) {
    if (svc.icmp_type !== undefined) {
      const code = svc.icmp_code ?? 0;
      out.set(`${svc.icmp_type}/${code}`, { type: svc.icmp_type, code });
      out.set(`${svc.icmp_type}/${code + 1}`, { type: svc.icmp_type, code: code + 1 });
    }
  }
  return [...out.values()];
}

export function endpointsOf(s: PolicySnapshot, externals = EXTERNALS): string[] {
  return [...s.entities.flatMap((e) => e.ips), ...externals];
}

/** Every packet kind for one address family. */
export function packetsFor(s: PolicySnapshot, v6: boolean): Omit<ExplainQuery, 'src' | 'dst'>[] {
  const out: Omit<ExplainQuery, 'src' | 'dst'>[] = [];
  for (const port of portsOf(s)) {
    out.push({ protocol: 'tcp', port });
    out.push({ protocol: 'udp', port });
  }
  // SCTP at a few ports, and protocols without ports: by name, by number, and one no rule names.
  for (const port of portsOf(s).filter((_, i) => i % 3 === 0)) out.push({ protocol: 'sctp', port });
  for (const protocol of ['gre', '50', '99', '103']) out.push({ protocol });
  for (const { type, code } of icmpTypesOf(s))
    out.push({ protocol: v6 ? 'icmpv6' : 'icmp', icmp_type: type, icmp_code: code });
  return out;
}

/** All ordered endpoint pairs of one family × all packets (the corpus is small enough for this). */
export function exhaustiveQueries(s: PolicySnapshot): ExplainQuery[] {
  const eps = endpointsOf(s);
  const out: ExplainQuery[] = [];
  for (const src of eps) {
    for (const dst of eps) {
      if (src === dst || src.includes(':') !== dst.includes(':')) continue;
      for (const p of packetsFor(s, src.includes(':'))) out.push({ src, dst, ...p });
    }
  }
  return out;
}

/** A deterministic pseudo-random pick of `count` queries (mulberry32 from `seed`). */
export function sampledQueries(s: PolicySnapshot, seed: number, count: number): ExplainQuery[] {
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const eps = endpointsOf(s);
  const out: ExplainQuery[] = [];
  for (let tries = 0; out.length < count && tries < count * 20; tries++) {
    const src = pick(eps);
    const dst = pick(eps.filter((e) => e !== src && e.includes(':') === src.includes(':')));
    if (!dst) continue;
    out.push({ src, dst, ...pick(packetsFor(s, src.includes(':'))) });
  }
  return out;
}
