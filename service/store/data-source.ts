/** Opens the database named by MICROSEG_DATABASE: a SQLite file path (or :memory:) or a postgres:// URL. */
import { DataSource } from 'typeorm';
import { ObjectEntity, MetaEntity } from './entities';
import { Initial1764230400000 } from './migrations/1764230400000-Initial';

export const MIGRATIONS = [Initial1764230400000];

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//.test(database);
}

export function createDataSource(database: string): DataSource {
  const common = { entities: [ObjectEntity, MetaEntity], migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false as const };
  if (isPostgresUrl(database)) return new DataSource({ type: 'postgres', url: database, ...common });
  return new DataSource({ type: 'better-sqlite3', database, ...common });
}
