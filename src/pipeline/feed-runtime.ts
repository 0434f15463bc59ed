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
   * The vendor's match fast path for the rules' fields (VendorFeed.toEcsFields), when it has one:
   * the value projected to just what its mapping reads (often fewer fields than decodeForMatch
   * keeps), and that mapping.
   */
  fastMatch?: { decode(value: Buffer | null): AvroRecord; map: EcsFieldsMapping['map'] };
}

export interface FeedRuntime {
  vendor: VendorFeed;
  topic: string;
  decoder: FeedDecoder;
  rules: readonly ActiveRule[];
}
