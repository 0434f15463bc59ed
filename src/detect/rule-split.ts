// One stage of the rule index: rules filed under the values and prefixes they require of one field, looked up by an event's values.
import type { EventMatcher } from './compile.js';
import type { CompiledRule } from './compile-rule.js';
import { KEYWORD_IGNORE_ABOVE } from './ecs-field-types.js';
import { indexedKeywords, plainLeaf } from './field-values.js';
import type { Requirement } from './rule-requirements.js';

export interface Field {
  readonly name: string;
  readonly path: readonly string[];
}

/** A rule as a stage evaluates it: only the terms of its query the stage has not established. */
export interface Candidate {
  readonly rule: CompiledRule;
  /** The rule's place in load order. */
  readonly position: number;
  readonly matches: EventMatcher;
}

/** The rules evaluated for the current event, by load position: marked with the event's number, so nothing is cleared between events. */
export class Visits {
  private readonly marks: Uint32Array;
  private event = 0;

  constructor(rules: number) {
    this.marks = new Uint32Array(rules);
  }

  nextEvent(): void {
    if (++this.event === 0xffff_ffff) {
      this.marks.fill(0);
      this.event = 1;
    }
  }

  /** True the first time the current event meets this position. */
  first(position: number): boolean {
    if (this.marks[position] === this.event) return false;
    this.marks[position] = this.event;
    return true;
  }
}

/** Rules filed under the prefixes they require, looked up by each prefix length in turn. */
interface PrefixTable {
  /** Each prefix, and each one's stems (its text cut at a shorter prefix length, holding no rules of its own unless a prefix itself). */
  readonly byText: ReadonlyMap<string, readonly Candidate[]>;
  /** The prefixes' lengths, ascending. */
  readonly lengths: readonly number[];
}

/** Rules that require one more field, under each value they accept (case-folded ones under the lowercased value). */
export interface Split {
  readonly field: Field;
  readonly exact: ReadonlyMap<string, readonly Candidate[]>;
  readonly folded: ReadonlyMap<string, readonly Candidate[]>;
  readonly exactPrefix: PrefixTable;
  readonly foldedPrefix: PrefixTable;
  /** Some rule is filed under a case-folded value or prefix: the event's values are lowercased. */
  readonly folds: boolean;
}

export interface SplitBuilder {
  readonly field: Field;
  readonly exact: Map<string, Candidate[]>;
  readonly folded: Map<string, Candidate[]>;
  readonly exactPrefix: Map<string, Candidate[]>;
  readonly foldedPrefix: Map<string, Candidate[]>;
}

export function splitBuilder(field: string): SplitBuilder {
  return {
    field: { name: field, path: field.split('.') },
    exact: new Map(),
    folded: new Map(),
    exactPrefix: new Map(),
    foldedPrefix: new Map(),
  };
}

export function fileUnder(builder: SplitBuilder, requirement: Requirement, candidate: Candidate): void {
  const target = requirement.prefixes
    ? requirement.caseInsensitive
      ? builder.foldedPrefix
      : builder.exactPrefix
    : requirement.caseInsensitive
      ? builder.folded
      : builder.exact;
  for (const value of requirement.values) {
    const list = target.get(value);
    if (list === undefined) target.set(value, [candidate]);
    else list.push(candidate);
  }
}

export function finishSplit({ field, exact, folded, exactPrefix, foldedPrefix }: SplitBuilder): Split {
  return {
    field,
    exact,
    folded,
    exactPrefix: prefixTable(exactPrefix),
    foldedPrefix: prefixTable(foldedPrefix),
    folds: folded.size > 0 || foldedPrefix.size > 0,
  };
}

const NONE: readonly Candidate[] = Object.freeze([]);

function prefixTable(prefixes: ReadonlyMap<string, readonly Candidate[]>): PrefixTable {
  const lengths = [...new Set([...prefixes.keys()].map((prefix) => prefix.length))].sort((a, b) => a - b);
  const byText = new Map(prefixes);
  for (const prefix of prefixes.keys()) {
    for (const length of lengths) {
      if (length >= prefix.length) break;
      const stem = prefix.slice(0, length);
      if (!byText.has(stem)) byText.set(stem, NONE);
    }
  }
  return { byText, lengths };
}

/** Adds the rules under the event's values of the split's field that the event matches. */
export function matchField(split: Split, event: object, visits: Visits, matched: CompiledRule[] | undefined): CompiledRule[] | undefined {
  const leaf = plainLeaf(event, split.field.path);
  // The common shapes (one string, an array of strings) read in place; any other through indexedKeywords.
  if (typeof leaf === 'string') return leaf.length <= KEYWORD_IGNORE_ABOVE ? matchValue(split, leaf, event, visits, matched) : matched;
  if (Array.isArray(leaf) && leaf.every((item) => typeof item === 'string')) {
    for (const value of leaf) if (value.length <= KEYWORD_IGNORE_ABOVE) matched = matchValue(split, value, event, visits, matched);
    return matched;
  }
  for (const value of indexedKeywords(event, split.field.path)) matched = matchValue(split, value, event, visits, matched);
  return matched;
}

/** Adds the rules under `value` (one of the event's values of the split's field) that the event matches; `visits` keeps each rule to one evaluation per event. */
function matchValue(
  split: Split,
  value: string,
  event: object,
  visits: Visits,
  matched: CompiledRule[] | undefined,
): CompiledRule[] | undefined {
  matched = evaluate(split.exact.get(value), event, visits, matched);
  matched = byPrefix(split.exactPrefix, value, event, visits, matched);
  if (split.folds) {
    const lower = value.toLowerCase();
    matched = evaluate(split.folded.get(lower), event, visits, matched);
    matched = byPrefix(split.foldedPrefix, lower, event, visits, matched);
  }
  return matched;
}

/**
 * Rules under the prefixes `text` starts with. Lengths go up until the text's start is no prefix
 * and no stem: then no longer prefix starts it either, since its stem at that length would be that text.
 */
function byPrefix(
  table: PrefixTable,
  text: string,
  event: object,
  visits: Visits,
  matched: CompiledRule[] | undefined,
): CompiledRule[] | undefined {
  for (const length of table.lengths) {
    if (length > text.length) break;
    const found = table.byText.get(text.slice(0, length));
    if (found === undefined) break;
    matched = evaluate(found, event, visits, matched);
  }
  return matched;
}

/** Adds the rules of `candidates` the event matches to `matched`, each once per event. */
function evaluate(
  candidates: readonly Candidate[] | undefined,
  event: object,
  visits: Visits,
  matched: CompiledRule[] | undefined,
): CompiledRule[] | undefined {
  if (candidates === undefined) return matched;
  for (const candidate of candidates) {
    if (visits.first(candidate.position) && candidate.matches(event)) (matched ??= []).push(candidate.rule);
  }
  return matched;
}
