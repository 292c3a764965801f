/**
 * The store makes a write's snapshot changes when the snapshot is next read, several at once
 * (service/model/load-snapshot.ts `withObjects`): the lists it gives are those of making the changes
 * one by one on a map of names, sorted by name, and the objects no change names keep their identity.
 */
import fc from 'fast-check';
import { withObjects } from '../../service/model/load-snapshot';
import { byName } from '../../service/model/verdicts';
import type { SnapshotHost } from '../../service/model/snapshot';
import { snap } from './fixtures';

const host = (name: string, uplink: string): SnapshotHost => ({ name, bridge: 'br.microseg', uplinks: [uplink] });

test('several changes made at once give the lists of making them one by one', () => {
  const name = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
  fc.assert(
    fc.property(
      fc.uniqueArray(name),
      fc.array(fc.record({ before: fc.option(name), after: fc.option(name), uplink: fc.string() }), { maxLength: 8 }),
      (start, changes) => {
        const snapshot = snap({ hosts: start.sort().map((n) => host(n, 'up')) });
        const want = new Map(snapshot.hosts.map((h) => [h.name, h]));
        const made = changes.map((c) => ({
          list: 'hosts' as const,
          before: c.before === null ? null : { name: c.before },
          after: c.after === null ? null : host(c.after, c.uplink),
        }));
        for (const c of made) {
          if (c.before) want.delete(c.before.name);
          if (c.after) want.set(c.after.name, c.after);
        }
        const got = withObjects(snapshot, made);
        expect(got.hosts).toEqual([...want.values()].sort(byName));
        const named = new Set<string | null>(changes.flatMap((c) => [c.before, c.after]));
        for (const h of snapshot.hosts) if (!named.has(h.name)) expect(got.hosts).toContain(h);
        expect(snapshot.hosts.map((h) => h.name)).toEqual(start);
      },
    ),
    { seed: 11, numRuns: 500 },
  );
});
