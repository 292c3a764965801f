/** The first schema: the objects and meta tables, generation 1, the built-in Quarantine category. */
import { randomUUID } from 'node:crypto';
import { Table, TableUnique, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Initial1764230400000 implements MigrationInterface {
  name = 'Initial1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'objects',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'version', type: 'integer' },
          { name: 'body', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        uniques: [new TableUnique({ name: 'UQ_objects_kind_name', columnNames: ['kind', 'name'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'meta',
        columns: [
          { name: 'key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'text' },
        ],
      }),
    );
    const now = new Date().toISOString();
    const body = JSON.stringify({
      name: 'Quarantine',
      description: 'Built in: quarantined entities.',
      values: ['Strict', 'Forensic'],
    });
    await q.manager.insert('objects', {
      id: randomUUID(),
      kind: 'category',
      name: 'Quarantine',
      version: 1,
      body,
      created_at: now,
      updated_at: now,
    });
    await q.manager.insert('meta', { key: 'generation', value: '1' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('meta');
    await q.dropTable('objects');
  }
}
