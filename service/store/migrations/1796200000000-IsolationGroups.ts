/**
 * Isolation rules list two or more `groups` instead of `first` and `second`:
 * stored bodies `{ first, second }` become `{ groups: [first, second] }`
 * (same meaning: members of different groups never talk).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IsolationGroups1796200000000 implements MigrationInterface {
  name = 'IsolationGroups1796200000000';

  async up(q: QueryRunner): Promise<void> {
    const rows = await q.manager
      .createQueryBuilder()
      .select(['id', 'body'])
      .from('objects', 'o')
      .where('kind = :kind', { kind: 'isolation_rule' })
      .getRawMany<{ id: string; body: string }>();
    for (const r of rows) {
      const { first, second, ...rest } = JSON.parse(r.body) as Record<string, unknown>;
      if (first === undefined) continue;
      await q.manager.update('objects', { id: r.id }, { body: JSON.stringify({ ...rest, groups: [first, second] }) });
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const rows = await q.manager
      .createQueryBuilder()
      .select(['id', 'body'])
      .from('objects', 'o')
      .where('kind = :kind', { kind: 'isolation_rule' })
      .getRawMany<{ id: string; body: string }>();
    for (const r of rows) {
      const { groups, ...rest } = JSON.parse(r.body) as { groups?: unknown[] };
      if (!groups) continue;
      // Only the first two groups fit the old shape.
      await q.manager.update(
        'objects',
        { id: r.id },
        { body: JSON.stringify({ ...rest, first: groups[0], second: groups[1] }) },
      );
    }
  }
}
