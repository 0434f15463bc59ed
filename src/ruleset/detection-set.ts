// The active detection set: loaded rules with their exceptions and suppression resolved, and its fingerprint.
import { createHash } from 'node:crypto';
import type { CompiledRule } from '../detect/compile-rule.js';
import type { LoadedRules } from '../detect/load-rules.js';
import { unresolvedReferences, type ExceptionMatcher, type ExceptionSet } from '../exceptions/exception-set.js';
import { resolveSuppression, type SuppressionSettings } from '../suppression/suppression-settings.js';

/** A rule as the pipeline runs it. */
export interface ActiveRule extends CompiledRule {
  /** Absent when the rule references no exception list (the hot path skips the call). */
  readonly exceptions?: ExceptionMatcher | undefined;
  /** Absent when alerts are written one per match. */
  readonly suppression?: SuppressionSettings | undefined;
}

export interface DetectionSet {
  readonly rules: readonly ActiveRule[];
  readonly loaded: LoadedRules;
  readonly exceptions: ExceptionSet;
  /** sha256 (hex, 16 characters) of everything that decides what alerts: rules, exception lists, suppression. */
  readonly fingerprint: string;
  readonly loadedAtMs: number;
}

/**
 * Pure: joins rules to their exception lists (by list_id) and suppression. A rule referencing a list
 * that is not there, or with bad suppression settings, is a problem for the whole set: running it
 * without its exceptions would raise the alerts its owners silenced.
 */
export function buildDetectionSet(
  loaded: LoadedRules,
  exceptions: ExceptionSet,
  defaultSuppression: SuppressionSettings | undefined,
  loadedAtMs: number,
): { set: DetectionSet | undefined; problems: string[] } {
  const problems: string[] = [];
  const rules: ActiveRule[] = [];
  for (const compiled of loaded.rules) {
    const { rule } = compiled;
    const references = rule.exceptionsList.map((reference) => ({ listId: reference.listId, namespaceType: reference.namespaceType }));
    const unresolved = unresolvedReferences(exceptions, references);
    const suppression = resolveSuppression(rule.alertSuppression, defaultSuppression);
    const ruleProblems = [...unresolved, ...suppression.problems];
    for (const problem of ruleProblems) problems.push(`${rule.sourceFile} (rule "${rule.name}"): ${problem}`);
    if (ruleProblems.length > 0) continue;
    rules.push({ ...compiled, exceptions: exceptions.matcherFor(references), suppression: suppression.settings });
  }
  if (problems.length > 0) return { set: undefined, problems };
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        loaded.rules.map((compiled) => ({ ...compiled.rule, sourceFile: undefined })),
        [...exceptions.lists.values()].map(withoutSources),
        defaultSuppression ?? null,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  return { set: { rules, loaded, exceptions, fingerprint, loadedAtMs }, problems };
}

/** Where an item was read does not change what it does: moving a list to another file keeps the fingerprint. */
function withoutSources(list: { readonly source: string; readonly items: readonly { readonly source: string }[] }): unknown {
  return { ...list, source: undefined, items: list.items.map((item) => ({ ...item, source: undefined })) };
}
