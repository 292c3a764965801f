/**
 * Observed connections and rule counters move from each process's memory
 * into tables, so every replica answers /v1/flows and rule hits from the same
 * history; meta counts the rows dropped (history full) and expired.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class ObservedFlows1796300000000 implements MigrationInterface {
  name = 'ObservedFlows1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'observed_flows',
        columns: [
          { name: 'key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'seq', type: 'bigint' },
          { name: 'source', type: 'varchar', length: '64' },
          { name: 'destination', type: 'varchar', length: '64' },
          { name: 'source_ip', type: 'varchar', length: '45' },
          { name: 'destination_ip', type: 'varchar', length: '45' },
          { name: 'source_entity', type: 'boolean' },
          { name: 'destination_entity', type: 'boolean' },
          { name: 'protocol', type: 'varchar', length: '16' },
          { name: 'port', type: 'integer', isNullable: true },
          { name: 'verdict', type: 'varchar', length: '16' },
          { name: 'rule', type: 'varchar', length: '64', isNullable: true },
          { name: 'rule_kind', type: 'varchar', length: '16', isNullable: true },
          { name: 'first_seen', type: 'bigint' },
          { name: 'last_seen', type: 'bigint' },
          { name: 'count', type: 'bigint' },
          { name: 'hosts', type: 'text' },
        ],
      }),
    );
    // Newest first for queries, oldest first for eviction.
    await q.createIndex(
      'observed_flows',
      new TableIndex({ name: 'IDX_observed_flows_seen', columnNames: ['last_seen', 'seq'] }),
    );
    await q.createIndex(
      'observed_flows',
      new TableIndex({ name: 'IDX_observed_flows_rule', columnNames: ['rule', 'rule_kind'] }),
    );
    await q.createTable(
      new Table({
        name: 'rule_counters',
        columns: [
          { name: 'host', type: 'varchar', length: '64', isPrimary: true },
          { name: 'cookie', type: 'varchar', length: '18', isPrimary: true },
          { name: 'rule', type: 'varchar', length: '64', isNullable: true },
          { name: 'rule_kind', type: 'varchar', length: '16', isNullable: true },
          { name: 'packets', type: 'bigint' },
          { name: 'bytes', type: 'bigint' },
        ],
      }),
    );
    for (const key of ['flows_seq', 'flows_dropped', 'flows_expired'])
      await q.manager.insert('meta', { key, value: '0' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.manager
      .createQueryBuilder()
      .delete()
      .from('meta')
      .where('key IN (:...keys)', { keys: ['flows_seq', 'flows_dropped', 'flows_expired'] })
      .execute();
    await q.dropTable('rule_counters');
    await q.dropTable('observed_flows');
  }
}
