/**
 * The worker-thread side of compile-pool.ts: compiles one host per message,
 * off the service's event loop. A snapshot crosses once per worker (the pool
 * sends it with the first request that needs it); the last few are kept here
 * by id, each with its CompileContext so hosts of one snapshot share indexes.
 */
import { parentPort } from 'node:worker_threads';
import { CompileContext, compileHost } from '../compiler';
import type { PolicySnapshot } from '../model/snapshot';
import type { HostPorts } from './types';

export interface CompileRequest {
  id: number;
  snapshotId: number;
  /** Present when this worker does not hold `snapshotId` yet. */
  snapshot?: PolicySnapshot;
  host: string;
  ports: HostPorts;
}
export type CompileReply =
  /** `flows` joined by newlines: one string crosses far faster than 50,000 of them (the pool splits it). */
  { id: number; generation: number; flows: string } | { id: number; error: string; missingSnapshot?: boolean };

/** How many snapshots a worker keeps (the pool mirrors it to know what to send). */
export const KEPT_SNAPSHOTS = 2;

const kept = new Map<number, { snapshot: PolicySnapshot; context: CompileContext }>();

function handle(req: CompileRequest): CompileReply {
  if (req.snapshot) {
    kept.set(req.snapshotId, { snapshot: req.snapshot, context: new CompileContext(req.snapshot) });
    while (kept.size > KEPT_SNAPSHOTS) kept.delete(kept.keys().next().value!);
  }
  const s = kept.get(req.snapshotId);
  if (!s) return { id: req.id, error: `snapshot ${req.snapshotId} is not held`, missingSnapshot: true };
  try {
    const { generation, flows } = compileHost(s.snapshot, req.host, req.ports, s.context);
    return { id: req.id, generation, flows: flows.join('\n') };
  } catch (e) {
    return { id: req.id, error: (e as Error).message };
  }
}

parentPort?.on('message', (req: CompileRequest) => parentPort!.postMessage(handle(req)));
