/** Failures of any kind → diagnostics; service errors point at their field. */
import { ApiError, NetworkError, StoppedError } from '../client/http';
import { RealizationTimeout } from '../client/realization';
import { CodecError } from '../cty/msgpack';
import { error, parseFieldPath, type Diagnostic } from '../framework/diagnostics';

export function describeError(e: unknown): Diagnostic[] {
  if (e instanceof ApiError) {
    const { field, message, details } = e.body;
    const at = (f: string | null | undefined, m: string) =>
      !f ? m : m.startsWith(f) ? e.show(f) + m.slice(f.length) : `${e.show(f)}: ${m}`;
    const summary =
      e.status === 401
        ? 'The microseg service did not accept the token'
        : e.status === 403
          ? 'The token may not do this'
          : e.status === 409
            ? 'The microseg service refused the change (conflict)'
            : e.status === 404
              ? 'Not found in the microseg service'
              : e.status >= 500
                ? 'The microseg service failed'
                : field
                  ? `Invalid ${e.show(field)}`
                  : 'The microseg service refused the request';
    const hint =
      e.status === 401
        ? ' Set token in the provider block or MICROSEG_TOKEN.'
        : e.body.error === 'version_conflict'
          ? ' The object changed since it was read; run terraform plan again.'
          : '';
    const text = at(field, message);
    // The hint is a sentence of its own: end the service's message first.
    const detail = hint === '' || /[.!?]$/.test(text) ? `${text}${hint}` : `${text}.${hint}`;
    const out: Diagnostic[] = [error(summary, detail, field ? parseFieldPath(field) : undefined)];
    for (const d of details ?? [])
      out.push(error(`Invalid ${e.show(d.field)}`, at(d.field, d.message), parseFieldPath(d.field)));
    return out;
  }
  if (e instanceof NetworkError && e.timedOut)
    return [
      error(
        'The microseg service did not answer in time',
        `${e.message}. timeout (or MICROSEG_TIMEOUT) bounds each request, retries included; check endpoint (or MICROSEG_ENDPOINT) and that the service runs.`,
      ),
    ];
  if (e instanceof NetworkError)
    return [
      error(
        'Cannot reach the microseg service',
        `${e.message}. Check endpoint (or MICROSEG_ENDPOINT) and that the service runs.`,
      ),
    ];
  if (e instanceof StoppedError) return [error('Stopped', `${e.message}.`)];
  if (e instanceof RealizationTimeout)
    return [
      error(
        'The policy was not realized on every host in time',
        `${e.message}. The change is stored; raise timeout, fix the agents, or set wait_for_realization = false.`,
      ),
    ];
  if (e instanceof CodecError) return [error('Cannot decode a value from Terraform', e.message)];
  return [error('microseg provider error', e instanceof Error ? e.message : String(e))];
}
