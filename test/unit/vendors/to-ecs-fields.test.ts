// Every vendor's match fast path (toEcsFields) against its whole toEcs: same value for each field, on fixtures and random records.
import type avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/decode/decoder.js';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { lineagePaths } from '../../../src/decode/projection.js';
import { bundledType } from '../../../src/decode/schemas.js';
import { loadRules } from '../../../src/detect/load-rules.js';
import { packagePath } from '../../../src/package-root.js';
import { VENDORS } from '../../../src/vendors/index.js';
import type { AvroRecord, VendorFeed } from '../../../src/vendors/types.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { mulberry32, SampleStream } from '../../../scripts/samples/sample-stream.js';
import { arbitraryFor } from '../decode/avro-arbitrary.js';
import { fromNative } from '../../../scripts/native/from-native.js';

const RANDOM_RECORDS = 400;
/** Values the mappings branch on, so random records take the interesting paths often. */
const BRANCH_VALUES = [
  '',
  '-',
  'none',
  '/',
  '\\',
  'linux',
  'Linux',
  'Lin',
  'Win',
  'Mac',
  'windows',
  'exec',
  'exec_event',
  'fork_event',
  'start',
  'ProcessRollup2',
  'SyntheticProcessRollup2',
  'EndOfProcess',
  'FileWritten',
  'process',
  'process_event',
  'Process Creation',
  'Command Script',
  'Cross Process',
  'Process Command',
  'PROCESSCREATION',
  'ProcessExit',
  'pg_dump',
  '/usr/bin/pg_dump',
  '\\\\srv\\\\pg_dump',
  '"/usr/bin/mysqldump" -u root',
  '1.5',
  'abc',
  '0x1F',
  '12',
  'S-1-5-18',
];

const rules = await loadRules(packagePath('rules'));
const full = createDecoder({ format: 'confluent', vendors: VENDORS });

function get(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

/** The ECS fields a vendor's fast path maps on its own (asked one at a time). */
function supportedFields(vendor: VendorFeed): string[] {
  const candidates = new Set([...Object.keys(vendor.lineage), 'event.kind', 'event.dataset', 'event.module', 'no.such.field']);
  return [...candidates].filter((field) => vendor.toEcsFields?.([field]) !== undefined).sort();
}

function strings(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

describe.each(VENDORS.map((vendor) => [vendor.id, vendor] as const))('%s', (_id, vendor) => {
  const fields = supportedFields(vendor);
  const fixtures = loadFixtures(vendor.id);
  const fast = vendor.toEcsFields?.(fields);
  // Decoded to just what the fast path says it reads (reading more would go unnoticed otherwise),
  // and to the fields' whole lineage, which the pipeline falls back to.
  const narrow = full.project(() => [...(fast?.reads ?? []), ...(fast?.guard?.fields ?? [])]);
  const lineage = full.project(() => lineagePaths(vendor, fields));

  /**
   * Holds the fast path to toEcs field by field, on the narrow projection and on the lineage one.
   * Returns whether the narrow projection was enough; the lineage one must always be.
   */
  function expectAgreement(record: AvroRecord, label: string): boolean {
    const value = encodeRecord(vendor, record, { format: 'confluent' });
    const expected = vendor.toEcs(full.decodeSync(vendor, value) as AvroRecord);
    const fromLineage = fast!.map(lineage.decodeSync(vendor, value) as AvroRecord);
    expect(fromLineage, `${label}: declined a record holding the whole lineage`).toBeDefined();
    const fromNarrow = fast!.map(narrow.decodeSync(vendor, value) as AvroRecord);
    for (const field of fields) {
      expect(get(fromLineage, field), `${label}: ${field}`).toEqual(get(expected, field));
      if (fromNarrow !== undefined) expect(get(fromNarrow, field), `${label}: ${field} (narrow)`).toEqual(get(expected, field));
    }
    return fromNarrow !== undefined;
  }

  it('maps at least the fields the bundled rules read; a field toEcs never sets is absent, or refused', () => {
    expect(fields).toEqual(expect.arrayContaining([...rules.fieldsRead]));
    // With its lineage the fast path knows toEcs never sets it (the agreement tests then hold it to toEcs).
    if (fields.includes('no.such.field'))
      expect(fast!.reads).toEqual(vendor.toEcsFields!(fields.filter((field) => field !== 'no.such.field'))!.reads);
    else expect(vendor.toEcsFields?.([...rules.fieldsRead, 'no.such.field'])).toBeUndefined();
  });

  // Only feeds whose fast path has a guard (CrowdStrike) run this case; the others key on bytes alone.
  it.runIf(fast?.guard !== undefined)('maps alike two records equal on what it reads and on the guard verdict', () => {
    // The remembered outcomes are keyed by the read fields' bytes plus the verdict: this is what makes that exact.
    const guard = fast!.guard!;
    const guardOnly = guard.fields.filter((name) => !fast!.reads.includes(name));
    const string = branchStrings(vendor);
    const guardValue = fc.oneof(
      fc.constant(null),
      string,
      fc.constantFrom('1700000000.123', '1700000000', '12', '0x1F', 'none', '', '-', 'abc', '1.5e3'),
    );
    const pairs = fc.tuple(
      fc.constantFrom(...fixtures),
      fc.array(fc.tuple(fc.constantFrom(...guardOnly), guardValue), { maxLength: 4 }),
      fc.array(fc.tuple(fc.constantFrom(...guardOnly), guardValue), { minLength: 1, maxLength: 4 }),
    );
    let compared = 0;
    fc.assert(
      fc.property(pairs, ([fixture, first, second]) => {
        const one = structuredClone(fromNative(vendor, fixture.native));
        for (const [name, value] of first) one[name] = value;
        const other = structuredClone(one);
        for (const [name, value] of second) other[name] = value;
        const [a, b] = [one, other].map(
          (record) => narrow.decodeSync(vendor, encodeRecord(vendor, record, { format: 'confluent' })) as AvroRecord,
        );
        if (guard.classify(a!) !== guard.classify(b!)) return;
        compared++;
        expect(fast!.map(b!)).toEqual(fast!.map(a!));
      }),
      { numRuns: RANDOM_RECORDS * 2 },
    );
    expect(compared).toBeGreaterThan(RANDOM_RECORDS / 4);
  });

  it('reads only Avro paths within the lineage of its fields', () => {
    expect(lineagePaths(vendor, fields)).toEqual(expect.arrayContaining([...fast!.reads]));
  });

  it('agrees with toEcs on every fixture', () => {
    for (const fixture of fixtures) expectAgreement(fromNative(vendor, fixture.native), fixture.file);
  });

  it('maps most records of the sample stream from what it reads alone', () => {
    const stream = new SampleStream(vendor, { dumpShare: 0.05, nearMissShare: 0.2 }, mulberry32(7));
    let alone = 0;
    for (let i = 0; i < 300; i++) {
      const sample = stream.next();
      if (expectAgreement(fromNative(vendor, sample.native), sample.template)) alone++;
    }
    expect(alone).toBeGreaterThan(240);
  });

  it(`agrees with toEcs on ${RANDOM_RECORDS} random schema-valid records`, () => {
    fc.assert(
      fc.property(
        arbitraryFor(bundledType(vendor), { string: branchStrings(vendor), maxItems: 3 }),
        (record) => void expectAgreement(record as AvroRecord, 'random'),
      ),
      { numRuns: RANDOM_RECORDS },
    );
  });

  it(`agrees with toEcs on ${RANDOM_RECORDS * 2} fixtures with a few fields changed`, () => {
    // Realistic records one or two edits away from a fixture reach the branches random ones rarely do
    // (a pipeline that does not abort, a "none" action, an image path of "/").
    const type = bundledType(vendor);
    const string = branchStrings(vendor);
    const lineage = new Set(lineagePaths(vendor, fields));
    // Mostly the fields the fast path reads, sometimes any other.
    const leaves = leafFields(type, []).map((leaf) => ({
      weight: lineage.has(leaf.path.join('.')) ? 20 : 1,
      arbitrary: arbitraryFor(leaf.type, { string, maxItems: 3 }).map((value) => ({ path: leaf.path, value })),
    }));
    const edit = fc.oneof(...leaves);
    const records = fc.tuple(fc.constantFrom(...fixtures), fc.array(edit, { minLength: 1, maxLength: 3 })).map(([fixture, edits]) => {
      const record = structuredClone(fromNative(vendor, fixture.native));
      for (const { path, value } of edits) setLeaf(record, path, value);
      return record;
    });
    fc.assert(
      fc.property(records, (record) => void expectAgreement(record, 'edited fixture')),
      { numRuns: RANDOM_RECORDS * 2 },
    );
  });
});

function branchStrings(vendor: VendorFeed): fc.Arbitrary<string> {
  const seen = new Set<string>();
  for (const fixture of loadFixtures(vendor.id)) strings(fromNative(vendor, fixture.native), seen);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...BRANCH_VALUES) },
    { weight: 2, arbitrary: fc.constantFrom(...seen) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
}

/** Every field below the records (through nullable records), with its path and type. */
function leafFields(type: avro.Type, path: string[]): { path: string[]; type: avro.Type }[] {
  if (type.typeName === 'record')
    return (type as avro.types.RecordType).fields.flatMap((field) => leafFields(field.type, [...path, field.name]));
  if (type.typeName.startsWith('union')) {
    const record = (type as avro.types.UnwrappedUnionType).types.find((branch) => branch.typeName === 'record');
    if (record) return [{ path, type }, ...leafFields(record, path)];
  }
  return path.length > 0 ? [{ path, type }] : [];
}

function setLeaf(record: AvroRecord, path: readonly string[], value: unknown): void {
  let node: AvroRecord = record;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') return; // the edit lands under a null record: nothing to change
    node = next as AvroRecord;
  }
  node[path[path.length - 1]!] = value;
}
