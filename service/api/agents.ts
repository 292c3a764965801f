/**
 * The `microseg-agents` plugin: what standalone host agents call, the policy
 * snapshot (optionally waiting for a newer generation) and their realization status.
 */
import fp from 'fastify-plugin';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { NAME_PATTERN } from '../model/schemas';
import type { PolicyStore } from '../store/store';
import { AgentStatusReport } from '../model/host-status';
import { snapshotForHost } from '../model/host-snapshot';

const PolicyQuery = Type.Object({
  after: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,15}$',
      description: 'Long poll: answer once the generation is above this one (or at `wait`).',
    }),
  ),
  wait: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,2}$', description: 'Long poll: seconds to wait at most (0-60, default 30).' }),
  ),
});

/** Resolves when the store's generation exceeds `after`, after `seconds`, or when `waiters` are woken (shutdown). */
function waitForGeneration(
  store: PolicyStore,
  after: number,
  seconds: number,
  waiters: Set<() => void>,
): Promise<void> {
  if (store.generation() > after || seconds <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      off();
      waiters.delete(done);
      resolve();
    };
    const off = store.onGeneration((g) => {
      if (g > after) done();
    });
    const timer = setTimeout(done, seconds * 1000);
    waiters.add(done);
  });
}

export const agentsPlugin = fp(
  async (untyped) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    const store = app.store;
    // Pending long polls answer at once on close, so a shutdown does not wait out their timeouts.
    const waiters = new Set<() => void>();
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
      for (const wake of [...waiters]) wake();
    });

    app.get(
      '/v1/agents/policy',
      {
        // Agents poll all the time: keep their requests out of the info log.
        logLevel: 'warn',
        config: { access: 'agent' },
        schema: {
          tags: ['agents'],
          summary:
            "The normalized policy snapshot (PolicySnapshot) every agent compiles from; a host's agent token gets what its host needs (its own host, no other host's entity MACs)",
          querystring: PolicyQuery,
        },
      },
      async (request, reply) => {
        const q = request.query;
        if (q.after !== undefined)
          await waitForGeneration(store, Number(q.after), Math.min(60, Number(q.wait ?? 30)), waiters);
        const snapshot = await store.getSnapshot();
        // Answered while closing: the connection goes too, or close() would wait for it to idle out (keep-alive).
        if (closing) reply.header('connection', 'close');
        // A host's agent reads what its host needs; an admin token reads it all.
        const host = request.token?.role === 'agent' ? request.token.host : undefined;
        return host ? snapshotForHost(snapshot, host) : snapshot;
      },
    );

    app.post(
      '/v1/agents/hosts/:name/status',
      {
        logLevel: 'warn',
        config: { access: 'host' },
        schema: {
          tags: ['agents'],
          summary:
            "A host agent reports its bridge's realization state (403 for another host's token; 422 for a generation above the current one)",
          params: Type.Object({ name: Type.String({ pattern: NAME_PATTERN }) }),
          body: AgentStatusReport,
        },
      },
      async (request, reply) => {
        await store.reportHostStatus(request.params.name, request.body);
        reply.code(204).send();
      },
    );
  },
  { name: 'microseg-agents', dependencies: ['microseg-core'], fastify: '5.x' },
);
