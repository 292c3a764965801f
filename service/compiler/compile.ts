/** One host's complete flow set from a snapshot (index.ts describes the compiler). Pure. */
import type { PolicySnapshot } from '../model/snapshot';
import { compileBase } from './base';
import { contextFor, type CompileContext } from './context';
import { FlowSet } from './flow-set';
import { hostView, type HostPorts } from './host-view';
import { compileLayers, type PieceCache } from './layers';

export interface CompiledHost {
  host: string;
  generation: number;
  flows: string[];
}

/**
 * `context`: what the hosts of one snapshot share (new CompileContext(snapshot)); pass the same one when
 * compiling several hosts of that snapshot. Built here when not given or built from another snapshot.
 */
export function compileHost(
  snapshot: PolicySnapshot,
  host: string,
  ports: HostPorts,
  context?: CompileContext,
): CompiledHost {
  const ctx = contextFor(snapshot, context);
  return { host, generation: snapshot.generation, flows: compileFlowSet(ctx, host, ports).lines() };
}

/**
 * The host's flows as a flow set (its own flows, the shared blocks, the rules' segments), on `ctx`; `cache`:
 * the pieces of the host's previous compile to take again where they hold (HostCompiler).
 */
export function compileFlowSet(ctx: CompileContext, host: string, ports: HostPorts, cache?: PieceCache): FlowSet {
  const view = hostView(ctx, host, ports);
  const fs = new FlowSet();
  compileBase(fs, view);
  compileLayers(fs, ctx, view, cache);
  return fs;
}
