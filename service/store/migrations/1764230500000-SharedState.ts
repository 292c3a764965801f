/**
 * Several service processes may share one PostgreSQL database: host status
 * moves from memory into a table, and a `revision` (bumped by every write)
 * tells a process that its cached model is stale.
 */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class SharedState1764230500000 implements MigrationInterface {
  name = 'SharedState1764230500000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'host_status',
        columns: [
          { name: 'host', type: 'varchar', length: '64', isPrimary: true },
          { name: 'report', type: 'text' },
          { name: 'reported_at', type: 'bigint' },
        ],
      }),
    );
    await q.manager.insert('meta', { key: 'revision', value: '0' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.manager.delete('meta', { key: 'revision' });
    await q.dropTable('host_status');
  }
}
