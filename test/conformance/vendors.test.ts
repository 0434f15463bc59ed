// Holds every feed in VENDORS to the same contract: schema, ids, fixtures through Avro, total mapping, honest lineage.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/decode/decoder.js';
import { encodeRecord } from '../../scripts/native/encoder.js';
import { createFeedDecoders } from '../../src/decode/feed-decoder.js';
import type { ValueFormat } from '../../src/decode/framing.js';
import { lineagePaths, projectSchema } from '../../src/decode/projection.js';
import { bundledType, parseSchema } from '../../src/decode/schemas.js';
import { readSchemaJson } from '../../src/vendors/shared/schema-file.js';
import type { EcsEvent } from '../../src/ecs/event.js';
import { DetectorError } from '../../src/errors.js';
import { packagePath } from '../../src/package-root.js';
import { VENDORS } from '../../src/vendors/index.js';
import type { AvroRecord, VendorFeed } from '../../src/vendors/types.js';
import { arbitraryFor } from '../unit/decode/avro-arbitrary.js';
import { fromNative } from '../../scripts/native/from-native.js';

interface Fixture {
  readonly description: string;
  readonly source?: string;
  readonly native: Record<string, unknown>;
  readonly expected: EcsEvent;
  readonly alert: boolean;
}

const MIN_FIXTURES = 10;
const RANDOM_RECORDS = 500;
/** The ECS fields the rule reads; a projection to their lineage must map them exactly as the full record does. */
const RULE_FIELDS = ['host.os.type', 'event.type', 'event.action', 'event.category', 'process.name'] as const;
const FORMATS: readonly ValueFormat[] = ['raw', 'confluent'];

function loadFixtures(vendor: VendorFeed): [string, Fixture][] {
  const dir = packagePath('test', 'fixtures', vendor.id);
  // A missing folder fails the fixture-count test below instead of the whole file.
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file, JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Fixture]);
}

function get(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

/**
 * Paths where an ECS document holds null, undefined or an empty array/object, which the contract
 * forbids ("sets only fields that have values"). Empty strings are left to each mapping: some
 * integrations drop them, others index what the agent sent.
 */
function emptyValues(doc: unknown, path = ''): string[] {
  if (doc === null || doc === undefined) return [path];
  if (Array.isArray(doc)) return doc.length === 0 ? [path] : doc.flatMap((item, index) => emptyValues(item, `${path}[${index}]`));
  if (typeof doc === 'object') {
    const entries = Object.entries(doc);
    if (entries.length === 0) return [path];
    return entries.flatMap(([key, value]) => emptyValues(value, path ? `${path}.${key}` : key));
  }
  return [];
}

/** Every string in a record, to seed random records with values the mapping actually branches on. */
function stringsIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value))
    for (const item of Object.values(value)) stringsIn(item, out);
  return out;
}

function randomRecords(vendor: VendorFeed, fixtures: readonly [string, Fixture][]): fc.Arbitrary<AvroRecord> {
  const seen = new Set<string>(['', '-', 'none', 'linux', 'Linux', 'exec', 'start', 'pg_dump', 'PG_DUMP', '/', '\\']);
  for (const [, fixture] of fixtures) stringsIn(fromNative(vendor, fixture.native), seen);
  const string = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...seen) },
    { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.maxSafeInteger()).map(String) },
  );
  return arbitraryFor(bundledType(vendor), { string, maxItems: 5 }) as fc.Arbitrary<AvroRecord>;
}

describe('the VENDORS list', () => {
  it.each<[string, (vendor: VendorFeed) => unknown]>([
    ['id', (vendor) => vendor.id],
    ['schema file', (vendor) => vendor.schemaFile],
    ['bundled schema id', (vendor) => vendor.bundledSchemaId],
    ['default topic', (vendor) => vendor.defaultTopic],
    ['topic variable', (vendor) => vendor.topicVariable],
  ])('gives every feed its own %s', (_what, key) => {
    const values = VENDORS.map(key);
    expect(new Set(values).size).toBe(values.length);
  });

  it('names each feed in kebab-case, with a matching schema file and a Confluent-sized schema id', () => {
    for (const vendor of VENDORS) {
      expect(vendor.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(vendor.schemaFile).toBe(`${vendor.id}.avsc`);
      expect(Number.isInteger(vendor.bundledSchemaId) && vendor.bundledSchemaId > 0 && vendor.bundledSchemaId < 2 ** 31).toBe(true);
      expect(vendor.topicVariable).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });
});

describe.each(VENDORS.map((vendor) => [vendor.id, vendor] as const))('%s', (_id, vendor) => {
  const fixtures = loadFixtures(vendor);
  const type = bundledType(vendor);

  it('has a schema file that parses as an Avro record', () => {
    expect(() => parseSchema(readSchemaJson(vendor.schemaFile))).not.toThrow();
    expect(type.typeName).toBe('record');
  });

  it('names only Avro paths its schema has in its lineage', () => {
    const paths = lineagePaths(vendor, Object.keys(vendor.lineage));
    expect(() => projectSchema(type, paths)).not.toThrow();
  });

  it(`has at least ${MIN_FIXTURES} fixtures, each well-formed`, () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(MIN_FIXTURES);
    for (const [file, fixture] of fixtures) {
      expect(typeof fixture.description, file).toBe('string');
      expect(typeof fixture.native, file).toBe('object');
      expect(typeof fixture.expected, file).toBe('object');
      expect(typeof fixture.alert, file).toBe('boolean');
    }
  });

  describe.each(FORMATS.map((format) => [format] as const))('fixtures through %s Avro', (format) => {
    const decoder = createDecoder({ format, vendors: VENDORS });
    it.each(fixtures)('%s maps to its expected ECS', (_file, fixture) => {
      const record = fromNative(vendor, fixture.native);
      const decoded = decoder.decodeSync(vendor, encodeRecord(vendor, record, { format })) as AvroRecord;
      const ecs = vendor.toEcs(decoded);
      expect(ecs).toEqual(fixture.expected);
      expect(ecs.event?.dataset).toBe(vendor.dataset);
      expect(ecs.event?.module).toBe(vendor.module);
    });
  });

  // Through the pipeline's own adapter, so the decoders it wires are the ones held to the contract.
  it.each(FORMATS.map((format) => [format] as const))(
    'agrees on the rule fields between projected and full decode of every fixture (%s)',
    (format) => {
      const decoder = createFeedDecoders(VENDORS, { format, fieldsRead: RULE_FIELDS }).get(vendor.id)!;
      for (const [file, fixture] of fixtures) {
        const value = encodeRecord(vendor, fromNative(vendor, fixture.native), { format });
        const whole = vendor.toEcs(decoder.decodeFull(value));
        const partial = vendor.toEcs(decoder.decodeForMatch(value));
        for (const field of RULE_FIELDS) expect(get(partial, field), `${file}: ${field}`).toEqual(get(whole, field));
      }
    },
  );

  it(`maps ${RANDOM_RECORDS} random schema-valid records without throwing, always setting event.dataset and event.module`, () => {
    const decoder = createDecoder({ format: 'raw' });
    fc.assert(
      fc.property(randomRecords(vendor, fixtures), (record) => {
        const decoded = decoder.decodeSync(vendor, encodeRecord(vendor, record, { format: 'raw' })) as AvroRecord;
        const ecs = vendor.toEcs(decoded);
        expect(ecs.event?.dataset, 'event.dataset').toMatch(/./);
        expect(ecs.event?.module, 'event.module').toMatch(/./);
        expect(emptyValues(ecs), 'fields set without a value').toEqual([]);
        const identity = vendor.eventIdentity(decoded);
        expect(identity === undefined || typeof identity === 'string').toBe(true);
      }),
      { numRuns: RANDOM_RECORDS },
    );
  });

  it('agrees on the rule fields between projected and full decode of random records', () => {
    const full = createDecoder({ format: 'confluent', vendors: VENDORS });
    const projected = full.project((feed) => lineagePaths(feed as VendorFeed, RULE_FIELDS));
    fc.assert(
      fc.property(randomRecords(vendor, fixtures), (record) => {
        const value = encodeRecord(vendor, record, { format: 'confluent' });
        const whole = vendor.toEcs(full.decodeSync(vendor, value) as AvroRecord);
        const partial = vendor.toEcs(projected.decodeSync(vendor, value) as AvroRecord);
        for (const field of RULE_FIELDS) expect(get(partial, field), field).toEqual(get(whole, field));
      }),
      { numRuns: RANDOM_RECORDS },
    );
  });

  it('turns garbage into decode DetectorErrors naming the feed, never other exceptions', () => {
    const decoder = createDecoder({ format: 'confluent', vendors: VENDORS });
    const header = Buffer.from([0, 0, 0, 0, 0]);
    header.writeInt32BE(vendor.bundledSchemaId, 1);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          const record = decoder.decodeSync(vendor, Buffer.concat([header, bytes]));
          expect(type.isValid(record)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(DetectorError);
          expect((error as DetectorError).stage).toBe('decode');
          expect((error as DetectorError).message).toContain(vendor.id);
        }
      }),
      { numRuns: 300 },
    );
  });
});
