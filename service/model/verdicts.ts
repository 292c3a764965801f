/**
 * The words every part uses for a decision — explain(), the compiler's marks,
 * observations, metrics, the API — and the one order of rules, defined once.
 */
export const VERDICTS = ['allow', 'deny', 'would-deny'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The layer that decided; `default`: no rule took part. */
export const LAYERS = ['default', 'quarantine', 'shared_service', 'isolation', 'application'] as const;
export type Layer = (typeof LAYERS)[number];

export const RULE_KINDS = ['application', 'isolation', 'quarantine', 'shared_service'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Order of rules and objects everywhere ("first by name"): plain code-unit order, locale-independent. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
