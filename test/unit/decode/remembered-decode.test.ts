// Outcomes remembered by projected bytes (generated scan + outcome table) against avsc's resolver: same records, same verdicts.
import type avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/decode/decoder.js';
import { compileProjectionScan } from '../../../src/decode/projection-scan.js';
import { lineagePaths, projectedType } from '../../../src/decode/projection.js';
import { bundledType, parseSchema } from '../../../src/decode/schemas.js';
import { SCHEMA_PENDING, type DecodableFeed } from '../../../src/decode/writer-schemas.js';
import { isDetectorError } from '../../../src/errors.js';
import { VENDORS } from '../../../src/vendors/index.js';
import type { AvroRecord } from '../../../src/vendors/types.js';
import { arbitraryFor } from './avro-arbitrary.js';
import { testType } from './test-feed.js';

const RUNS = 200;
const TEST_PATHS = [
  'timestamp',
  'event.action',
  'event.type',
  'event.severity',
  'host.os',
  'host.ip',
  'process.name',
  'process.pid',
  'process.start',
  'parent',
  'parent.name',
  'labels',
  'score',
  'ratio',
  'elevated',
  'hash',
  'payload',
];
const FEED: DecodableFeed = { id: 'prop-feed', schemaFile: 'prop-feed.avsc', bundledSchemaId: 1 };

type Verdict = { value: unknown } | 'invalid';

/** Plain data for comparison: avsc's records are class instances. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item)));
}

/** What avsc makes of a whole `body` through a resolver to the projection: the record, or invalid. */
function viaAvsc(writer: avro.Type, paths: readonly string[], body: Buffer): Verdict {
  const reader = projectedType(writer, paths);
  try {
    const decoded = reader.decode(body, 0, reader.createResolver(writer));
    return decoded.offset !== body.length ? 'invalid' : { value: plain(decoded.value) };
  } catch {
    return 'invalid';
  }
}

/**
 * One remembering function per schema and path set for the whole file, deriving the plain record,
 * so that outcomes remembered in one case answer later ones. The writer is read as a raw body.
 */
const remembering = new Map<avro.Type, Map<string, { calls: number; decode: (body: Buffer) => unknown }>>();

function viaRemembered(writer: avro.Type, paths: readonly string[], body: Buffer): Verdict {
  let byPaths = remembering.get(writer);
  if (!byPaths) remembering.set(writer, (byPaths = new Map()));
  const key = [...paths].sort().join(',');
  let entry = byPaths.get(key);
  if (!entry) {
    const projected = createDecoder({ format: 'raw', schemaOf: () => writer }).project(() => paths);
    const counting = { calls: 0, decode: (_body: Buffer): unknown => undefined };
    counting.decode = projected.remembered(FEED, (record: AvroRecord) => {
      counting.calls++;
      return plain(record);
    });
    byPaths.set(key, (entry = counting));
  }
  try {
    const value = entry.decode(body);
    expect(value).not.toBe(SCHEMA_PENDING);
    return { value };
  } catch (error) {
    expect(isDetectorError(error), String(error)).toBe(true);
    return 'invalid';
  }
}

const SCHEMAS: [string, avro.Type, string[]][] = [
  ['test schema', testType, TEST_PATHS],
  ...VENDORS.map((vendor): [string, avro.Type, string[]] => [
    vendor.id,
    bundledType(vendor),
    lineagePaths(vendor, Object.keys(vendor.lineage)),
  ]),
];

describe.each(SCHEMAS)('%s', (_name, type, allPaths) => {
  const records = arbitraryFor(type, { maxItems: 3 });
  const pathSets = fc.subarray(allPaths, { minLength: 0, maxLength: 8 });

  it('derives from the record avsc reads through a resolver', () => {
    fc.assert(
      fc.property(records, pathSets, (record, paths) => {
        const body = type.toBuffer(record);
        const expected = viaAvsc(type, paths, body);
        expect(expected).not.toBe('invalid');
        expect(viaRemembered(type, paths, body)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('agrees with avsc on truncated and bit-flipped bodies', () => {
    fc.assert(
      fc.property(
        records,
        pathSets,
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (record, paths, flips, cut) => {
          const body = Buffer.from(type.toBuffer(record));
          for (const flip of flips) body[(flip >> 3) % body.length]! ^= 1 << (flip & 7);
          const corrupt = body.subarray(0, Math.max(1, Math.ceil(cut * body.length)));
          expect(viaRemembered(type, paths, corrupt)).toEqual(viaAvsc(type, paths, corrupt));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers from memory only for the same projected values, corrupt bodies included', () => {
    // Strings from a tiny set: kept values repeat, so most answers come from the outcome table.
    const repetitive = arbitraryFor(type, { maxItems: 2, string: fc.constantFrom('', 'linux', 'exec', 'pg_dump') });
    const few = fc.subarray(allPaths, { minLength: 0, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.array(repetitive, { minLength: 2, maxLength: 12 }),
        few,
        fc.array(fc.nat(), { maxLength: 2 }),
        (batch, paths, flips) => {
          for (const record of batch) {
            const body = Buffer.from(type.toBuffer(record));
            expect(viaRemembered(type, paths, body)).toEqual(viaAvsc(type, paths, body));
            for (const flip of flips) body[(flip >> 3) % body.length]! ^= 1 << (flip & 7);
            expect(viaRemembered(type, paths, body)).toEqual(viaAvsc(type, paths, body));
          }
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });

  it('agrees with avsc on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), pathSets, (bytes, paths) => {
        const body = Buffer.from(bytes);
        expect(viaRemembered(type, paths, body)).toEqual(viaAvsc(type, paths, body));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('remembered outcomes', () => {
  const type = parseSchema({
    type: 'record',
    name: 'R',
    fields: [
      { name: 'os', type: 'string' },
      { name: 'pid', type: 'int' },
      { name: 'tags', type: { type: 'array', items: 'string' } },
    ],
  });

  it('derives once per distinct projected value and answers repeats from the table', () => {
    const projected = createDecoder({ format: 'raw', schemaOf: () => type }).project(() => ['os', 'tags']);
    const seen: AvroRecord[] = [];
    const decode = projected.remembered(FEED, (record) => {
      seen.push(record);
      return `${String(record['os'])}:${(record['tags'] as string[]).join('+')}`;
    });
    expect(decode(type.toBuffer({ os: 'linux', pid: 1, tags: ['a'] }))).toBe('linux:a');
    expect(decode(type.toBuffer({ os: 'linux', pid: 2, tags: ['a'] }))).toBe('linux:a');
    expect(decode(type.toBuffer({ os: 'linux', pid: 2, tags: ['b'] }))).toBe('linux:b');
    expect(seen).toEqual([
      { os: 'linux', tags: ['a'] },
      { os: 'linux', tags: ['b'] },
    ]);
  });

  it('stays correct when values never repeat (every record a miss, slots replaced)', () => {
    const single = parseSchema({
      type: 'record',
      name: 'S',
      fields: [
        { name: 's', type: ['null', 'string'] },
        { name: 'n', type: 'long' },
      ],
    });
    const projected = createDecoder({ format: 'raw', schemaOf: () => single }).project(() => ['s']);
    let derived = 0;
    const decode = projected.remembered(FEED, (record) => {
      derived++;
      return record['s'];
    });
    for (let i = 0; i < 20_000; i++) expect(decode(single.toBuffer({ s: `id-${i % 12_000}-é`, n: i }))).toBe(`id-${i % 12_000}-é`);
    expect(derived).toBeGreaterThanOrEqual(12_000);
  });

  it('passes a throwing derive through and does not remember it', () => {
    const projected = createDecoder({ format: 'raw', schemaOf: () => type }).project(() => ['os']);
    let calls = 0;
    const decode = projected.remembered(FEED, () => {
      calls++;
      throw new Error('boom');
    });
    const body = type.toBuffer({ os: 'linux', pid: 1, tags: [] });
    expect(() => decode(body)).toThrow('boom');
    expect(() => decode(body)).toThrow('boom');
    expect(calls).toBe(2);
  });

  it('declines schemas the generator leaves to avsc, so every value is decoded by the resolver', () => {
    expect(compileProjectionScan(parseSchema('string'), [])).toBeUndefined();
    const a = { type: 'record', name: 'A', fields: [{ name: 'x', type: 'string' }] };
    const b = { type: 'record', name: 'B', fields: [{ name: 'x', type: 'string' }] };
    // Two records in one union: a path into it is located as the whole union value, still exact.
    const wrapped = parseSchema({ type: 'record', name: 'W', fields: [{ name: 'u', type: ['null', a, b] }] });
    expect(compileProjectionScan(wrapped, ['u.x'])).toBeDefined();
  });
});
