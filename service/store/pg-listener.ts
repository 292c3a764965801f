/**
 * New generations between replicas on PostgreSQL: a writer NOTIFYs
 * `microseg_generation` with the new generation inside its transaction (so
 * the notice goes out exactly when it commits), and every process LISTENs on
 * a connection of its own. When that connection drops, it reconnects every
 * second and then calls `onReconnect`, to catch up on what it missed.
 */
import { Client } from 'pg';
import type { DbTimeouts } from './pg-client';

export const GENERATION_CHANNEL = 'microseg_generation';

export interface GenerationListener {
  /** Settles once the first attempt to listen is over (listening, or retrying in the background). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function listenForGenerations(
  url: string,
  timeouts: DbTimeouts,
  onGeneration: (generation: number) => void,
  onReconnect: () => void,
): GenerationListener {
  /** Every client made and not yet ended: close() ends them all, whatever attempt is under way. */
  const clients = new Set<Client>();
  /** The attempt in charge: only its loss schedules the next one (an older client ending late must not). */
  let current: Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect(true);
    }, 1000);
    retry.unref();
  };

  /** `c`'s connection is gone or unwanted: end it, and if it was the one in charge, try again later. */
  const lost = (c: Client) => {
    clients.delete(c);
    c.end().catch(() => undefined);
    if (c !== current) return;
    current = null;
    schedule();
  };

  const connect = async (again: boolean) => {
    const c = new Client({ connectionString: url, connectionTimeoutMillis: timeouts.connectMs, keepAlive: true });
    current = c;
    clients.add(c);
    c.on('notification', (n) => {
      const generation = Number(n.payload);
      if (!closed && n.channel === GENERATION_CHANNEL && Number.isSafeInteger(generation)) onGeneration(generation);
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${GENERATION_CHANNEL}`);
      if (closed) lost(c);
      else if (again) onReconnect();
    } catch {
      lost(c);
    }
  };

  const ready = connect(false);
  return {
    ready,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await Promise.all([...clients].map((c) => c.end().catch(() => undefined)));
      clients.clear();
    },
  };
}
