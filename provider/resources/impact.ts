/**
 * The plan's warning about observed traffic: one planned change of a kind
 * that can alter verdicts is sent to POST /v1/impact (one request per
 * changed resource); when observed connections would change verdict, a
 * warning on that resource lists them. Nothing here fails a plan.
 *
 * The first answer also says how many observed connections the window holds.
 * When it is none, no change can alter a verdict of observed traffic, so the
 * process's other changes are not sent (Terraform starts a provider process
 * for each plan and each apply: the question is asked again each time).
 * `terraform apply` plans each change again while it applies it: a warning
 * its plan already showed is not repeated (run-warnings.ts).
 */
import type { Kind } from '../../service/model/schemas';
import { impactSummary, type ImpactResultT } from '../../service/model/impact';
import { ApiError } from '../client/http';
import { warning, type Diagnostic } from '../framework/diagnostics';
import type { Body } from '../framework/body';
import type { Ctx } from './context';
import { warningKey } from './run-warnings';

/** Hosts decide no verdict; every other kind can. */
const JUDGED: ReadonlySet<Kind> = new Set<Kind>([
  'category',
  'address_group',
  'service_group',
  'entity',
  'application_rule',
  'isolation_rule',
  'quarantine_rule',
  'shared_service_rule',
]);

/** A plan should not wait long for a warning. */
const IMPACT_TIMEOUT_MS = 30_000;

/**
 * `planned` null: a delete of `priorName`; `priorName` null: a create.
 * Values unknown until apply (a name computed from another resource…) leave the impact unjudged, silently:
 * `microseg impact` on the saved plan has the same limit.
 */
export async function planImpact(
  ctx: Ctx,
  kind: Kind,
  planned: Body | null,
  priorName: string | null,
): Promise<Diagnostic[]> {
  if (!JUDGED.has(kind)) return [];
  if (planned !== null && planned.unknownPaths.length > 0) return [];
  const change =
    planned === null
      ? { action: 'delete', kind, name: priorName }
      : priorName === null
        ? { action: 'create', kind, body: planned.json }
        : { action: 'replace', kind, name: priorName, body: planned.json };
  // While the first request of this process is out, the others wait for what it says about the window.
  const first = ctx.impactReplayed;
  if (first !== null && (await first) === 0) return [];
  const asking = first === null ? ask(ctx, change) : null;
  if (asking) ctx.impactReplayed = asking.then((r) => ('replayed' in r ? r.replayed : null));
  const answer = await (asking ?? ask(ctx, change));
  if (!('replayed' in answer)) {
    if (asking) ctx.impactReplayed = null; // the next change asks instead
    return answer.diagnostics;
  }
  const result = answer;
  if (asking && result.replayed === 0)
    ctx.logger.debug('no connection observed in the impact window: no other change of this process is sent', {
      window_seconds: result.window.seconds,
    });
  const lines = impactSummary(result.flips, Date.now(), 10);
  if (lines.length === 0) return [];
  // Terraform plans the change again while it applies it: what the plan showed is not shown a second time.
  const key = warningKey([
    change,
    result.flips.map((f) => [f.source, f.destination, f.protocol, f.port, f.from.verdict, f.to.verdict, f.to.rule]),
  ]);
  if (ctx.runWarnings.shownBefore(key)) {
    ctx.logger.debug('impact warning already shown by the plan of this terraform command', { kind });
    return [];
  }
  return [
    warning(
      'This change alters the verdict of observed connections',
      `${lines.join('\n')}\n(connections observed in the last ${windowText(result.window.seconds)}; \`microseg impact\` on the saved plan judges all its changes together)`,
    ),
  ];
}

/** One change to POST /v1/impact: the answer, or what the plan says instead (nothing, or a warning). */
async function ask(ctx: Ctx, change: Record<string, unknown>): Promise<ImpactResultT | { diagnostics: Diagnostic[] }> {
  try {
    return await ctx.client.request<ImpactResultT>(
      'POST',
      '/v1/impact',
      { changes: [change] },
      {},
      Date.now() + Math.min(ctx.timeoutMs, IMPACT_TIMEOUT_MS),
    );
  } catch (e) {
    // The service refused the change itself (it needs another change of this plan, such as a category
    // this plan creates, or is invalid): the plan's own checks and the apply speak about that.
    if (e instanceof ApiError && [400, 404, 409, 422].includes(e.status) && e.body.field?.startsWith('changes['))
      return { diagnostics: [] };
    ctx.logger.warn('impact on observed traffic not computed', { kind: change.kind, error: (e as Error).message });
    return {
      diagnostics: [
        warning(
          'Impact on observed traffic not computed',
          `The microseg service could not say which observed connections this change would affect: ${(e as Error).message}. The plan goes on without it.`,
        ),
      ],
    };
  }
}

function windowText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} m`;
  return `${seconds} s`;
}
