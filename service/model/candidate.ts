/**
 * A candidate model: the current one with some changes applied, each checked
 * as the store checks the real write (defaults filled, existence, the
 * semantic and integrity checks of validate.ts, references renamed with a
 * renamed category or group). Pure: the given model is not touched.
 */
import { Value } from '@sinclair/typebox/value';
import { DomainError } from './errors';
import { RENAMABLE, renameReferences, type RenamableKind } from './rename';
import { KINDS, type Kind } from './schemas';
import {
  validateChange,
  validateDelete,
  type AnyBody,
  type Bodies,
  type FieldError,
  type ModelIndex,
} from './validate';
import { IndexedModel } from './indexes';

export interface CandidateChange {
  action: 'create' | 'replace' | 'delete';
  kind: Kind;
  /** replace, delete: the object's current name. */
  name?: string;
  /** create, replace: the whole object, already of the kind's input shape. */
  body?: AnyBody;
}

/** A copy whose maps may be changed without touching `model` (bodies are replaced, never edited). */
function copyModel(model: ModelIndex): ModelIndex {
  return Object.fromEntries(
    Object.entries(model).map(([k, m]) => [k, new Map(m as Map<string, AnyBody>)]),
  ) as ModelIndex;
}

function refused(errors: FieldError[], at: (field: string) => string): DomainError {
  const [first, ...rest] = errors;
  return new DomainError(
    first.code ?? 'invalid',
    `${at(first.field)}: ${first.message}`,
    at(first.field),
    rest.map((e) => ({ field: at(e.field), message: e.message })),
  );
}

/**
 * `model` with `changes` applied in order; the first change the real write
 * would refuse throws its DomainError, its field under `changes[i]`
 * (`changes[2].body.inbound[0].from`).
 */
export function applyChanges(model: ModelIndex, changes: CandidateChange[]): ModelIndex {
  const out = IndexedModel.of(copyModel(model));
  changes.forEach((c, i) => {
    const at = (where: 'body' | 'name') => (field: string) =>
      where === 'name' ? `changes[${i}].name` : `changes[${i}].body${field ? `.${field}` : ''}`;
    const objects = out.objects[c.kind] as Map<string, AnyBody>;
    const label = c.kind.replace(/_/g, ' ');
    const current = c.action === 'create' ? null : (c.name ?? null);
    if (c.action !== 'create') {
      if (current === null)
        throw new DomainError('bad_request', `changes[${i}].name: ${c.action} needs the name`, `changes[${i}].name`);
      if (!objects.has(current))
        throw new DomainError(
          'not_found',
          `changes[${i}].name: ${label} "${current}" does not exist`,
          `changes[${i}].name`,
        );
    }
    if (c.action === 'delete') {
      const errors = validateDelete(c.kind, current!, out);
      if (errors.length > 0) throw refused(errors, at('name'));
      out.delete(c.kind, current!);
      return;
    }
    if (c.body === undefined)
      throw new DomainError('bad_request', `changes[${i}].body: ${c.action} needs the body`, `changes[${i}].body`);
    const body = Value.Default(KINDS[c.kind].input, structuredClone(c.body)) as Bodies[typeof c.kind];
    if (body.name !== current && objects.has(body.name))
      throw new DomainError(
        'already_exists',
        `changes[${i}].body.name: ${label} "${body.name}" already exists`,
        at('body')('name'),
      );
    const errors = validateChange(c.kind, body, current, out);
    if (errors.length > 0) throw refused(errors, at('body'));
    if (current !== null) out.delete(c.kind, current);
    out.set(c.kind, body.name, body);
    if (current !== null && current !== body.name && RENAMABLE.has(c.kind)) {
      for (const user of out.usersOf(c.kind as RenamableKind, current)) {
        const userBody = (out.objects[user.kind] as Map<string, AnyBody>).get(user.name)!;
        const renamed = renameReferences(userBody, c.kind as RenamableKind, current, body.name);
        if (renamed) out.set(user.kind, user.name, renamed);
      }
    }
  });
  return out.objects;
}
