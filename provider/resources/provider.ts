/**
 * The microseg provider: its configuration (each setting also from a
 * MICROSEG_* variable), the nine resources and four data sources.
 */
import { parseDuration } from '../../service/model/duration';
import { BatchReader } from '../client/batch';
import { ApiClient } from '../client/http';
import { T } from '../cty/types';
import { UNKNOWN, type ObjectValue } from '../cty/value';
import { error, type Diagnostic } from '../framework/diagnostics';
import type { ProviderDef } from '../framework/resource';
import type { Attribute } from '../framework/schema';
import type { Logger } from '../log';
import type { Ctx } from './context';
import {
  categoryDataSource,
  entitiesDataSource,
  reachabilityDataSource,
  recommendationDataSource,
} from './data-sources';
import { describeError } from './errors';
import { restResource } from './rest';
import { runWarnings } from './run-warnings';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:7480';

const providerAttributes: Record<string, Attribute> = {
  endpoint: {
    description: `URL of the microseg policy service. Default: MICROSEG_ENDPOINT, else ${DEFAULT_ENDPOINT}.`,
    type: T.string,
    optional: true,
  },
  token: {
    description: 'Bearer token for the service (role admin to change objects). Default: MICROSEG_TOKEN.',
    type: T.string,
    optional: true,
    sensitive: true,
  },
  ca_cert: {
    description: 'PEM certificate(s) of the CA that signed an https endpoint. Default: MICROSEG_CA_CERT.',
    type: T.string,
    optional: true,
  },
  insecure: {
    description: 'true: do not verify the https certificate of the service. Default: MICROSEG_INSECURE, else false.',
    type: T.bool,
    optional: true,
  },
  timeout: {
    description:
      'The longest one request to the service may take, retries included, and how long apply waits for hosts to realize a change; a duration such as "90s" or "5m". Default: MICROSEG_TIMEOUT, else 5m.',
    type: T.string,
    optional: true,
  },
  wait_for_realization: {
    description:
      'true (default): after a change, wait until every host runs the new policy generation, or fail naming the hosts that lag. Hosts that carry no entity and whose agent never reported are not waited for; a host with entities whose agent has not reported within 15 s fails the apply at once, naming it. Default: MICROSEG_WAIT_FOR_REALIZATION.',
    type: T.bool,
    optional: true,
  },
};

function parseBool(name: string, text: string | undefined): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new ConfigError(`${name} must be true or false, got "${text}"`, null);
}

class ConfigError extends Error {
  constructor(
    message: string,
    readonly attribute: string | null,
  ) {
    super(message);
  }
}

export interface Settings {
  endpoint: string;
  token?: string;
  caCert?: string;
  insecure: boolean;
  timeoutMs: number;
  waitForRealization: boolean;
}

/** Configuration values win over the environment, which wins over defaults. */
export function settingsFrom(config: ObjectValue, env: NodeJS.ProcessEnv): Settings {
  for (const [k, v] of Object.entries(config)) {
    if (v === UNKNOWN)
      throw new ConfigError(
        `${k} is not known until apply; the provider needs it to plan (use a value known at plan time, or MICROSEG_${k.toUpperCase()})`,
        k,
      );
  }
  const str = (k: string, envName: string) =>
    typeof config[k] === 'string' ? (config[k] as string) : env[envName] || undefined;
  const timeoutText = str('timeout', 'MICROSEG_TIMEOUT') ?? '5m';
  const timeoutMs = parseDuration(timeoutText);
  if (timeoutMs === null || timeoutMs <= 0)
    throw new ConfigError(
      `timeout: "${timeoutText}" is not a duration such as "90s" or "5m"`,
      typeof config.timeout === 'string' ? 'timeout' : null,
    );
  return {
    endpoint: str('endpoint', 'MICROSEG_ENDPOINT') ?? DEFAULT_ENDPOINT,
    token: str('token', 'MICROSEG_TOKEN'),
    caCert: str('ca_cert', 'MICROSEG_CA_CERT'),
    insecure:
      typeof config.insecure === 'boolean'
        ? config.insecure
        : (parseBool('MICROSEG_INSECURE', env.MICROSEG_INSECURE) ?? false),
    timeoutMs,
    waitForRealization:
      typeof config.wait_for_realization === 'boolean'
        ? config.wait_for_realization
        : (parseBool('MICROSEG_WAIT_FOR_REALIZATION', env.MICROSEG_WAIT_FOR_REALIZATION) ?? true),
  };
}

export function microsegProvider(env: NodeJS.ProcessEnv = process.env): ProviderDef<Ctx> {
  // Terraform may stop the provider while ConfigureProvider is still checking the service.
  const clients = new Set<ApiClient>();
  let stopping = false;
  return {
    schema: {
      description: 'microseg: a distributed stateful firewall for VMs on Open vSwitch, managed as code.',
      attributes: providerAttributes,
    },
    validate(config) {
      const out: Diagnostic[] = [];
      if (typeof config.timeout === 'string' && parseDuration(config.timeout) === null)
        out.push(
          error('Invalid timeout', `timeout: "${config.timeout}" is not a duration such as "90s" or "5m"`, ['timeout']),
        );
      if (typeof config.endpoint === 'string' && !/^https?:\/\/[^/]/.test(config.endpoint))
        out.push(
          error('Invalid endpoint', `endpoint: "${config.endpoint}" is not an http:// or https:// URL`, ['endpoint']),
        );
      return out;
    },
    async configure(config: ObjectValue, logger: Logger): Promise<Ctx> {
      const s = settingsFrom(config, env);
      if (s.token) logger.redact(s.token);
      const client = new ApiClient({
        endpoint: s.endpoint,
        token: s.token,
        caCert: s.caCert,
        insecure: s.insecure,
        timeoutMs: s.timeoutMs,
        logger,
      });
      clients.add(client);
      if (stopping) client.stop();
      logger.info('configured', {
        endpoint: client.endpoint,
        wait_for_realization: s.waitForRealization,
        timeout_ms: s.timeoutMs,
        token_set: !!s.token,
      });
      // The endpoint and the token, checked once here, so plan fails as clearly as apply would.
      await client.request('GET', '/v1/status');
      return {
        client,
        reads: new BatchReader(client),
        logger,
        waitForRealization: s.waitForRealization,
        timeoutMs: s.timeoutMs,
        planned: { category: new Map(), address_group: new Map(), service_group: new Map() },
        unknownNames: new Set(),
        server: new Map(),
        impactReplayed: null,
        runWarnings: runWarnings(),
      };
    },
    resources: [
      restResource(
        'category',
        'A category: a key (such as AppTier) with the values entities may take. Rules select entities by category.',
      ),
      restResource('address_group', 'A named set of external networks (CIDRs), usable as a rule peer.'),
      restResource('service_group', 'A named set of services (protocol, ports, ICMP type/code), usable in rules.'),
      restResource('host', 'A hypervisor host: the Open vSwitch bridge microseg programs there and its uplink ports.'),
      restResource('entity', 'An entity: one VM NIC on a host bridge port, with its MAC, IPs and categories.'),
      restResource(
        'application_rule',
        'An application rule: who may connect to a target application (inbound) and where it may connect (outbound).',
      ),
      restResource(
        'isolation_rule',
        'An isolation rule: no traffic between members of different groups (two or more), either way.',
      ),
      restResource(
        'quarantine_rule',
        'A quarantine rule: all traffic of the target is denied except what it lists (forensics). Entities in Quarantine: Strict have no traffic at all, whatever a rule lists.',
      ),
      restResource(
        'shared_service_rule',
        'A shared-service rule: consumers may reach the providers on the listed services (DNS, NTP, directory, backup), before isolation and application rules.',
      ),
    ],
    dataSources: [categoryDataSource(), entitiesDataSource(), reachabilityDataSource(), recommendationDataSource()],
    stop() {
      stopping = true;
      for (const c of clients) c.stop();
    },
    describeError(e) {
      if (e instanceof ConfigError)
        return [error('Invalid provider configuration', e.message, e.attribute ? [e.attribute] : undefined)];
      return describeError(e);
    },
  };
}
