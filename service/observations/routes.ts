/**
 * Observation routes: agents report (POST …/observations); operators read the
 * aggregated history (GET /v1/flows), per-rule hits, and the rule flow view.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { NAME_PATTERN } from '../model/schemas';
import { parseDuration } from '../model/duration';
import { recommend } from '../policy/recommend';
import { RecommendationQuery, type RecommendationAnswer } from '../model/recommendation';
import type { PolicyStore } from '../store/store';
import { DomainError } from '../model/errors';
import { EntityIndexCache } from './entity-index';
import type { FlowFilter, FlowStore } from './flow-store';
import { buildRuleView } from './rule-view';
import { RuleLog, ruleLogLines } from './rule-log';
import { defaultOrder, pageFlows, SORT_KEYS, type SortKey } from './flow-page';
import { rulesTargeting } from './entity-rules';
import { ObservationReport, type ObservationReportT } from '../model/observation';
import { VERDICTS, type RuleKind, type Verdict } from '../model/verdicts';

export interface ObservationDeps {
  store: PolicyStore;
  flows: FlowStore;
  /** Told how many connections per verdict each report added. */
  onIngest?: (counts: Record<Verdict, number>) => void;
  /** Gets the lines of logged rules' new connections. */
  ruleLog?: RuleLog;
}

const NameParams = Type.Object({ name: Type.String({ pattern: NAME_PATTERN }) });

/** The filters GET /v1/flows and the flow view share. */
const FilterFields = {
  verdict: Type.Optional(
    Type.Union(
      VERDICTS.map((v) => Type.Literal(v)),
      { description: 'allow, deny or would-deny.' },
    ),
  ),
  since: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'Only rows last seen at or after: an RFC 3339 time, or a duration ago such as 30s, 5m, 2h.',
    }),
  ),
  q: Type.Optional(
    Type.String({
      maxLength: 130,
      description:
        'Search: Key:Value — the source or destination entity carries that category value; anything else — part of the source or destination name or IP (any case).',
    }),
  ),
};

const FlowsQuery = Type.Object(
  {
    rule: Type.Optional(Type.String({ pattern: NAME_PATTERN, description: 'Only connections decided by this rule.' })),
    rule_kind: Type.Optional(
      Type.Union([Type.Literal('application'), Type.Literal('isolation'), Type.Literal('quarantine')], {
        description: 'Only rules of this kind.',
      }),
    ),
    entity: Type.Optional(
      Type.String({ maxLength: 64, description: 'Only connections from or to this entity (or external IP).' }),
    ),
    category: Type.Optional(
      Type.String({
        maxLength: 130,
        description: 'Key:Value — only connections whose source or destination entity carries it.',
      }),
    ),
    host: Type.Optional(
      Type.String({ pattern: NAME_PATTERN, description: "Only connections this host's agent reported." }),
    ),
    ...FilterFields,
    sort: Type.Optional(
      Type.Union(
        SORT_KEYS.map((k) => Type.Literal(k)),
        { description: 'Order rows by this column (default last_seen).' },
      ),
    ),
    order: Type.Optional(
      Type.Union([Type.Literal('asc'), Type.Literal('desc')], {
        description: 'asc or desc (default: desc for times and count, asc for names).',
      }),
    ),
    offset: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,6}$', description: 'Skip this many rows of the order (paging; default 0).' }),
    ),
    limit: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,5}$', description: 'At most this many rows (default 1000, max 10000).' }),
    ),
  },
  { additionalProperties: false },
);

const ViewQuery = Type.Object(FilterFields, { additionalProperties: false });

/** `since` as ms since the epoch; throws a DomainError naming the field. */
export function parseSince(text: string, now = Date.now()): number {
  const ago = parseDuration(text);
  if (ago !== null) return now - ago;
  const t = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t))
    throw new DomainError(
      'bad_request',
      'since must be an RFC 3339 time (2026-01-31T12:00:00Z) or a duration such as 30s, 5m, 2h',
      'since',
    );
  return t;
}

export function parseCategory(text: string, field = 'category'): { key: string; value: string } {
  const m = text.match(/^([A-Za-z][A-Za-z0-9_.-]{0,63}):([A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/);
  if (!m) throw new DomainError('bad_request', `${field} must be Key:Value, e.g. AppTier:web`, field);
  return { key: m[1], value: m[2] };
}

/** `verdict`, `since` and `q` of a request as flow store filters. */
function sharedFilter(q: Record<string, string | undefined>): FlowFilter {
  const search = q.q?.trim() || undefined;
  // One colon after a name is a category (AppTier:web); an IPv6 address has more.
  const isCategory = search !== undefined && /^[A-Za-z][^:\s]*:[^:]*$/.test(search);
  return {
    verdict: q.verdict as Verdict | undefined,
    since: q.since !== undefined ? parseSince(q.since) : undefined,
    ...(isCategory ? { category: parseCategory(search, 'q') } : { search }),
  };
}

const RULE_COLLECTIONS: {
  collection: string;
  kind: RuleKind;
  snapshotKey: 'application_rules' | 'isolation_rules' | 'quarantine_rules' | 'shared_service_rules';
}[] = [
  { collection: 'application-rules', kind: 'application', snapshotKey: 'application_rules' },
  { collection: 'isolation-rules', kind: 'isolation', snapshotKey: 'isolation_rules' },
  { collection: 'quarantine-rules', kind: 'quarantine', snapshotKey: 'quarantine_rules' },
  { collection: 'shared-service-rules', kind: 'shared_service', snapshotKey: 'shared_service_rules' },
];

export function registerObservationRoutes(
  untyped: FastifyInstance,
  deps: ObservationDeps,
): { ingest: (host: string, report: ObservationReportT) => Promise<void> } {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  const { store, flows } = deps;
  const index = new EntityIndexCache(() => store.getSnapshot());

  /** Shared by the HTTP route and embedded agents. */
  const ingest = async (host: string, report: ObservationReportT) => {
    const idx = await index.get();
    if (!idx.snapshot.hosts.some((h) => h.name === host))
      throw new DomainError('not_found', `host "${host}" does not exist`, 'name');
    const result = await flows.ingest(host, report, idx);
    deps.onIngest?.(result.connections);
    deps.ruleLog?.record(ruleLogLines(host, report.connections, idx, new Date()));
  };

  app.post(
    '/v1/agents/hosts/:name/observations',
    {
      config: { access: 'host' },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['agents'],
        summary: 'A host agent reports the connections in its conntrack table and its per-rule flow counters',
        params: NameParams,
        body: ObservationReport,
      },
    },
    async (request, reply) => {
      await ingest(request.params.name, request.body);
      reply.code(204).send();
    },
  );

  app.get(
    '/v1/flows',
    {
      schema: {
        tags: ['observations'],
        summary:
          'Observed connections, aggregated by (source, destination, protocol, port, verdict, rule), most recent first (or by `sort`), one page at a time',
        querystring: FlowsQuery,
      },
    },
    async (request) => {
      const q = request.query;
      const shared = sharedFilter(q);
      if (q.category !== undefined && shared.category)
        throw new DomainError('bad_request', 'give a category either as category or as q, not both', 'q');
      const filter: FlowFilter = {
        ...shared,
        rule: q.rule,
        rule_kind: q.rule_kind as RuleKind | undefined,
        entity: q.entity,
        host: q.host,
        ...(q.category !== undefined ? { category: parseCategory(q.category) } : {}),
        limit: flows.options.maxEntries, // every match: the page is cut below, and `total` counts them all
      };
      const sort = (q.sort ?? 'last_seen') as SortKey;
      const page = pageFlows(await flows.query(filter, await index.get()), {
        sort,
        order: (q.order as 'asc' | 'desc' | undefined) ?? defaultOrder(sort),
        offset: q.offset !== undefined ? Number(q.offset) : 0,
        limit: q.limit !== undefined ? Math.min(10000, Math.max(1, Number(q.limit))) : 1000,
      });
      return { ...page, stats: await flows.stats() };
    },
  );

  for (const { collection, kind, snapshotKey } of RULE_COLLECTIONS) {
    app.get(
      `/v1/${collection}/:name/hits`,
      {
        schema: {
          tags: ['observations'],
          summary: `Observed connections and flow counters of one ${kind} rule`,
          params: NameParams,
        },
      },
      async (request) => {
        const { name } = request.params;
        const snapshot = await store.getSnapshot();
        const rule = snapshot[snapshotKey].find((r) => r.name === name);
        if (!rule) throw new DomainError('not_found', `${kind} rule "${name}" does not exist`, 'name');
        const totals = await flows.ruleTotals(name, kind);
        const counters = await flows.ruleCounters(name, kind);
        return {
          rule: name,
          kind,
          mode: rule.mode,
          connections: totals.connections,
          last_seen: totals.last_seen,
          packets: counters.packets,
          bytes: counters.bytes,
          counters: counters.by_host,
          flows: await flows.query({ rule: name, rule_kind: kind, limit: 100 }, null),
        };
      },
    );
  }

  app.get(
    '/v1/application-rules/:name/flow-view',
    {
      schema: {
        tags: ['observations'],
        params: NameParams,
        querystring: ViewQuery,
        summary:
          'The rule as sources → target tiers → destinations: the paths it allows, and observed connections aggregated into one band per group pair and verdict (for the web page)',
      },
    },
    async (request) => {
      const { name } = request.params;
      const filter = sharedFilter(request.query);
      const idx = await index.get();
      const rule = idx.snapshot.application_rules.find((r) => r.name === name);
      if (!rule) throw new DomainError('not_found', `application rule "${name}" does not exist`, 'name');
      return buildRuleView(idx.snapshot, rule, await flows.query({ ...filter, limit: flows.options.maxEntries }, idx));
    },
  );

  app.get(
    '/v1/application-rules/:name/recommendation',
    {
      schema: {
        tags: ['observations'],
        params: NameParams,
        querystring: RecommendationQuery,
        summary:
          "The rule's inbound and outbound entries that allow every connection observed in the window which it does not allow now: its current entries first, then new ones generalised to the categories the ends share (docs/workflow.md), with the connections behind each",
      },
    },
    async (request): Promise<RecommendationAnswer> => {
      const { name } = request.params;
      const windowText = request.query.window ?? '24h';
      const windowMs = parseDuration(windowText);
      if (windowMs === null || windowMs <= 0)
        throw new DomainError('bad_request', 'window must be a duration such as 30m, 2h or 24h', 'window');
      const idx = await index.get();
      const rule = idx.snapshot.application_rules.find((r) => r.name === name);
      if (!rule) throw new DomainError('not_found', `application rule "${name}" does not exist`, 'name');
      const since = Date.now() - windowMs;
      const observed = await flows.query({ since, limit: flows.options.maxEntries }, idx);
      return {
        rule: name,
        mode: rule.mode,
        outbound_policy: rule.outbound_policy,
        window: windowText,
        since: new Date(since).toISOString(),
        ...recommend(idx.snapshot, rule, observed),
      };
    },
  );

  app.get(
    '/v1/entities/:name/rules',
    {
      schema: {
        tags: ['observations'],
        summary: 'The rules whose target, isolation group or shared-service providers hold this entity',
        params: NameParams,
      },
    },
    async (request) => {
      const { name } = request.params;
      const idx = await index.get();
      const entity = idx.entity(name);
      if (!entity) throw new DomainError('not_found', `entity "${name}" does not exist`, 'name');
      return { items: rulesTargeting(idx.snapshot, entity) };
    },
  );

  return { ingest };
}
