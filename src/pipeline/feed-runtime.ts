// What the pipeline knows about one enabled feed: vendor, topic, decoder and the rules it runs.
import type { ActiveRule } from '../ruleset/detection-set.js';
import type { AvroRecord, EcsFieldsMapping, VendorFeed } from '../vendors/types.js';

/**
 * Decoding as the pipeline needs it. `decodeForMatch` may return only the fields the rules read
 * (a projection); `decodeFull` returns the whole record and runs only for matches. Both throw a
 * DetectorError for bad input. `prepare` resolves writer schemas (registry look-ups) for a batch
 * so the two decode calls can stay synchronous.
 */
export interface FeedDecoder {
  prepare(values: ReadonlyArray<Buffer | null>): Promise<void>;
  decodeForMatch(value: Buffer | null): AvroRecord;
  decodeFull(value: Buffer | null): AvroRecord;
  /**
   * `derive` of each value's projection for matching, remembered by the projected bytes: the
   * projection `fastMap` reads when the vendor has a fast path, else the one of decodeForMatch.
   * `derive` must be pure; throws as decodeForMatch does.
   */
  rememberedMatch<T>(derive: (record: AvroRecord) => T): (value: Buffer | null) => T;
  /** The vendor's mapping of just the rules' fields (VendorFeed.toEcsFields), when it has one. */
  fastMap?: EcsFieldsMapping['map'];
}

export interface FeedRuntime {
  vendor: VendorFeed;
  topic: string;
  decoder: FeedDecoder;
  rules: readonly ActiveRule[];
}
