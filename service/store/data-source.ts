/** Opens the database named by MICROSEG_DATABASE: a SQLite file path (or :memory:) or a postgres:// URL. */
import { DataSource } from 'typeorm';
import { ObjectEntity, MetaEntity, HostStatusEntity, FlowEntity, CounterEntity } from './entities';
import { Initial1764230400000 } from './migrations/1764230400000-Initial';
import { SharedState1764230500000 } from './migrations/1764230500000-SharedState';
import { RuleIds1796117786977 } from './migrations/1796117786977-RuleIds';
import { IsolationGroups1796200000000 } from './migrations/1796200000000-IsolationGroups';
import { ObservedFlows1796300000000 } from './migrations/1796300000000-ObservedFlows';
import { boundedClient, serverOptions, type DbTimeouts } from './pg-client';

export const MIGRATIONS = [
  Initial1764230400000,
  SharedState1764230500000,
  RuleIds1796117786977,
  IsolationGroups1796200000000,
  ObservedFlows1796300000000,
];

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//.test(database);
}

export function createDataSource(database: string, timeouts: DbTimeouts): DataSource {
  const common = {
    entities: [ObjectEntity, MetaEntity, HostStatusEntity, FlowEntity, CounterEntity],
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
    logging: false as const,
  };
  if (isPostgresUrl(database)) {
    return new DataSource({
      type: 'postgres',
      url: database,
      ...common,
      connectTimeoutMS: timeouts.connectMs,
      extra: { Client: boundedClient(timeouts), options: serverOptions(timeouts), keepAlive: true },
      // A pool error is a lost connection; the pool drops it and the next request opens another.
      poolErrorHandler: () => undefined,
    });
  }
  return new DataSource({ type: 'better-sqlite3', database, ...common, timeout: timeouts.queryMs });
}
