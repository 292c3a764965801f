/**
 * The compiler's conntrack encoding (service/compiler/pipeline.ts) read back:
 * ct_mark → verdict, layer and side; ct_label → rule id; flow cookie → layer
 * and rule id. Rule ids are assigned by the store, so the snapshot the bridge
 * runs maps them back to names.
 *
 * Each connection between two entities is in conntrack twice (the source's
 * egress zone and the destination's ingress zone, possibly on two hosts). So
 * that one connection is counted once when both sides allow it, an `allow`
 * is reported only by its owning side: ingress when the destination is an
 * entity, else egress. A side that did not allow it always reports.
 */
import { canonicalAddress } from '../model/net';
import { decodeCookie, decodeLabel, decodeMark } from '../compiler/pipeline';
import { ruleIndex } from '../compiler/rule-ids';
import type { PolicySnapshot } from '../model/snapshot';
import type { DecodedCookie, ObservationDecoder } from './reporter';
import type { Layer, RuleKind } from '../model/verdicts';

const LAYER_KIND: Record<Layer, RuleKind | null> = {
  default: null,
  quarantine: 'quarantine',
  isolation: 'isolation',
  application: 'application',
  shared_service: 'shared_service',
};

/**
 * The entities' addresses, by entity list: a change leaves the lists it does not touch as they were (the same
 * array), so a decoder for a rule change's snapshot reads no address (tens of ms at 10k entities, each round).
 */
const addressesOf = new WeakMap<PolicySnapshot['entities'], Set<string>>();
function entityAddresses(entities: PolicySnapshot['entities']): Set<string> {
  let ips = addressesOf.get(entities);
  if (!ips)
    addressesOf.set(entities, (ips = new Set(entities.flatMap((e) => e.ips.map((ip) => canonicalAddress(ip) ?? ip)))));
  return ips;
}

export function pipelineDecoder(snapshot: PolicySnapshot): ObservationDecoder {
  const rules = ruleIndex(snapshot);
  const entityIps = entityAddresses(snapshot.entities);
  const ruleOf = (layer: Layer, id: number) => {
    const kind = LAYER_KIND[layer];
    if (!kind || id === 0) return { rule: null, rule_kind: kind };
    // A rule deleted since the connection was committed: keep its id visible rather than drop the row.
    return { rule: rules.get(layer)?.get(id)?.name ?? `#${id.toString(16)}`, rule_kind: kind };
  };

  // The same cookies every round (one per rule and layer): decoded once per decoder, i.e. per snapshot.
  const cookies = new Map<bigint, DecodedCookie | null>();
  return {
    connection(e) {
      const m = decodeMark(e.mark);
      if (m.verdict === null) return null;
      if (m.verdict === 'allow') {
        const owner = entityIps.has(canonicalAddress(e.dst) ?? e.dst) ? 'ingress' : 'egress';
        if (m.side !== owner) return null;
      }
      return { verdict: m.verdict, ...ruleOf(m.layer, decodeLabel(e.labels)) };
    },
    cookie(c) {
      let r = cookies.get(c);
      if (r === undefined) {
        const d = decodeCookie(c);
        cookies.set(c, (r = d ? ruleOf(d.layer, d.ruleId) : null));
      }
      return r;
    },
  };
}
