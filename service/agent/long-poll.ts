/**
 * `followGenerations`: a long poll on the whole policy's generation that pokes
 * the agent whenever it moves (the bench's simulated hosts run it; on an error
 * it waits one interval before asking again). `microseg-agent` instead follows
 * its host's view (`HttpLink.watch`: deltas since its resume point, woken only
 * by changes that touch the host). `answerTraces` is the same kind of loop
 * for the traces POST /v1/trace asks of the host.
 */
import type { HostAgent } from './host-agent';
import type { HttpLink } from './http-link';
import type { Verifier } from './verifier';

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

/** Long polls for the host's trace requests; each is traced by the verifier and answered on its own. */
export function answerTraces(
  link: HttpLink,
  host: string,
  verifier: Verifier,
  intervalMs: number,
  warn: (msg: string, fields: Record<string, unknown>) => void,
  waitSeconds = 25,
): LongPoll {
  let stopping = false;
  void (async () => {
    while (!stopping) {
      try {
        for (const r of await link.waitForTraces(host, waitSeconds))
          void verifier
            .traceOnDemand(r.query)
            .then((answer) => link.answerTrace(host, r.id, answer))
            .catch((e: Error) => warn('cannot answer a trace request', { id: r.id, error: e.message }));
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
