/**
 * The simulated hosts of one process share their views' objects (bench/sim/object-pool.ts): each view,
 * parsed on its own as the HTTP link parses it, ends up holding the pooled object wherever an equal one
 * is pooled, says exactly what it said, and still follows deltas (the patch path). What the compiler
 * makes of a shared view is what it makes of the parsed one.
 */
import { aroundRule0Change, hostPorts, inventoryObjects } from '../../bench/lib/inventory';
import { ObjectPool } from '../../bench/sim/object-pool';
import { compileHost } from '../../service/compiler';
import { snapshotForHost } from '../../service/model/host-snapshot';
import type { PolicySnapshot } from '../../service/model/snapshot';
import { followView, type ViewAnswer } from '../../service/model/view-delta';

const { before, after } = aroundRule0Change(inventoryObjects({ entities: 400, hosts: 4, rules: 20 }), 10);
/** What the service sends and the link parses: a fresh copy each time. */
const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const full = (host: string): ViewAnswer => wire({ full: true, view: snapshotForHost(before, host) });
const viewOf = (a: ViewAnswer) => (a as { view: PolicySnapshot }).view;

test('views parsed apart share every equal object and keep what each says', () => {
  const pool = new ObjectPool();
  const [a, b] = ['h0', 'h1'].map((h) => viewOf(pool.share(full(h))));
  expect(a).toEqual(viewOf(full('h0')));
  expect(b).toEqual(viewOf(full('h1')));
  let shared = 0;
  a.entities.forEach((e, i) => {
    const other = b.entities[i];
    expect(other.name).toBe(e.name);
    // A host's own entities carry their MAC in its view only: those differ, everything else is one object.
    if (e.host === 'h0' || e.host === 'h1') expect(other).not.toBe(e);
    else {
      expect(other).toBe(e);
      shared++;
    }
  });
  expect(shared).toBe(200);
  a.application_rules.forEach((r, i) => expect(b.application_rules[i]).toBe(r));
  // A third host parsing the same view again takes the pooled objects too.
  const again = viewOf(pool.share(full('h0')));
  again.entities.forEach((e, i) => expect(e).toBe(a.entities[i]));
});

test('a delta through the pool: the changed rule is a new object, the rest keep their identity; same flows', () => {
  const pool = new ObjectPool();
  const view = viewOf(pool.share(full('h0')));
  const changed = after.application_rules.find((r) => r.name === 'rule0')!;
  const delta: ViewAnswer = wire({
    full: false,
    since: 1,
    generation: 2,
    upsert: { application_rules: [changed] },
    remove: {},
  });
  const next = followView(view, pool.share(delta));
  expect(next).toEqual(followView(viewOf(full('h0')), delta));
  expect(next.application_rules.find((r) => r.name === 'rule0')).not.toBe(
    view.application_rules.find((r) => r.name === 'rule0'),
  );
  expect(next.entities).toBe(view.entities);
  const ports = hostPorts(before, 'h0');
  expect(compileHost(next, 'h0', ports).flows).toEqual(compileHost(snapshotForHost(after, 'h0'), 'h0', ports).flows);
});
