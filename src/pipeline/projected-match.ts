// Decides which rules a projected record matches, as cheaply as the vendor and the data allow.
import type { CompiledRule } from '../detect/compile-rule.js';
import { RuleIndex } from '../detect/rule-index.js';
import type { EcsEvent } from '../ecs/event.js';
import { DetectorError } from '../errors.js';
import type { AvroRecord } from '../vendors/types.js';
import type { FeedRuntime } from './feed-runtime.js';

/** The rules a Kafka value matches, undefined for none; throws DetectorError when it cannot be decoded or mapped. */
export type ValueMatch = (value: Buffer | null) => readonly CompiledRule[] | undefined;

/** Outcomes kept at most (records the decoder hands out again; see compiled-reader.ts) ... */
const MEMO_ENTRIES = 8_192;
/** ... judged over this many look-ups: remembering stops for a while below half hits. */
const MEMO_WINDOW = 1_024;
const MEMO_PAUSE = 65_536;
const NO_MATCH: readonly CompiledRule[] = Object.freeze([]);

/** Below this many rules a plain scan is as fast as the index's key look-up. */
const INDEX_FROM_RULES = 16;
const indexes = new WeakMap<readonly CompiledRule[], RuleIndex>();

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

/**
 * Mapping and matching are pure, so a record object seen before has the same outcome. The decoder
 * returns one shared record for every Kafka value whose projected fields are equal, which makes
 * most look-ups hits; where it does not (values that never repeat), the memo switches itself off.
 */
class OutcomeMemo {
  private readonly outcomes = new Map<AvroRecord, readonly CompiledRule[]>();
  private lookups = 0;
  private hits = 0;
  private paused = 0;

  get(record: AvroRecord): readonly CompiledRule[] | undefined {
    if (this.paused > 0) {
      this.paused--;
      return undefined;
    }
    const known = this.outcomes.get(record);
    if (known !== undefined) this.hits++;
    if (++this.lookups >= MEMO_WINDOW) {
      if (this.hits * 2 < this.lookups) {
        this.paused = MEMO_PAUSE;
        this.outcomes.clear();
      }
      this.lookups = 0;
      this.hits = 0;
    }
    return known;
  }

  set(record: AvroRecord, outcome: readonly CompiledRule[]): void {
    if (this.paused > 0) return;
    if (this.outcomes.size >= MEMO_ENTRIES) this.outcomes.clear();
    this.outcomes.set(record, outcome);
  }
}

/** Marks a record the vendor's fast path cannot map alone (see EcsFieldsMapping.map). */
const NEEDS_WHOLE: readonly CompiledRule[] = Object.freeze([]);

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
 * The matcher of one feed, built once. With a vendor fast path (VendorFeed.toEcsFields) the value
 * is decoded to just what that path reads and mapped by it; the rare record it cannot map alone is
 * decoded to the rules' whole lineage and mapped by toEcs. Without one, the lineage projection and
 * toEcs always. Either way, outcomes are remembered per shared projected record.
 */
export function projectedMatch(runtime: FeedRuntime): ValueMatch {
  let match = matchers.get(runtime);
  if (match) return match;
  const { rules, vendor, decoder } = runtime;
  const fast = decoder.fastMatch;
  const memo = new OutcomeMemo();
  const matchWhole = (record: AvroRecord): readonly CompiledRule[] => matchingRules(rules, toEcsOrThrow(vendor, record)) ?? NO_MATCH;
  const matchFast = (record: AvroRecord): readonly CompiledRule[] => {
    let event: EcsEvent | undefined;
    try {
      event = fast!.map(record);
    } catch (error) {
      throw mapFailed(vendor.id, error);
    }
    return event === undefined ? NEEDS_WHOLE : (matchingRules(rules, event) ?? NO_MATCH);
  };
  match = (value) => {
    const record = fast ? fast.decode(value) : decoder.decodeForMatch(value);
    let outcome = memo.get(record);
    if (outcome === undefined) {
      outcome = fast ? matchFast(record) : matchWhole(record);
      memo.set(record, outcome);
    }
    if (outcome === NEEDS_WHOLE) {
      // The fast path needs more than it reads in the common case: the lineage projection has it all.
      const whole = decoder.decodeForMatch(value);
      outcome = matchFast(whole);
      if (outcome === NEEDS_WHOLE) outcome = matchWhole(whole);
    }
    return outcome.length > 0 ? outcome : undefined;
  };
  matchers.set(runtime, match);
  return match;
}
