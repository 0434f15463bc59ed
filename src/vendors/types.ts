// The contract every EDR feed meets: where it arrives, how it is decoded, and how it becomes ECS.
import type { EcsEvent } from '../ecs/event.js';

/** A decoded Avro record: plain objects, strings, numbers, booleans, arrays and nulls. */
export type AvroRecord = Record<string, unknown>;

export interface VendorFeed {
  /** Stable kebab-case id; names the schema file, the fixture folder and metric labels. */
  readonly id: string;
  /** Human name, for logs and documentation. */
  readonly title: string;
  /** Environment variable that names (or, when empty, disables) this feed's topic. */
  readonly topicVariable: string;
  readonly defaultTopic: string;
  /** File name under schemas/. */
  readonly schemaFile: string;
  /** Schema id used in Confluent framing when no schema registry is configured. */
  readonly bundledSchemaId: number;
  /** ECS `event.dataset` / `event.module` the integration assigns. */
  readonly dataset: string;
  readonly module: string;
  /** Pure mapping to ECS. Never throws on a schema-valid record; sets only fields that have values. */
  toEcs(record: AvroRecord): EcsEvent;
  /**
   * Optional fast path for matching: given the ECS fields the rules read, a mapping of just those
   * fields, or undefined when this feed has no faster way to map that set than toEcs. Built once
   * per feed, run on nearly every record, so it should allocate little.
   */
  toEcsFields?(fields: readonly string[]): EcsFieldsMapping | undefined;
  /** The vendor's own identity for this event, stable across redeliveries; undefined if it has none. */
  eventIdentity(record: AvroRecord): string | undefined;
  /**
   * For each ECS field toEcs can set, the Avro field paths (dotted, Avro names) it reads to do so.
   * Lets the pipeline decode only what the compiled rules need.
   */
  readonly lineage: Readonly<Record<string, readonly string[]>>;
}

/** A feed's fast path for matching (VendorFeed.toEcsFields). */
export interface EcsFieldsMapping {
  /** The Avro paths `map` reads: within the lineage of the fields, often fewer. */
  readonly reads: readonly string[];
  /**
   * The fields, each exactly as toEcs sets it (a field toEcs leaves out is absent or undefined),
   * from a record holding at least `reads`. Undefined when this record needs fields it does not
   * hold (rare edge values): the caller then maps the record projected to the fields' whole
   * lineage, with this function again (which then must not decline) or with toEcs.
   */
  map: (record: AvroRecord) => EcsEvent | undefined;
  /**
   * Fields `map` also reads, but only through `classify` (e.g. whether a time aborts Elastic's
   * pipeline): top-level Avro fields, and a verdict 0-255 such that two records equal on `reads`
   * with equal verdicts map alike. The caller keys remembered outcomes on the verdict, not on
   * these fields' bytes, which may differ on every record.
   */
  readonly guard?: EcsFieldsGuard;
}

export interface EcsFieldsGuard {
  readonly fields: readonly string[];
  classify(record: AvroRecord): number;
  /**
   * Optional, per field: the plain texts for which, with every other field absent or plain too,
   * `classify` gives 0. Lets the caller settle the usual record from its bytes, building no text.
   */
  readonly plain?: readonly PlainText[];
}

/** Up to `digits` ASCII digits then, when `fraction` > 0, an optional `.` and 1 to `fraction` digits; or any non-empty text; and the empty text when `empty`. */
export interface PlainText {
  readonly digits: number;
  readonly fraction: number;
  readonly anyText?: boolean;
  readonly empty?: boolean;
}
