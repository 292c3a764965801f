/** Data sources: one category, entities by filter, a reachability verdict, and a rule's recommended entries. */
import { CategoryInput, EntityInput, KINDS } from '../../service/model/schemas';
import { canonicalProtocol } from '../../service/model/protocols';
import { parseDuration } from '../../service/model/duration';
import { RecommendationQuery } from '../../service/model/recommendation';
import { ApiError } from '../client/http';
import type { ObjectValue } from '../cty/value';
import { T } from '../cty/types';
import { error, type Diagnostic } from '../framework/diagnostics';
import { fromApi } from '../framework/normalize';
import type { DataSourceDef } from '../framework/resource';
import type { Attribute } from '../framework/schema';
import type { Ctx } from './context';
import { kindSchema, metaAttributes } from './rest';
import { attributeFromTypeBox, attributesFromTypeBox } from './typebox';

const computed = (a: Attribute): Attribute => {
  const { required: _r, optional: _o, default: _d, ...rest } = a;
  return {
    ...rest,
    computed: true,
    ...(rest.nested
      ? {
          nested: {
            ...rest.nested,
            attributes: Object.fromEntries(Object.entries(rest.nested.attributes).map(([k, v]) => [k, computed(v)])),
          },
        }
      : {}),
  };
};

export function categoryDataSource(): DataSourceDef<Ctx> {
  const input = attributesFromTypeBox(CategoryInput);
  const attributes: Record<string, Attribute> = {
    name: { ...input.name, required: true },
    description: computed(input.description),
    values: computed(input.values),
    ...metaAttributes(),
  };
  return {
    typeName: 'microseg_category',
    schema: { description: 'Reads one category (such as the built-in Quarantine) by name.', attributes },
    async read(ctx, config) {
      try {
        const found = await ctx.client.request(
          `GET`,
          `/v1/${KINDS.category.collection}/${encodeURIComponent(String(config.name))}`,
        );
        return fromApi(attributes, found, config);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404)
          throw new ApiError(404, {
            error: 'not_found',
            message: `category "${String(config.name)}" does not exist`,
            field: 'name',
          });
        throw e;
      }
    },
  };
}

export function entitiesDataSource(): DataSourceDef<Ctx> {
  const entity = Object.fromEntries(
    Object.entries(attributesFromTypeBox(EntityInput, { ordered: new Set(['ips']) })).map(([k, a]) => [k, computed(a)]),
  );
  const attributes: Record<string, Attribute> = {
    categories: {
      description:
        'Only entities this selector matches: category name → accepted values; an entity matches when, for every key, its value is one of those listed. Absent: no category filter.',
      type: T.map(T.set(T.string)),
      optional: true,
    },
    host: { description: 'Only entities on this host. Absent: every host.', type: T.string, optional: true },
    names: { description: 'The names of the matching entities, sorted.', type: T.list(T.string), computed: true },
    entities: {
      description: 'The matching entities, sorted by name.',
      nested: { nesting: 'list', attributes: entity },
      computed: true,
    },
  };
  return {
    typeName: 'microseg_entities',
    schema: {
      description: 'Lists the entities (VM NICs) that carry given categories and/or sit on a given host.',
      attributes,
    },
    async read(ctx, config) {
      const { items } = await ctx.client.request<{ items: Record<string, unknown>[] }>(
        'GET',
        `/v1/${KINDS.entity.collection}`,
      );
      const wanted = (config.categories ?? {}) as Record<string, string[]>;
      const matches = items
        .filter((e) => config.host === null || config.host === undefined || e.host === config.host)
        .filter((e) =>
          Object.entries(wanted).every(([k, values]) =>
            values.includes(((e.categories ?? {}) as Record<string, string>)[k]),
          ),
        )
        .sort((a, b) => String(a.name).localeCompare(String(b.name)));
      return {
        categories: config.categories ?? null,
        host: config.host ?? null,
        names: matches.map((e) => String(e.name)),
        entities: matches.map((e) => fromApi(entity, e, null)),
      } as ObjectValue;
    },
  };
}

export function reachabilityDataSource(): DataSourceDef<Ctx> {
  const attributes: Record<string, Attribute> = {
    src: { description: 'Source: an entity name or an IP address.', type: T.string, required: true },
    dst: { description: 'Destination: an entity name or an IP address.', type: T.string, required: true },
    protocol: {
      description:
        'The connection protocol: tcp, udp, sctp, icmp, icmpv6, or another IP protocol by name (gre, esp, …) or number.',
      type: T.string,
      required: true,
    },
    port: { description: 'Destination port (tcp/udp/sctp), 1-65535.', type: T.number, optional: true },
    icmp_type: { description: 'ICMP type (icmp/icmpv6), 0-255.', type: T.number, optional: true },
    icmp_code: { description: 'ICMP code (icmp/icmpv6), 0-255.', type: T.number, optional: true },
    verdict: {
      description: 'allow, deny or would-deny (a monitor rule would deny it).',
      type: T.string,
      computed: true,
    },
    layer: {
      description: 'The deciding layer: quarantine, shared_service, isolation, application or default.',
      type: T.string,
      computed: true,
    },
    rule: {
      description: 'The deciding rule; null when no rule decided (default allow, or an end in Quarantine: Strict).',
      type: T.string,
      computed: true,
    },
    mode: {
      description: 'The mode of the deciding rule (monitor or apply); null when no rule decided.',
      type: T.string,
      computed: true,
    },
    drafts: {
      description:
        'Draft rules (mode off) that, switched to apply, would decide this connection: kind, rule and the verdict they would give.',
      type: T.list(T.object({ kind: T.string, rule: T.string, verdict: T.string })),
      computed: true,
    },
  };
  const range = (field: string, v: unknown, lo: number, hi: number): Diagnostic[] =>
    typeof v === 'number' && !(Number.isInteger(v) && v >= lo && v <= hi)
      ? [error(`Invalid ${field}`, `${field}: ${v} is not an integer in ${lo}-${hi}`, [field])]
      : [];
  return {
    typeName: 'microseg_reachability',
    schema: {
      description:
        "Asks the service's reference evaluator whether a connection is allowed, and which layer and rule decide.",
      attributes,
    },
    validate(config) {
      const out: Diagnostic[] = [];
      if (
        typeof config.protocol === 'string' &&
        (config.protocol === 'any' || canonicalProtocol(config.protocol) === null)
      ) {
        out.push(
          error(
            'Invalid protocol',
            `protocol: "${config.protocol}" is not tcp, udp, sctp, icmp, icmpv6, or an IP protocol by name or number (0-255)`,
            ['protocol'],
          ),
        );
      }
      out.push(
        ...range('port', config.port, 1, 65535),
        ...range('icmp_type', config.icmp_type, 0, 255),
        ...range('icmp_code', config.icmp_code, 0, 255),
      );
      return out;
    },
    async read(ctx, config) {
      const q = new URLSearchParams();
      for (const k of ['src', 'dst', 'protocol', 'port', 'icmp_type', 'icmp_code'])
        if (config[k] !== null && config[k] !== undefined) q.set(k, String(config[k]));
      const r = await ctx.client.request<{
        verdict: string;
        layer: string;
        rule: string | null;
        mode: string | null;
        drafts?: { kind: string; rule: string; verdict: string }[];
      }>('GET', `/v1/reachability?${q.toString()}`);
      const drafts = (r.drafts ?? []).map((d) => ({ kind: d.kind, rule: d.rule, verdict: d.verdict }));
      return { ...config, verdict: r.verdict, layer: r.layer, rule: r.rule ?? null, mode: r.mode ?? null, drafts };
    },
  };
}

export function recommendationDataSource(): DataSourceDef<Ctx> {
  // The rule resource's own attributes, so `inbound = data.microseg_recommendation.x.inbound` has the same type.
  const rule = kindSchema('application_rule', '').attributes;
  const attributes: Record<string, Attribute> = {
    name: { description: 'The application rule (typically in monitor mode).', type: T.string, required: true },
    window: attributeFromTypeBox('window', RecommendationQuery.properties.window, true),
    inbound: {
      ...computed(rule.inbound),
      description:
        "The rule's inbound entries followed by those that allow every connection into its target observed in the window that it does not allow now (generalised to the categories the ends share; external ends as CIDRs): assign it to the rule's inbound.",
    },
    outbound: {
      ...computed(rule.outbound),
      description:
        "The rule's outbound entries followed by those that allow every connection from its target observed in the window that it does not allow now (only with outbound_policy allow_listed): assign it to the rule's outbound.",
    },
    connections: {
      description: 'How many distinct observed connections the new entries allow (0: the rule allows all it saw).',
      type: T.number,
      computed: true,
    },
  };
  return {
    typeName: 'microseg_recommendation',
    schema: {
      description:
        "Entries for an application rule written from observed traffic: the rule's own entries plus those that allow every connection it would deny in the window, in the rule's attribute shapes.",
      attributes,
    },
    validate(config) {
      if (typeof config.window === 'string' && !((parseDuration(config.window) ?? 0) > 0))
        return [
          error('Invalid window', `window: "${config.window}" is not a duration such as "30m" or "24h"`, ['window']),
        ];
      return [];
    },
    async read(ctx, config) {
      const name = String(config.name);
      const q = typeof config.window === 'string' ? `?window=${encodeURIComponent(config.window)}` : '';
      // The service's 404 names the rule and the field already.
      const r = await ctx.client.request<Record<string, unknown>>(
        'GET',
        `/v1/${KINDS.application_rule.collection}/${encodeURIComponent(name)}/recommendation${q}`,
      );
      return fromApi(attributes, { ...r, name, window: config.window ?? null }, config);
    },
  };
}
