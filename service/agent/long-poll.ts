/**
 * `answerTraces`: a long poll for the traces POST /v1/trace asks of the host
 * (how an agent learns of a new policy is `HttpLink.watch`: its host's view,
 * deltas since its resume point).
 */
import type { HttpLink } from './http-link';
import type { Verifier } from './verifier';

export interface LongPoll {
  stop(): void;
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
