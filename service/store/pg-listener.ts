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
  let client: Client | null = null;
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

  const connect = async (again: boolean) => {
    const c = new Client({ connectionString: url, connectionTimeoutMillis: timeouts.connectMs, keepAlive: true });
    client = c;
    c.on('notification', (n) => {
      const generation = Number(n.payload);
      if (n.channel === GENERATION_CHANNEL && Number.isSafeInteger(generation)) onGeneration(generation);
    });
    // A lost connection: drop it and try again.
    c.on('error', () => {
      c.end().catch(() => undefined);
      schedule();
    });
    c.on('end', schedule);
    try {
      await c.connect();
      await c.query(`LISTEN ${GENERATION_CHANNEL}`);
      if (closed) await c.end();
      else if (again) onReconnect();
    } catch {
      c.end().catch(() => undefined);
      schedule();
    }
  };

  const ready = connect(false);
  return {
    ready,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
