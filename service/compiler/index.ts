/**
 * The compiler: a PolicySnapshot plus one host's OpenFlow port numbers → that
 * host's complete flow set for br.microseg, in `ovs-ofctl add-flow` syntax,
 * sorted and deterministic to the byte. Pure, no I/O. The pipeline is declared
 * in pipeline.ts and explained in docs/pipeline.md.
 */
import { inForce, type PolicySnapshot } from '../model/snapshot';
import { compileBase } from './base';
import { FlowSet } from './flow-set';
import { hostView, type HostPorts } from './host-view';
import { compileLayers } from './layers';

export type { HostPorts } from './host-view';
export { ruleForCookie, ruleIndex, type RuleRef } from './rule-ids';
export { decodeCookie, decodeLabel, decodeMark, cookieFor, TABLE, REG } from './pipeline';

export interface CompiledHost {
  host: string;
  generation: number;
  flows: string[];
}

export function compileHost(snapshot: PolicySnapshot, host: string, ports: HostPorts): CompiledHost {
  const view = hostView(snapshot, host, ports);
  const fs = new FlowSet();
  compileBase(fs, view);
  compileLayers(fs, inForce(snapshot), view); // drafts (mode off) are never compiled
  return { host, generation: snapshot.generation, flows: fs.lines() };
}
