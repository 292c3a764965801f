/**
 * How a standalone agent learns of a new generation at once: a long poll on
 * its HTTP link that pokes the agent whenever the generation moves. On an
 * error it waits one interval before asking again (the agent's own interval
 * pass keeps reconciling meanwhile). `microseg-agent` and the bench's
 * simulated hosts run this same loop.
 */
import type { HostAgent } from './host-agent';
import type { HttpLink } from './http-link';

export interface LongPoll {
  stop(): void;
}

export function followGenerations(link: HttpLink, agent: HostAgent, intervalMs: number, waitSeconds = 25): LongPoll {
  let stopping = false;
  void (async () => {
    let after = 0;
    while (!stopping) {
      try {
        const snap = await link.waitForPolicy(after, waitSeconds);
        if (snap.generation !== after) {
          after = snap.generation;
          agent.poke();
        }
      } catch {
        if (!stopping) await new Promise((r) => setTimeout(r, intervalMs));
      }
    }
  })();
  return {
    stop() {
      stopping = true;
    },
  };
}
