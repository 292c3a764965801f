/**
 * Replicas for tests: a throwaway PostgreSQL cluster and `count` services
 * (in process, each with its own store and port) on one database of it.
 * `stop(i)` closes one replica (as if it died), `close()` everything.
 */
import { startPostgres, type PgCluster } from './postgres';
import { startService, type TestService } from './service';
import type { BuildOptions } from '../../service/app';

export interface Replicas {
  pg: PgCluster;
  database: string;
  services: TestService[];
  stop(i: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReplicas(
  count: number,
  options: Partial<Omit<BuildOptions, 'store' | 'tokens'>> = {},
): Promise<Replicas> {
  const pg = await startPostgres();
  const services: TestService[] = [];
  const stopped = new Set<number>();
  try {
    const database = await pg.createDatabase();
    for (let i = 0; i < count; i++) services.push(await startService({ ...options, database }));
    const stop = async (i: number) => {
      if (stopped.has(i)) return;
      stopped.add(i);
      await services[i].close();
    };
    return {
      pg,
      database,
      services,
      stop,
      async close() {
        for (let i = 0; i < services.length; i++) await stop(i);
        await pg.stop();
      },
    };
  } catch (err) {
    for (const s of services) await s.close();
    await pg.stop();
    throw err;
  }
}
