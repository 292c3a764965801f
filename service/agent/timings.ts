/**
 * The agents' intervals, one place for the embedded agents (environment) and
 * the standalone agent (its flags first, then the same environment).
 */
import { requireDuration } from '../model/duration';
import { FULL_CHECK_DEFAULT_MS, INTERVAL_RANGE } from './host-agent';
import { OBSERVE_INTERVAL_DEFAULT_MS } from './observe';

export interface AgentTimings {
  intervalMs: number;
  fullCheckMs: number;
  observeIntervalMs: number;
}

export function readAgentTimings(
  env: NodeJS.ProcessEnv,
  flags: Partial<Record<keyof AgentTimings, string>> = {},
): AgentTimings {
  const pick = (flag: string | undefined, flagName: string, envName: string, def: number) => {
    if (flag !== undefined) return requireDuration(flag, flagName, INTERVAL_RANGE);
    const v = env[envName];
    return v ? requireDuration(v, envName, INTERVAL_RANGE) : def;
  };
  return {
    intervalMs: pick(flags.intervalMs, '--interval', 'MICROSEG_AGENT_INTERVAL', 2000),
    fullCheckMs: pick(flags.fullCheckMs, '--full-check', 'MICROSEG_AGENT_FULL_CHECK', FULL_CHECK_DEFAULT_MS),
    observeIntervalMs: pick(
      flags.observeIntervalMs,
      '--observe-interval',
      'MICROSEG_OBSERVE_INTERVAL',
      OBSERVE_INTERVAL_DEFAULT_MS,
    ),
  };
}
