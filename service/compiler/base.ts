/**
 * The base pipeline: classification by in_port, anti-spoofing, conntrack,
 * connection state, commit and dispatch. Everything here is independent of
 * the rules (cookie BASE_COOKIE, the builder's default); the layers live in layers.ts.
 */
import type { SnapshotEntity } from '../model/snapshot';
import { flow, type Flow, type FlowSet } from './flow-set';
import type { HostView, LocalEntity } from './host-view';
import { DENY_ZONE, MARK_VERDICT, MARK_VERDICT_MASK, PRIORITY, REG, REG_MATCH, TABLE, TABLES } from './pipeline';

/** Entity IPs are validated bare addresses: a colon is the family (parsing each one costs). */
const isV6 = (ip: string) => ip.includes(':');
const BLOCKED = `0x${MARK_VERDICT.deny.toString(16)}/0x${MARK_VERDICT_MASK.toString(16)}`;
/** ICMPv6 router solicitation/advertisement, neighbor solicitation/advertisement. */
const ND_TYPES = [133, 134, 135, 136];

function classify(fs: FlowSet, view: HostView): void {
  const t = TABLE.CLASSIFY;
  for (const uplink of view.uplinks) {
    const at = `in_port=${uplink}`;
    // Address resolution and DHCP answers from the network reach the VMs as plain L2.
    fs.add(flow(t, 110).match(at, 'arp').then('NORMAL'));
    for (const type of ND_TYPES)
      fs.add(flow(t, 110).match(at, 'icmp6', `icmp_type=${type}`, 'icmp_code=0').then('NORMAL'));
    fs.add(flow(t, 110).match(at, 'udp', 'tp_src=67', 'tp_dst=68').then('NORMAL'));
    fs.add(flow(t, 110).match(at, 'udp6', 'tp_src=547', 'tp_dst=546').then('NORMAL'));
    fs.add(flow(t, 100).match(at, 'ip').goto(TABLE.DISPATCH));
    fs.add(flow(t, 100).match(at, 'ipv6').goto(TABLE.DISPATCH));
  }
}

/** A VM's traffic enters the pipeline at its port (classification). */
function classifyEntity(out: Flow[], ofport: number): void {
  const t = TABLE.CLASSIFY;
  out.push(flow(t, 100).match(`in_port=${ofport}`).load('FROM_ENTITY', 1).load('SRC_PORT', ofport).goto(TABLE.SPOOF));
}

/** A VM may send only from its MAC (if known) and IPs; ARP/ND/DHCP for its own addresses go to NORMAL. */
function antiSpoof(out: Flow[], entity: LocalEntity): void {
  const t = TABLE.SPOOF;
  const { ofport } = entity;
  if (ofport === null) return;
  const mac = entity.entity.mac;
  const at = [`in_port=${ofport}`, mac ? `dl_src=${mac}` : ''].filter(Boolean).join(',');
  const v4 = entity.entity.ips.filter((ip) => !isV6(ip));
  const v6 = entity.entity.ips.filter(isV6);
  for (const ip of v4) {
    out.push(flow(t, 100).match(at, 'ip', `nw_src=${ip}`).goto(TABLE.EGRESS_CT));
    out.push(
      flow(t, 100)
        .match(at, 'arp', `arp_spa=${ip}`, mac ? `arp_sha=${mac}` : '')
        .then('NORMAL'),
    );
    out.push(flow(t, 110).match(at, 'udp', `nw_src=${ip}`, 'tp_src=68', 'tp_dst=67').then('NORMAL'));
  }
  // DHCP discover/request before the VM has its address.
  out.push(flow(t, 110).match(at, 'udp', 'nw_src=0.0.0.0', 'tp_src=68', 'tp_dst=67').then('NORMAL'));
  if (v6.length > 0) {
    // ND runs from the link-local address (or :: during DAD), which the model does not list.
    for (const src of [...v6, 'fe80::/10', '::']) {
      for (const type of [133, 135]) {
        out.push(flow(t, 110).match(at, 'icmp6', `ipv6_src=${src}`, `icmp_type=${type}`, 'icmp_code=0').then('NORMAL'));
      }
    }
    for (const target of [...v6, 'fe80::/10']) {
      out.push(flow(t, 110).match(at, 'icmp6', 'icmp_type=136', 'icmp_code=0', `nd_target=${target}`).then('NORMAL'));
    }
    out.push(flow(t, 110).match(at, 'udp6', 'ipv6_src=fe80::/10', 'tp_src=546', 'tp_dst=547').then('NORMAL'));
  }
  for (const ip of v6) {
    out.push(flow(t, 100).match(at, 'ipv6', `ipv6_src=${ip}`).goto(TABLE.EGRESS_CT));
  }
}

/** ct → state: invalid dropped; replies/related pass unless the connection was blocked; the rest is (re)checked. */
function conntrack(
  fs: FlowSet,
  ctTable: number,
  stateTable: number,
  zoneReg: string,
  firstLayer: number,
  pass: string,
): void {
  for (const proto of ['ip', 'ipv6']) {
    fs.add(flow(ctTable, 100).match(proto).then(`ct(table=${stateTable},zone=${zoneReg}[0..15])`));
  }
  const s = stateTable;
  fs.add(flow(s, 200).match('ct_state=+inv+trk').then('drop'));
  fs.add(flow(s, 190).match('ct_state=+rpl+trk', `ct_mark=${BLOCKED}`).then('drop'));
  fs.add(flow(s, 190).match('ct_state=+rel+trk', `ct_mark=${BLOCKED}`).then('drop'));
  fs.add(flow(s, 180).match('ct_state=+est+rpl+trk').then(pass));
  fs.add(flow(s, 180).match('ct_state=+rel+trk').then(pass));
  // New connections and established ones in their original direction: the
  // policy is re-evaluated on every such packet, so a rule change cuts them.
  fs.add(flow(s, 100).match('ct_state=+trk').goto(firstLayer));
}

/**
 * Records the side's verdict with the connection; a denied established one is marked blocked. A denied new
 * connection is committed only in DENY_ZONE (so monitoring sees the attempt) and dropped: no output follows.
 */
function commit(fs: FlowSet, table: number, zoneReg: string, then: string): void {
  const exec = `exec(move:${REG.VERDICT}[]->NXM_NX_CT_MARK[],move:${REG.RULE}[]->NXM_NX_CT_LABEL[0..31])`;
  const ct = `ct(commit,zone=${zoneReg}[0..15],${exec})`;
  // ct needs an IP match; only IP reaches these tables.
  for (const proto of ['ip', 'ipv6']) {
    fs.add(
      flow(table, 300)
        .match(`${REG_MATCH.VERDICT}=${BLOCKED}`, 'ct_state=+new+trk', proto)
        .then(`ct(commit,zone=${DENY_ZONE},${exec})`),
    ); // no output: dropped
    fs.add(flow(table, 200).match(`${REG_MATCH.VERDICT}=${BLOCKED}`, proto).then(ct)); // no output: dropped
    fs.add(flow(table, 100).match(proto).then(`${ct},${then}`));
  }
}

/** Traffic to a local VM's addresses goes to its port (none yet: dropped). */
function dispatchEntity(out: Flow[], { entity, ofport }: LocalEntity): void {
  const t = TABLE.DISPATCH;
  for (const ip of entity.ips) {
    const f = flow(t, 100).match(...(isV6(ip) ? ['ipv6', `ipv6_dst=${ip}`] : ['ip', `nw_dst=${ip}`]));
    // A local VM whose port is not on the bridge yet receives nothing.
    out.push(ofport === null ? f.then('drop') : f.load('DST_PORT', ofport).goto(TABLE.INGRESS_CT));
  }
}

/**
 * A local entity's own flows (classification, anti-spoofing, dispatch): they follow from the entity object and
 * its port alone, so they are built once per object and port (an update recompiling the host builds only the
 * changed entities' again).
 */
const entityFlowMemo = new WeakMap<SnapshotEntity, { ofport: number | null; flows: readonly Flow[] }>();
function entityFlows(local: LocalEntity): readonly Flow[] {
  const known = entityFlowMemo.get(local.entity);
  if (known && known.ofport === local.ofport) return known.flows;
  const flows: Flow[] = [];
  if (local.ofport !== null) classifyEntity(flows, local.ofport);
  antiSpoof(flows, local);
  dispatchEntity(flows, local);
  entityFlowMemo.set(local.entity, { ofport: local.ofport, flows });
  return flows;
}

function dispatch(fs: FlowSet, view: HostView): void {
  const t = TABLE.DISPATCH;
  const out = view.uplinks.map((u) => `output:${u}`).join(',') || 'drop';
  fs.add(flow(t, 10).match(`${REG_MATCH.FROM_ENTITY}=0x1`).then(out));
}

/** The table-miss flows TABLES declares as drop or goto (layers emit the computed ones). */
function tableMisses(fs: FlowSet): void {
  for (const t of TABLES) {
    if ('drop' in t.miss) fs.add(flow(t.id, PRIORITY.TABLE_MISS).then('drop'));
    else if ('goto' in t.miss) fs.add(flow(t.id, PRIORITY.TABLE_MISS).goto(TABLE[t.miss.goto]));
  }
}

export function compileBase(fs: FlowSet, view: HostView): void {
  classify(fs, view);
  for (const local of view.local) for (const f of entityFlows(local)) fs.add(f);
  tableMisses(fs);
  const toOutput = `output:${REG.DST_PORT}[]`;
  conntrack(fs, TABLE.EGRESS_CT, TABLE.EGRESS_STATE, REG.SRC_PORT, TABLE.EGRESS_SETS, `goto_table:${TABLE.DISPATCH}`);
  commit(fs, TABLE.EGRESS_COMMIT, REG.SRC_PORT, `goto_table:${TABLE.DISPATCH}`);
  dispatch(fs, view);
  conntrack(fs, TABLE.INGRESS_CT, TABLE.INGRESS_STATE, REG.DST_PORT, TABLE.INGRESS_SETS, toOutput);
  commit(fs, TABLE.INGRESS_COMMIT, REG.DST_PORT, toOutput);
}
