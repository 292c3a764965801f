/**
 * IP protocols a service may name, declared once: tcp/udp/sctp carry ports,
 * icmp/icmpv6 a type and code, `any` is every protocol, and any other IP
 * protocol is named by its IANA keyword or its number. A number is kept as
 * written (so a stored rule reads back as the user wrote it) and means the
 * same protocol as its name: compare through `canonicalProtocol`.
 */
export const PORT_PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
export const ICMP_PROTOCOLS = ['icmp', 'icmpv6'] as const;

/** IANA protocol numbers of the names we accept (tcp, udp, sctp, icmp, icmpv6 included). */
export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  ipip: 4,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  ospf: 89,
  pim: 103,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
};
export const OTHER_PROTOCOL_NAMES = Object.keys(PROTOCOL_NUMBERS).filter(
  (n) => !(PORT_PROTOCOLS as readonly string[]).includes(n) && !(ICMP_PROTOCOLS as readonly string[]).includes(n),
);
export const PROTOCOL_PATTERN = `^(any|${Object.keys(PROTOCOL_NUMBERS).join('|')}|[0-9]{1,3})$`;

/** Whether a protocol (by name or number: `6` is tcp) carries ports. */
export const hasPorts = (protocol: string): boolean =>
  (PORT_PROTOCOLS as readonly string[]).includes(canonicalProtocol(protocol) ?? protocol);
/** Whether a protocol (by name or number: `1` is icmp) carries an ICMP type and code. */
export const isIcmp = (protocol: string): boolean =>
  (ICMP_PROTOCOLS as readonly string[]).includes(canonicalProtocol(protocol) ?? protocol);

/** The IP protocol number of a name or number text; null when it is neither (or above 255). */
export function protocolNumber(protocol: string): number | null {
  if (protocol in PROTOCOL_NUMBERS) return PROTOCOL_NUMBERS[protocol];
  if (!/^[0-9]{1,3}$/.test(protocol)) return null;
  const n = Number(protocol);
  return n <= 255 ? n : null;
}

/** The one spelling of a protocol: its name when it has one, else its number. Null: not a protocol. */
export function canonicalProtocol(protocol: string): string | null {
  const n = protocolNumber(protocol);
  if (n === null) return null;
  return NAME_OF_NUMBER.get(n) ?? String(n);
}
// Asked for every service of every rule (the verifier, explain()): a lookup, not a search of the names.
const NAME_OF_NUMBER = new Map(Object.entries(PROTOCOL_NUMBERS).map(([name, n]) => [n, name]));
