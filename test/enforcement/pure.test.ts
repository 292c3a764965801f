/** The pure helpers of the agent and the lab (no OVS, no root). */
import { parseDuration, requireDuration } from '../../service/model/duration';
import { INTERVAL_RANGE } from '../../service/agent/host-agent';
import { normalizeDump } from '../../service/agent/flows';
import { readAgentOptions } from '../../service/agent/plugin';
import { formatMatrix, matrixProbes } from '../../lab/matrix';

describe('agent helpers', () => {
  test('one duration grammar: <number><unit>… with ms, s, m, h, d; errors name the option', () => {
    const interval = (t: string, name = '--interval') => requireDuration(t, name, INTERVAL_RANGE);
    expect(interval('2s')).toBe(2000);
    expect(interval('1.5s')).toBe(1500);
    expect(interval('250ms')).toBe(250);
    expect(interval('1m')).toBe(60_000); // MICROSEG_AGENT_INTERVAL=1m works as timeout = "1m" does
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('750')).toBeNull(); // a unit is required, everywhere
    expect(parseDuration('1h 30m')).toBeNull();
    expect(() => interval('2 minutes')).toThrow('--interval: "2 minutes" is not a duration (e.g. 2s, 500ms)');
    expect(() => interval('10ms', 'MICROSEG_AGENT_INTERVAL')).toThrow(
      'MICROSEG_AGENT_INTERVAL: 10ms is out of range (50ms to 1h)',
    );
    expect(() => interval('2h', 'MICROSEG_AGENT_INTERVAL')).toThrow(
      'MICROSEG_AGENT_INTERVAL: 2h is out of range (50ms to 1h)',
    );
  });

  test('readAgentOptions: defaults, env and errors', () => {
    expect(readAgentOptions({})).toEqual({
      enabled: true,
      intervalMs: 2000,
      fullCheckMs: 60_000,
      observeIntervalMs: 5000,
      verifySample: 8,
    });
    expect(
      readAgentOptions({
        MICROSEG_AGENT_INTERVAL: '500ms',
        MICROSEG_EMBEDDED_AGENTS: 'off',
        MICROSEG_AGENT_FULL_CHECK: '10s',
        MICROSEG_OBSERVE_INTERVAL: '1s',
      }),
    ).toEqual({ enabled: false, intervalMs: 500, fullCheckMs: 10_000, observeIntervalMs: 1000, verifySample: 8 });
    expect(() => readAgentOptions({ MICROSEG_AGENT_FULL_CHECK: 'often' })).toThrow(/MICROSEG_AGENT_FULL_CHECK/);
    expect(() => readAgentOptions({ MICROSEG_EMBEDDED_AGENTS: 'yes' })).toThrow(
      /MICROSEG_EMBEDDED_AGENTS must be "on" or "off"/,
    );
  });

  test('flow text: normalization', () => {
    const a = normalizeDump(
      'OFPST_FLOW reply (OF1.3) (xid=0x2):\n priority=1 actions=drop\n cookie=0x1, table=1, actions=drop\n',
    );
    expect(a).toEqual(['cookie=0x1, table=1, actions=drop', 'priority=1 actions=drop']);
  });
});

describe('lab matrix helpers', () => {
  test('every ordered pair × service, no self pairs', () => {
    const p = matrixProbes(['a', 'b', 'c'], { tcp: [80, 443], udp: [53], icmp: true });
    expect(p).toHaveLength(3 * 2 * 4);
    expect(p.some((x) => x.src === x.dst)).toBe(false);
    expect(p.slice(0, 4)).toEqual([
      { src: 'a', dst: 'b', protocol: 'tcp', port: 80 },
      { src: 'a', dst: 'b', protocol: 'tcp', port: 443 },
      { src: 'a', dst: 'b', protocol: 'udp', port: 53 },
      { src: 'a', dst: 'b', protocol: 'icmp' },
    ]);
  });

  test('formatMatrix: one aligned line per pair', () => {
    expect(
      formatMatrix([
        { src: 'a', dst: 'bb', protocol: 'tcp', port: 80, open: true },
        { src: 'a', dst: 'bb', protocol: 'icmp', open: false },
        { src: 'ccc', dst: 'a', protocol: 'tcp', port: 80, open: false },
      ]),
    ).toBe('a → bb   tcp/80 open  icmp closed\nccc → a  tcp/80 closed');
  });
});
