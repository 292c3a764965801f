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
import type { PolicySnapshot } from '../model/snapshot';
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

declare module 'fastify' {
  interface FastifyInstance {
    /** How many agents' long polls wait, for a view or a generation (status, tests). */
    agentPollsWaiting(): number;
  }
}

/** One waiting long poll: `woken` once a change reached it; `wait` resolves then, after `seconds`, or on shutdown. */
interface Watch {
  woken(): boolean;
  wait(seconds: number): Promise<void>;
  stop(): void;
}

/**
 * The long polls waiting: by host for the views, and for a generation. One listener on the store for each
 * (not one per poll), which wakes only the polls of the hosts a change names: a change costs what it
 * touches, however many agents wait.
 */
class Waiters {
  private readonly byHost = new Map<string, Set<() => void>>();
  private readonly forGeneration = new Set<(generation: number) => void>();
  private readonly offViews: () => void;
  private readonly offGeneration: () => void;

  constructor(store: PolicyStore) {
    const onViews = (_g: number, hosts: string[]) => {
      for (const h of hosts) for (const wake of this.byHost.get(h) ?? []) wake();
    };
    store.on('views', onViews);
    this.offViews = () => store.off('views', onViews);
    this.offGeneration = store.onGeneration((g) => {
      for (const wake of this.forGeneration) wake(g);
    });
  }

  /** Subscribed at once: a change that lands while the caller reads the view still wakes it (`woken()`). */
  watch(host: string): Watch {
    let woken = false;
    let resolve: (() => void) | null = null;
    let set = this.byHost.get(host);
    if (!set) this.byHost.set(host, (set = new Set()));
    const mine = set;
    const wake = () => {
      woken = true;
      resolve?.();
    };
    mine.add(wake);
    return {
      woken: () => woken,
      wait: (seconds) =>
        new Promise<void>((done) => {
          if (woken) return done();
          const timer = setTimeout(() => resolve?.(), seconds * 1000);
          resolve = () => {
            clearTimeout(timer);
            resolve = null;
            done();
          };
        }),
      stop: () => {
        resolve?.();
        mine.delete(wake);
        if (mine.size === 0 && this.byHost.get(host) === mine) this.byHost.delete(host);
      },
    };
  }

  /** Resolves once the store's generation exceeds `after`, after `seconds`, or on shutdown. */
  generation(store: PolicyStore, after: number, seconds: number): Promise<void> {
    if (store.generation() > after || seconds <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.forGeneration.delete(wake);
        resolve();
      };
      const wake = (g: number) => {
        if (g > after) done();
      };
      const timer = setTimeout(done, seconds * 1000);
      this.forGeneration.add(wake);
    });
  }

  /** How many polls wait. */
  size(): number {
    let n = this.forGeneration.size;
    for (const set of this.byHost.values()) n += set.size;
    return n;
  }

  /** Shutdown: every poll answers at once (a close does not wait out their timeouts), and the store is let go. */
  close(): void {
    this.offViews();
    this.offGeneration();
    for (const set of this.byHost.values()) for (const wake of set) wake();
    for (const wake of this.forGeneration) wake(Infinity);
  }
}

export const agentsPlugin = fp(
  async (untyped) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    const store = app.store;
    const waiters = new Waiters(store);
    const serialized = new WeakMap<PolicySnapshot, string>();
    app.decorate('agentPollsWaiting', () => waiters.size());
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
      waiters.close();
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
        if (q.after !== undefined) await waiters.generation(store, Number(q.after), Math.min(60, Number(q.wait ?? 30)));
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
        const watch = waiters.watch(host);
        try {
          let answer = await store.viewAnswer(host, since);
          const unchanged = !answer.full && answer.generation === since;
          if (unchanged && seconds > 0 && !closing) {
            await watch.wait(seconds);
            if (watch.woken()) answer = await store.viewAnswer(host, since);
          }
          if (closing) reply.header('connection', 'close');
          if (!answer.full) return answer;
          // The whole view is the one big answer: serialized once per view (the store keeps the object until it moves).
          let text = serialized.get(answer.view);
          if (text === undefined) serialized.set(answer.view, (text = JSON.stringify(answer)));
          return reply.type('application/json; charset=utf-8').send(text);
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
