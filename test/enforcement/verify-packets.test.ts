/**
 * The verifier's packet kinds (verifyPackets): every kind the policy's services name, in first-seen order,
 * and kept per rule object, so a changed rule (a new object, as a view delta makes it) is read again while
 * the rules it did not touch are not: the kinds follow the change, never the rule's old services.
 */
import { verifyPackets } from '../../service/agent/verifier';
import { threeTier } from '../policy/fixtures';

const kinds = (s: ReturnType<typeof threeTier>) =>
  verifyPackets(s).map((k) => [k.protocol, k.port ?? k.icmp_type ?? null, k.icmp_code ?? null].join('/'));

describe('verifyPackets', () => {
  test('every kind the services name, once, tcp/22 first; a replaced rule object is read again', () => {
    const before = threeTier();
    const first = kinds(before);
    expect(first[0]).toBe('tcp/22/');
    expect(first).toEqual(expect.arrayContaining(['tcp/8080/', 'tcp/5432/', 'icmp/8/0']));
    expect(new Set(first).size).toBe(first.length);
    // The same objects again: the same answer (from the kept kinds).
    expect(kinds({ ...before, generation: 2 })).toEqual(first);

    // rule "shop" replaced by a copy whose first entry names another port: its kinds change with it.
    const [shop, ...rest] = before.application_rules;
    const changed = {
      ...shop,
      inbound: [
        { ...shop.inbound[0], services: [{ protocol: 'udp', ports: ['9000-9009'] }] },
        ...shop.inbound.slice(1),
      ],
    };
    const after = kinds({ ...before, generation: 3, application_rules: [changed, ...rest] });
    expect(after).toContain('udp/9000/');
    expect(after).not.toContain('tcp/8080/');
    // And the old object still answers with its own services.
    expect(kinds(before)).toEqual(first);
  });
});
