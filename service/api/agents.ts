/**
 * The `microseg-agents` plugin: what standalone host agents call, their
 * host's view as a stream (the whole view, or the deltas since their resume
 * point, long-polled), and their realization status. GET /v1/agents/policy,
 * the whole policy by generation, stays for tools and scripts; agents no
 * longer read it.
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

const ViewQuery = Type.Object({
  since: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,15}$',
      description:
        'Resume point: the generation of the view the agent holds. Answers what changed since (or the whole view, `full`, when the service does not know it).',
    }),
  ),
  wait: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,2}$',
      description: 'Long poll: when nothing changed since `since`, seconds to wait for a change (0-60, default 0).',
    }),
  ),
});

/**
 * Resolves when one of the store's `views` events names `host`, after `seconds`, or on shutdown. Subscribed
 * at once: a change that lands while the caller reads the view still wakes it (`woken()`).
 */
function watchHost(
  store: PolicyStore,
  host: string,
  waiters: Set<() => void>,
): { woken: () => boolean; wait: (seconds: number) => Promise<void>; stop: () => void } {
  let woken = false;
  let wake = () => undefined as void;
  const listener = (_g: number, hosts: string[]) => {
    if (!hosts.includes(host)) return;
    woken = true;
    wake();
  };
  store.on('views', listener);
  const stop = () => {
    store.off('views', listener);
  };
  return {
    woken: () => woken,
    stop,
    wait: (seconds) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, seconds * 1000);
        wake = done;
        waiters.add(done);
        if (woken) done();
      }),
  };
}

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

    app.get(
      '/v1/agents/hosts/:name/view',
      {
        logLevel: 'warn',
        config: { access: 'host' },
        schema: {
          tags: ['agents'],
          summary:
            "The host's view (a PolicySnapshot of what its enforcement needs) as a stream: `{ full: true, view }`, or `{ full: false, since, generation, upsert, remove }` (objects by list) to apply to the view held at `since`; `generation` is the next resume point (403 for another host's token)",
          params: Type.Object({ name: Type.String({ pattern: NAME_PATTERN }) }),
          querystring: ViewQuery,
        },
      },
      async (request, reply) => {
        const host = request.params.name;
        const since = request.query.since === undefined ? null : Number(request.query.since);
        const seconds = Math.min(60, Number(request.query.wait ?? 0));
        const watch = watchHost(store, host, waiters);
        try {
          let answer = await store.viewAnswer(host, since);
          const unchanged = !answer.full && answer.generation === since;
          if (unchanged && seconds > 0 && !closing) {
            await watch.wait(seconds);
            if (watch.woken()) answer = await store.viewAnswer(host, since);
          }
          if (closing) reply.header('connection', 'close');
          return answer;
        } finally {
          watch.stop();
        }
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
