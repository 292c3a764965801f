/**
 * Rule ids assigned by the store (cookies and ct_label carry them): a
 * `rule_id` column on rule rows, unique, and `next_rule_id` in meta. Existing
 * rules are numbered 1… by kind and name.
 */
import { TableColumn, TableUnique, type MigrationInterface, type QueryRunner } from 'typeorm';

const RULE_KINDS = ['quarantine_rule', 'isolation_rule', 'application_rule'];

export class RuleIds1796117786977 implements MigrationInterface {
  name = 'RuleIds1796117786977';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('objects', new TableColumn({ name: 'rule_id', type: 'integer', isNullable: true }));
    const rules = (
      await q.manager
        .createQueryBuilder()
        .select(['id', 'kind', 'name'])
        .from('objects', 'o')
        .where('kind IN (:...kinds)', { kinds: RULE_KINDS })
        .getRawMany<{ id: string; kind: string; name: string }>()
    ).sort((a, b) => (a.kind + '\0' + a.name < b.kind + '\0' + b.name ? -1 : 1));
    for (const [i, r] of rules.entries()) await q.manager.update('objects', { id: r.id }, { rule_id: i + 1 });
    await q.createUniqueConstraint(
      'objects',
      new TableUnique({ name: 'UQ_objects_rule_id', columnNames: ['rule_id'] }),
    );
    await q.manager.insert('meta', { key: 'next_rule_id', value: String(rules.length + 1) });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.manager.delete('meta', { key: 'next_rule_id' });
    await q.dropUniqueConstraint('objects', 'UQ_objects_rule_id');
    await q.dropColumn('objects', 'rule_id');
  }
}
