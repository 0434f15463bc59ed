// Decides which rules a Kafka value matches: a scan and a look-up for projected values seen lately, a projected decode otherwise.
import type { CompiledRule } from '../detect/compile-rule.js';
import { RuleIndex } from '../detect/rule-index.js';
import type { EcsEvent } from '../ecs/event.js';
import { DetectorError } from '../errors.js';
import type { AvroRecord } from '../vendors/types.js';
import type { FeedRuntime } from './feed-runtime.js';

/** The rules a Kafka value matches, undefined for none; throws DetectorError when it cannot be decoded or mapped. */
export type ValueMatch = (value: Buffer | null) => readonly CompiledRule[] | undefined;

const NO_MATCH: readonly CompiledRule[] = Object.freeze([]);
/** Marks a record the vendor's fast path cannot map alone (see EcsFieldsMapping.map). */
const NEEDS_WHOLE: readonly CompiledRule[] = Object.freeze([]);

/** Below this many rules a plain scan is as fast as the index's key look-up. */
const INDEX_FROM_RULES = 16;
const indexes = new WeakMap<readonly CompiledRule[], RuleIndex<CompiledRule>>();

/** The rules the event matches, in load order; a feed running many rules asks its RuleIndex. */
export function matchingRules<Rule extends CompiledRule>(rules: readonly Rule[], event: EcsEvent): Rule[] | undefined {
  if (rules.length >= INDEX_FROM_RULES) {
    let index = indexes.get(rules);
    if (index === undefined) indexes.set(rules, (index = new RuleIndex(rules)));
    // The index hands back the very rule objects it was built from.
    return index.matching(event) as Rule[] | undefined;
  }
  let matched: Rule[] | undefined;
  for (const rule of rules) {
    if (rule.matches(event)) (matched ??= []).push(rule);
  }
  return matched;
}

function mapFailed(vendorId: string, error: unknown): DetectorError {
  return new DetectorError('MAP_FAILED', `${vendorId}: mapping to ECS failed: ${(error as Error).message}`, { cause: error });
}

/** The vendor's whole mapping; a throw (a mapping bug, never bad input by contract) becomes MAP_FAILED. */
export function toEcsOrThrow(vendor: FeedRuntime['vendor'], record: AvroRecord): EcsEvent {
  try {
    return vendor.toEcs(record);
  } catch (error) {
    throw mapFailed(vendor.id, error);
  }
}

const matchers = new WeakMap<FeedRuntime, ValueMatch>();

/**
 * The matcher of one feed, built once. Mapping and matching are pure, so the outcome of a value is
 * remembered by its projected bytes (FeedDecoder.rememberedMatch). With a vendor fast path
 * (VendorFeed.toEcsFields) the projection is just what that path reads; the rare record it cannot
 * map alone is decoded to the rules' whole lineage and mapped again, each time. Without one, the
 * lineage projection and toEcs.
 */
export function valueMatcher(runtime: FeedRuntime): ValueMatch {
  let match = matchers.get(runtime);
  if (match) return match;
  const { rules, vendor, decoder } = runtime;
  const fastMap = decoder.fastMap;
  const matchWhole = (record: AvroRecord): readonly CompiledRule[] => matchingRules(rules, toEcsOrThrow(vendor, record)) ?? NO_MATCH;
  const matchFast = (record: AvroRecord): readonly CompiledRule[] => {
    let event: EcsEvent | undefined;
    try {
      event = fastMap!(record);
    } catch (error) {
      throw mapFailed(vendor.id, error);
    }
    return event === undefined ? NEEDS_WHOLE : (matchingRules(rules, event) ?? NO_MATCH);
  };
  const remembered = decoder.rememberedMatch(fastMap ? matchFast : matchWhole);
  match = (value) => {
    let outcome = remembered(value);
    if (outcome === NEEDS_WHOLE) {
      const whole = decoder.decodeForMatch(value);
      outcome = matchFast(whole);
      if (outcome === NEEDS_WHOLE) outcome = matchWhole(whole);
    }
    return outcome.length > 0 ? outcome : undefined;
  };
  matchers.set(runtime, match);
  return match;
}
