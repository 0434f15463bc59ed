// The generated projection reader against avsc's resolver: same records, same end, same verdict on corrupt bytes.
import type avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProjectionReader, type CompiledReader } from '../../../src/decode/compiled-reader.js';
import { lineagePaths, projectedType } from '../../../src/decode/projection.js';
import { bundledType, parseSchema } from '../../../src/decode/schemas.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { arbitraryFor } from './avro-arbitrary.js';
import { testType } from './test-feed.js';

const RUNS = 200;
const TEST_PATHS = ['timestamp', 'event.action', 'event.type', 'event.severity', 'host.os', 'host.ip', 'process.name', 'process.pid', 'process.start', 'parent', 'parent.name', 'labels', 'score', 'ratio', 'elevated', 'hash', 'payload'];

type Verdict = { value: unknown; end: number } | 'invalid';

/** What avsc makes of `body` through a resolver to the projection: a record and its end, or invalid. */
function viaAvsc(writer: avro.Type, paths: readonly string[], body: Buffer): Verdict {
  const reader = projectedType(writer, paths);
  try {
    const decoded = reader.decode(body, 0, reader.createResolver(writer));
    return decoded.offset < 0 ? 'invalid' : { value: decoded.value, end: decoded.offset };
  } catch {
    return 'invalid';
  }
}

/** One reader per schema and path set for the whole file, so that remembered records are reused across cases. */
const readers = new Map<avro.Type, Map<string, CompiledReader>>();

function viaCompiled(writer: avro.Type, paths: readonly string[], body: Buffer): Verdict {
  let byPaths = readers.get(writer);
  if (!byPaths) readers.set(writer, (byPaths = new Map()));
  const key = [...paths].sort().join(',');
  let reader = byPaths.get(key);
  if (!reader) {
    reader = compileProjectionReader(writer, paths);
    if (!reader) throw new Error('expected the schema to compile');
    byPaths.set(key, reader);
  }
  try {
    const value = reader.read(body, 0);
    return value === undefined ? 'invalid' : { value, end: reader.end };
  } catch {
    return 'invalid';
  }
}

/** Plain data for comparison: avsc's records are class instances, the generated ones plain objects. */
function plain(verdict: Verdict): unknown {
  return verdict === 'invalid' ? verdict : { end: verdict.end, value: JSON.parse(JSON.stringify(verdict.value, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))) };
}

const SCHEMAS: [string, avro.Type, string[]][] = [
  ['test schema', testType, TEST_PATHS],
  ...VENDORS.map((vendor): [string, avro.Type, string[]] => [vendor.id, bundledType(vendor), lineagePaths(vendor, Object.keys(vendor.lineage))]),
];

describe.each(SCHEMAS)('%s', (_name, type, allPaths) => {
  const records = arbitraryFor(type, { maxItems: 3 });
  const pathSets = fc.subarray(allPaths, { minLength: 0, maxLength: 8 });

  it('reads valid records exactly as avsc does through a resolver', () => {
    fc.assert(
      fc.property(records, pathSets, (record, paths) => {
        const body = type.toBuffer(record);
        const expected = viaAvsc(type, paths, body);
        expect(expected).not.toBe('invalid');
        expect(plain(viaCompiled(type, paths, body))).toEqual(plain(expected));
      }),
      { numRuns: RUNS },
    );
  });

  it('agrees with avsc on truncated and bit-flipped bodies', () => {
    fc.assert(
      fc.property(records, pathSets, fc.array(fc.nat(), { maxLength: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), (record, paths, flips, cut) => {
        const body = Buffer.from(type.toBuffer(record));
        for (const flip of flips) body[(flip >> 3) % body.length]! ^= 1 << (flip & 7);
        const corrupt = body.subarray(0, Math.max(1, Math.ceil(cut * body.length)));
        expect(plain(viaCompiled(type, paths, corrupt))).toEqual(plain(viaAvsc(type, paths, corrupt)));
      }),
      { numRuns: RUNS },
    );
  });

  it('hands out a remembered record only for the same projected values, corrupt bodies included', () => {
    // Strings from a tiny set: kept values repeat, so most reads are answered from memory.
    const repetitive = arbitraryFor(type, { maxItems: 2, string: fc.constantFrom('', 'linux', 'exec', 'pg_dump') });
    const few = fc.subarray(allPaths, { minLength: 0, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(repetitive, { minLength: 2, maxLength: 12 }), few, fc.array(fc.nat(), { maxLength: 2 }), (batch, paths, flips) => {
        for (const record of batch) {
          const body = Buffer.from(type.toBuffer(record));
          expect(plain(viaCompiled(type, paths, body))).toEqual(plain(viaAvsc(type, paths, body)));
          for (const flip of flips) body[(flip >> 3) % body.length]! ^= 1 << (flip & 7);
          expect(plain(viaCompiled(type, paths, body))).toEqual(plain(viaAvsc(type, paths, body)));
        }
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('agrees with avsc on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), pathSets, (bytes, paths) => {
        const body = Buffer.from(bytes);
        expect(plain(viaCompiled(type, paths, body))).toEqual(plain(viaAvsc(type, paths, body)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('compileProjectionReader', () => {
  it('returns the same frozen record for repeated projected values, and a fresh one for new values', () => {
    const type = parseSchema({ type: 'record', name: 'R', fields: [{ name: 'os', type: 'string' }, { name: 'pid', type: 'int' }, { name: 'tags', type: { type: 'array', items: 'string' } }] });
    const reader = compileProjectionReader(type, ['os', 'tags'])!;
    const first = reader.read(type.toBuffer({ os: 'linux', pid: 1, tags: ['a'] }), 0);
    const second = reader.read(type.toBuffer({ os: 'linux', pid: 2, tags: ['a'] }), 0);
    const other = reader.read(type.toBuffer({ os: 'linux', pid: 2, tags: ['b'] }), 0);
    expect(second).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first!['tags'])).toBe(true);
    expect(other).toEqual({ os: 'linux', tags: ['b'] });
    expect(other).not.toBe(first);
  });

  it('stops remembering when projected values do not repeat, and reads correctly throughout', () => {
    const type = parseSchema({ type: 'record', name: 'R', fields: [{ name: 'id', type: 'string' }] });
    const reader = compileProjectionReader(type, ['id'])!;
    for (let i = 0; i < 5000; i++) expect(reader.read(type.toBuffer({ id: `event-${i}` }), 0)).toEqual({ id: `event-${i}` });
  });

  it('interns repeated short strings without mixing up values that share a hash slot', () => {
    const type = parseSchema({ type: 'record', name: 'R', fields: [{ name: 's', type: 'string' }] });
    const reader = compileProjectionReader(type, ['s'])!;
    const values = Array.from({ length: 20_000 }, (_, i) => `v${i % 5000}-é`);
    for (const value of values) expect(reader.read(type.toBuffer({ s: value }), 0)).toEqual({ s: value });
  });

  it('reads a field whose values never repeat plainly, and still correctly', () => {
    const type = parseSchema({ type: 'record', name: 'R', fields: [{ name: 's', type: ['null', 'string'] }] });
    const reader = compileProjectionReader(type, ['s'])!;
    for (let i = 0; i < 5000; i++) expect(reader.read(type.toBuffer({ s: `id-${i}` }), 0)).toEqual({ s: `id-${i}` });
  });

  it('declines what it does not generate, so the caller keeps avsc', () => {
    const a = { type: 'record', name: 'A', fields: [{ name: 'x', type: 'string' }] };
    const b = { type: 'record', name: 'B', fields: [{ name: 'x', type: 'string' }] };
    // Two records in one union: avsc wraps its values ({ A: {...} }), which the generator leaves to avsc.
    const wrapped = parseSchema({ type: 'record', name: 'W', fields: [{ name: 'u', type: ['null', a, b] }] });
    expect((wrapped as avro.types.RecordType).fields[0]!.type.typeName).toBe('union:wrapped');
    expect(compileProjectionReader(wrapped, ['u.x'])).toBeUndefined();
    expect(compileProjectionReader(wrapped, ['u'])).toBeDefined();
    expect(compileProjectionReader(parseSchema('string'), [])).toBeUndefined();
  });
});
