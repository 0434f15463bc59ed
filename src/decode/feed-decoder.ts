// Per-feed decoding as the pipeline needs it (FeedDecoder): projected match, full decode on a hit.
import { DetectorError } from '../errors.js';
import type { AvroRecord, EcsFieldsMapping, VendorFeed } from '../vendors/types.js';
import { createDecoder, type RecordDecoder } from './decoder.js';
import type { ValueFormat } from './framing.js';
import { lineagePaths } from './projection.js';
import { SchemaRegistryClient } from './schema-registry-client.js';
import { SCHEMA_PENDING } from './writer-schemas.js';

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

export interface FeedDecoderSettings {
  format: ValueFormat;
  registryUrl?: string | undefined;
  registryUsername?: string | undefined;
  registryPassword?: string | undefined;
  /** A client built by the caller (which then also reads its health); takes precedence over the URL. */
  registry?: SchemaRegistryClient | undefined;
  /** ECS fields the compiled rules read; each vendor's lineage turns them into Avro paths. */
  fieldsRead: readonly string[];
}

const NOTHING_TO_FETCH: Promise<void> = Promise.resolve();

function unwrap<T>(vendor: VendorFeed, decoded: T | typeof SCHEMA_PENDING): T {
  if (decoded === SCHEMA_PENDING) {
    // prepare() could not fetch the writer schema (registry unreachable): retriable, never a dead letter.
    throw new DetectorError('DECODE_REGISTRY_UNAVAILABLE', `${vendor.id}: the writer schema could not be fetched from the schema registry`);
  }
  return decoded;
}

/** The registry client the settings call for: Confluent framing with a registry URL. */
export function registryClient(
  settings: Pick<FeedDecoderSettings, 'format' | 'registryUrl' | 'registryUsername' | 'registryPassword'>,
): SchemaRegistryClient | undefined {
  if (settings.format !== 'confluent' || !settings.registryUrl) return undefined;
  return new SchemaRegistryClient({
    baseUrl: settings.registryUrl,
    ...(settings.registryUsername ? { username: settings.registryUsername } : {}),
    ...(settings.registryPassword ? { password: settings.registryPassword } : {}),
  });
}

/** One decoder per enabled vendor; all share one writer-schema cache (and one registry client). */
export function createFeedDecoders(vendors: readonly VendorFeed[], settings: FeedDecoderSettings): Map<string, FeedDecoder> {
  const registry = settings.format === 'confluent' ? (settings.registry ?? registryClient(settings)) : undefined;
  const full: RecordDecoder = createDecoder({ format: settings.format, vendors, ...(registry ? { registry } : {}) });
  const projectionOf = new Map(vendors.map((vendor) => [vendor.id, lineagePaths(vendor, settings.fieldsRead)]));
  const projected = full.project((vendor) => projectionOf.get(vendor.id) ?? []);
  // Each vendor's match fast path for these fields, built once; its decoder reads only what it maps.
  const fastOf = new Map(
    vendors.flatMap((vendor) => {
      const fast = vendor.toEcsFields?.(settings.fieldsRead);
      return fast === undefined ? [] : [[vendor.id, fast] as const];
    }),
  );
  const fastProjected = full.project(
    (vendor) => fastOf.get(vendor.id)?.reads ?? [],
    (vendor) => fastOf.get(vendor.id)?.guard,
  );

  const decoders = new Map<string, FeedDecoder>();
  for (const vendor of vendors) {
    // A vendor whose lineage names none of the rules' fields cannot be projected; it decodes in full.
    const forMatch = (projectionOf.get(vendor.id) ?? []).length > 0 ? projected : full;
    const fast = fastOf.get(vendor.id);
    const rememberedOn = fast ? fastProjected : forMatch;
    decoders.set(vendor.id, {
      prepare: (values) => full.prepare(values) ?? NOTHING_TO_FETCH,
      decodeForMatch: (value) => unwrap(vendor, forMatch.decodeSync(vendor, value)),
      decodeFull: (value) => unwrap(vendor, full.decodeSync(vendor, value)),
      rememberedMatch: (derive) => {
        const remembered = rememberedOn.remembered(vendor, derive);
        return (value) => unwrap(vendor, remembered(value));
      },
      ...(fast ? { fastMap: fast.map } : {}),
    });
  }
  return decoders;
}
