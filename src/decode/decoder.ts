// Turns Kafka values into vendor records: framing, writer->reader resolution, one cached plan per schema id.
import type avro from 'avsc';
import { DetectorError } from '../errors.js';
import type { AvroRecord } from '../vendors/types.js';
import { decodeError, type DecodeErrorCode } from './decode-error.js';
import { CONFLUENT_HEADER_BYTES, confluentSchemaId, requireValue, type ValueFormat } from './framing.js';
import { projectedType } from './projection.js';
import { ABSENT, compileProjectionScan, OutcomeTable, type ProjectionScan } from './projection-scan.js';
import { guardReader, guardRecord, plainGuards, type Guard } from './guard-bytes.js';

import { readBody, type Resolver } from './read-body.js';
import type { SchemaRegistryClient } from './schema-registry-client.js';
import { bundledType } from './schemas.js';
import {
  bundledWriterSchemas,
  registryWriterSchemas,
  SCHEMA_PENDING,
  type DecodableFeed,
  type SchemaPending,
  type WriterSchemaSource,
} from './writer-schemas.js';

/*
 * Hot path design. Almost every value is decoded synchronously: in `raw` format, for bundled
 * schema ids, and for registry ids already fetched, `decodeSync` finds the feed's cached plan for
 * the value's writer schema and reads through it (avsc's generated reader, resolving to the feed's
 * possibly projected reader schema). Only a registry id never seen before needs I/O, and the caller
 * decides when to wait:
 *   const pending = decoder.prepare(batch.map((m) => m.value)); // undefined: nothing to fetch
 *   if (pending) await pending;          // rejects (retriable) only if the registry is unreachable
 *   for (const m of batch) decoder.decodeSync(vendor, m.value);  // record, or throws DetectorError
 * `decodeSync` returns SCHEMA_PENDING (never guesses) when an id is still unknown, e.g. if prepare
 * was skipped. `decode` wraps both for callers that do not batch.
 */

export interface DecoderOptions {
  readonly format: ValueFormat;
  /** Confluent only: resolves every schema id through the registry instead of the bundled ids. */
  readonly registry?: SchemaRegistryClient;
  /** Feeds whose bundled schema ids may appear in Confluent framing without a registry (e.g. VENDORS). */
  readonly vendors?: readonly DecodableFeed[];
  /** A feed's reader schema (and writer schema of its bundled id); defaults to its bundled schema file. */
  readonly schemaOf?: (vendor: DecodableFeed) => avro.Type;
}

/** The Avro field paths (dotted, `tgt.process.name`) to keep for a feed. */
type ProjectionFields = (vendor: DecodableFeed) => Iterable<string>;

export interface RecordDecoder {
  readonly format: ValueFormat;
  /** The record, or SCHEMA_PENDING when its registry schema must first be fetched with `prepare`. Throws only DetectorError. */
  decodeSync(vendor: DecodableFeed, value: Buffer | null | undefined): AvroRecord | SchemaPending;
  /**
   * Fetches uncached registry schemas these values need; undefined when there is nothing to fetch.
   * Rejects only with DECODE_REGISTRY_UNAVAILABLE (retriable), after every look-up settled.
   */
  prepare(values: Iterable<Buffer | null | undefined>): Promise<void> | undefined;
  /** `decodeSync` when possible, else prepare-then-decode. Throws (sync) or rejects (async) only with DetectorError. */
  decode(vendor: DecodableFeed, value: Buffer | null | undefined): AvroRecord | Promise<AvroRecord>;
  /** The reader schema this decoder produces for a feed (the bundled schema, or its projection). */
  readerType(vendor: DecodableFeed): avro.Type;
  /** A decoder that reads only `fields(vendor)` of each feed; it shares this decoder's writer-schema cache. */
  project(fields: ProjectionFields, guardOf?: (vendor: DecodableFeed) => Guard | undefined): RecordDecoder;
  /**
   * `derive` of each value's record as `decodeSync` reads it, remembered by the bytes of the
   * projected fields per writer schema, so a value whose projected bytes were seen lately costs a
   * scan and a look-up (projection-scan.ts). `derive` must be pure; its throws pass through and are
   * not remembered. With a guard (see `project`), `derive` must depend on the guard fields only
   * through its `classify`. Throws DetectorError for bad bytes, as `decodeSync`.
   */
  remembered<T>(vendor: DecodableFeed, derive: (record: AvroRecord) => T): (value: Buffer | null | undefined) => T | SchemaPending;
}

/** How to read one writer schema as a feed's reader schema, or why it cannot be. */
interface Plan {
  readonly resolver: Resolver | undefined;
  /** For a projection whose writer holds the same projected fields: locates the projected bytes (remembered outcomes). */
  readonly scan?: ProjectionScan;
  /** Per guard field, a reader of its value from the bytes the scan located. */
  readonly guardReaders?: readonly ((buf: Buffer, start: number) => unknown)[];
  /** Whether every guard field of the scanned bytes is absent or plain (verdict 0), when the guard says what plain is. */
  readonly guardsPlain?: (buf: Buffer, spans: Int32Array) => boolean;
  readonly failure?: { readonly code: DecodeErrorCode; readonly reason: string };
}

interface FeedState {
  readonly reader: avro.Type;
  /** The projected Avro paths, for a projection decoder. */
  readonly paths: readonly string[] | undefined;
  readonly guard: Guard | undefined;
  /** The projected paths keyed by their bytes: all of `paths` but the guard-only fields. */
  readonly valuePaths: readonly string[] | undefined;
  readonly plans: Map<number, Plan>;
  raw: Plan | undefined;
}

export function createDecoder(options: DecoderOptions): RecordDecoder {
  const schemaOf = options.schemaOf ?? bundledType;
  const writers =
    options.format === 'confluent' && options.registry
      ? registryWriterSchemas(options.registry)
      : bundledWriterSchemas(options.vendors ?? [], schemaOf);
  return new Decoder(options.format, writers, schemaOf, undefined, undefined);
}

class Decoder implements RecordDecoder {
  private readonly feeds = new Map<string, FeedState>();

  constructor(
    readonly format: ValueFormat,
    private readonly writers: WriterSchemaSource,
    private readonly schemaOf: (vendor: DecodableFeed) => avro.Type,
    private readonly fields: ProjectionFields | undefined,
    private readonly guardOf: ((vendor: DecodableFeed) => Guard | undefined) | undefined,
  ) {}

  decodeSync(vendor: DecodableFeed, value: Buffer | null | undefined): AvroRecord | SchemaPending {
    const bytes = requireValue(vendor.id, value);
    const feed = this.feeds.get(vendor.id) ?? this.addFeed(vendor);
    const plan = this.planOf(vendor, feed, bytes);
    if (plan === SCHEMA_PENDING) return SCHEMA_PENDING;
    return this.read(vendor, feed, plan, bytes, this.bodyOffset);
  }

  remembered<T>(vendor: DecodableFeed, derive: (record: AvroRecord) => T): (value: Buffer | null | undefined) => T | SchemaPending {
    const tables = new Map<Plan, OutcomeTable<T>>();
    return (value) => {
      const bytes = requireValue(vendor.id, value);
      const feed = this.feeds.get(vendor.id) ?? this.addFeed(vendor);
      const plan = this.planOf(vendor, feed, bytes);
      if (plan === SCHEMA_PENDING) return SCHEMA_PENDING;
      const offset = this.bodyOffset;
      const scan = plan.scan;
      // A scan that ends anywhere but at the end leaves the verdict to the resolver's read below.
      if (scan === undefined || scan.run(bytes, offset) !== bytes.length) return derive(this.read(vendor, feed, plan, bytes, offset));
      let table = tables.get(plan);
      if (table === undefined) tables.set(plan, (table = new OutcomeTable<T>()));
      const guard = feed.guard;
      const verdict =
        guard === undefined || plan.guardsPlain?.(bytes, scan.guardSpans)
          ? 0
          : guard.classify(guardRecord(guard, plan.guardReaders!, bytes, scan));
      const known = table.get(bytes, scan, verdict);
      if (known !== ABSENT) return known;
      const outcome = derive(this.read(vendor, feed, plan, bytes, offset));
      table.set(bytes, scan, outcome, verdict);
      return outcome;
    };
  }

  private get bodyOffset(): number {
    return this.format === 'raw' ? 0 : CONFLUENT_HEADER_BYTES;
  }

  private planOf(vendor: DecodableFeed, feed: FeedState, bytes: Buffer): Plan | SchemaPending {
    if (this.format === 'raw') return (feed.raw ??= this.plan(feed, this.schemaOf(vendor), 'the bundled schema'));
    const id = confluentSchemaId(vendor.id, bytes);
    let plan = feed.plans.get(id);
    if (plan === undefined) {
      const writer = this.writers.writerType(vendor, id);
      if (writer === SCHEMA_PENDING) return SCHEMA_PENDING;
      plan = this.plan(feed, writer, `writer schema id ${id}`);
      feed.plans.set(id, plan);
    }
    return plan;
  }

  prepare(values: Iterable<Buffer | null | undefined>): Promise<void> | undefined {
    return this.format === 'confluent' ? this.writers.prepare(values) : undefined;
  }

  decode(vendor: DecodableFeed, value: Buffer | null | undefined): AvroRecord | Promise<AvroRecord> {
    const pending = this.prepare([value]);
    if (!pending) return this.decodeSync(vendor, value) as AvroRecord; // nothing to fetch: never pending
    // An unreachable registry is reported by decodeSync, with the vendor in the message.
    return pending
      .catch(() => undefined)
      .then(() => {
        const record = this.decodeSync(vendor, value);
        if (record === SCHEMA_PENDING) {
          // Only if the registry's negative cache expired between prepare and decode; ask again later.
          throw decodeError('DECODE_REGISTRY_UNAVAILABLE', vendor.id, 'writer schema still unresolved after fetching it');
        }
        return record;
      });
  }

  readerType(vendor: DecodableFeed): avro.Type {
    return (this.feeds.get(vendor.id) ?? this.addFeed(vendor)).reader;
  }

  project(fields: ProjectionFields, guardOf?: (vendor: DecodableFeed) => Guard | undefined): RecordDecoder {
    return new Decoder(this.format, this.writers, this.schemaOf, fields, guardOf);
  }

  private addFeed(vendor: DecodableFeed): FeedState {
    const bundled = this.schemaOf(vendor);
    const guard = this.fields ? this.guardOf?.(vendor) : undefined;
    const valuePaths = this.fields ? [...new Set(this.fields(vendor))].sort() : undefined;
    const paths = valuePaths && guard ? [...new Set([...valuePaths, ...guard.fields])].sort() : valuePaths;
    const reader = paths ? this.projection(vendor, bundled, () => paths) : bundled;
    const feed: FeedState = { reader, paths, guard, valuePaths, plans: new Map(), raw: undefined };
    this.feeds.set(vendor.id, feed);
    return feed;
  }

  private projection(vendor: DecodableFeed, bundled: avro.Type, fields: ProjectionFields): avro.Type {
    try {
      return projectedType(bundled, fields(vendor));
    } catch (error) {
      // A lineage path the schema lacks is a build defect, reported once per feed with its name.
      const reason = error instanceof Error ? error.message : String(error);
      throw new DetectorError('CONFIG_INVALID', `${vendor.id}: ${reason}`, { cause: error });
    }
  }

  private plan(feed: FeedState, writer: avro.Type, writerName: string): Plan {
    // Same schema as the reader: avsc reads directly, which is faster than through a resolver.
    if (writer === feed.reader || writer.equals(feed.reader)) return { resolver: undefined };
    let resolver: Resolver;
    try {
      resolver = feed.reader.createResolver(writer);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return {
        resolver: undefined,
        failure: {
          code: 'DECODE_INCOMPATIBLE_SCHEMA',
          reason: `${writerName} cannot be read as ${feed.reader.name ?? 'the reader schema'}: ${why}`,
        },
      };
    }
    if (!feed.paths || !this.sameProjection(writer, feed.paths, feed.reader)) return { resolver };
    const guards = feed.guard?.fields ?? [];
    // Guard fields are keyed by their verdict; the value fields by their bytes.
    const scan = compileProjectionScan(writer, feed.valuePaths!, guards);
    if (scan === undefined) return { resolver };
    const fields = (writer as avro.types.RecordType).fields;
    const types = guards.map((name) => fields.find((field) => field.name === name)!.type);
    const guardReaders = types.map(guardReader);
    const guardsPlain = feed.guard?.plain ? plainGuards(types, feed.guard.plain) : undefined;
    return { resolver, scan, guardReaders, ...(guardsPlain ? { guardsPlain } : {}) };
  }

  /**
   * Generated code locates the projection only when the writer's own projection equals the
   * reader's: then no resolution rule (defaults, promotions, aliases) can make equal bytes give
   * different records.
   */
  private sameProjection(writer: avro.Type, paths: readonly string[], reader: avro.Type): boolean {
    try {
      return projectedType(writer, paths).equals(reader);
    } catch {
      return false; // the writer lacks a projected field: avsc's resolver applies the reader's default
    }
  }

  private read(vendor: DecodableFeed, feed: FeedState, plan: Plan, bytes: Buffer, offset: number): AvroRecord {
    if (plan.failure) throw decodeError(plan.failure.code, vendor.id, plan.failure.reason);
    return readBody(vendor.id, feed.reader, plan.resolver, bytes, offset);
  }
}
