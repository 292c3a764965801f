/**
 * The three-tier shop used by the real-packet tests, as API objects for a lab
 * built from layouts.threeTierLayout(): web → app on tcp/8080, app → db on
 * tcp/5432 and udp/53, anyone → web on tcp/80 and ICMP, plus an `apply`
 * isolation rule between web and db so some pairs are denied even while the
 * application rule only monitors.
 */
import type { Lab } from '../../lab/lab';

export const TIER: Record<string, string> = {
  web1: 'web',
  web2: 'web',
  app1: 'app',
  app2: 'app',
  db1: 'db',
  db2: 'db',
};

/** The ports the matrix probes: every allowed service and some nobody allows. */
export const PROBED = { tcp: [22, 80, 5432, 8080], udp: [53, 5353], icmp: true };

export type Mode = 'monitor' | 'apply';

export function shopRule(mode: Mode, opts: { withWebToApp?: boolean } = {}) {
  const inbound: object[] = [
    {
      from: { any: true },
      to: { categories: { AppTier: ['web'] } },
      services: [{ protocol: 'tcp', ports: ['80'] }, { protocol: 'icmp' }],
    },
    {
      from: { categories: { AppTier: ['app'] } },
      to: { categories: { AppTier: ['db'] } },
      services: [
        { protocol: 'tcp', ports: ['5432'] },
        { protocol: 'udp', ports: ['53'] },
      ],
    },
  ];
  if (opts.withWebToApp !== false)
    inbound.splice(1, 0, {
      from: { categories: { AppTier: ['web'] } },
      to: { categories: { AppTier: ['app'] } },
      services: [{ protocol: 'tcp', ports: ['8080'] }],
    });
  return { name: 'shop', mode, target: { categories: { AppType: ['shop'] } }, inbound, outbound_policy: 'allow_all' };
}

/** [collection, body] in creation order. */
export function shopObjects(lab: Lab, mode: Mode): [string, object][] {
  const out: [string, object][] = [
    ['categories', { name: 'AppType', values: ['shop'] }],
    ['categories', { name: 'AppTier', values: ['web', 'app', 'db'] }],
  ];
  for (const h of lab.hosts.values())
    out.push(['hosts', { name: h.name, ovs_rundir: h.rundir, bridge: h.bridge, uplinks: [h.uplink] }]);
  for (const v of lab.vms.values()) {
    out.push([
      'entities',
      {
        name: v.name,
        host: v.host,
        port: v.port,
        mac: v.mac,
        ips: [v.ip],
        categories: { AppType: 'shop', AppTier: TIER[v.name] },
      },
    ]);
  }
  out.push(['application-rules', shopRule(mode)]);
  out.push([
    'isolation-rules',
    {
      name: 'web-db',
      mode: 'apply',
      groups: [{ categories: { AppTier: ['web'] } }, { categories: { AppTier: ['db'] } }],
    },
  ]);
  return out;
}
