// Outcomes remembered under a guard verdict (CrowdStrike's abort stage) against the whole mapping, record by record.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFeedDecoders } from '../../../src/decode/feed-decoder.js';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { fromNative } from '../../../scripts/native/from-native.js';
import { ABORTING_FIELDS } from '../../../src/vendors/crowdstrike-fdr/pipeline-aborts.js';
import { crowdstrikeFdr } from '../../../src/vendors/crowdstrike-fdr.js';
import { VENDORS } from '../../../src/vendors/index.js';
import type { AvroRecord, PlainText } from '../../../src/vendors/types.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';

const FIELDS = [
  'event.action',
  'event.category',
  'event.type',
  'host.os.type',
  'process.name',
  'process.args',
  'process.command_line',
  'process.executable',
  'process.parent.name',
  'user.name',
  'user.id',
];
const GUARDS = ABORTING_FIELDS;
/** Guard values that convert, that abort, and the ones in between ("none", "", "-"). */
const GUARD_VALUES = [
  null,
  '1715679062.201',
  '1715679062',
  '12',
  '0x1F',
  'none',
  '',
  '-',
  'abc',
  '1.5e3',
  '17156790620000.5',
  ' 12',
  '1.5',
  '12345678901234567890',
  '1715679062.1234567891',
];

function get(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

describe('remembered outcomes keyed by a guard verdict', () => {
  it('equal what the whole mapping gives, as the guard fields change under equal value fields', () => {
    const decoder = createFeedDecoders(VENDORS, { format: 'confluent', fieldsRead: FIELDS }).get(crowdstrikeFdr.id)!;
    expect(decoder.fastMap).toBeDefined();
    let derived = 0;
    const remembered = decoder.rememberedMatch((record) => {
      derived++;
      return decoder.fastMap!(record);
    });
    const fixtures = loadFixtures(crowdstrikeFdr.id).map((fixture) => fromNative(crowdstrikeFdr, fixture.native));
    const edits = fc.array(fc.tuple(fc.constantFrom(...GUARDS), fc.constantFrom(...GUARD_VALUES)), { maxLength: 3 });
    let records = 0;
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), edits, (fixture, changes) => {
        const record: AvroRecord = structuredClone(fixture);
        for (const [name, value] of changes) record[name] = value;
        const value = encodeRecord(crowdstrikeFdr, record, { format: 'confluent' });
        const expected = crowdstrikeFdr.toEcs(decoder.decodeFull(value));
        const outcome = remembered(value);
        records++;
        // A record the fast path declines (runc's "/" image) is mapped whole by the pipeline.
        if (outcome === undefined) return;
        for (const field of FIELDS) expect(get(outcome, field), field).toEqual(get(expected, field));
      }),
      { numRuns: 3000 },
    );
    // Few fixtures and few guard values: most records were answered from the table.
    expect(derived).toBeLessThan(records / 2);
  });

  it('gives verdict 0 for the texts the guard calls plain, as it promises', () => {
    const guard = crowdstrikeFdr.toEcsFields!(FIELDS)!.guard!;
    const plainText = (plain: PlainText): fc.Arbitrary<string> =>
      fc.oneof(
        plain.anyText
          ? fc.string({ minLength: 1, maxLength: 12 })
          : fc
              .tuple(
                fc.stringMatching(new RegExp(`^\\d{1,${plain.digits}}$`)),
                plain.fraction > 0 ? fc.option(fc.stringMatching(new RegExp(`^\\d{1,${plain.fraction}}$`))) : fc.constant(null),
              )
              .map(([whole, part]) => (part === null ? whole : `${whole}.${part}`)),
        fc.constant(plain.empty ? '' : plain.anyText ? 'x' : '1'),
      );
    const record = fc.tuple(...guard.plain!.map((plain) => fc.option(plainText(plain))));
    fc.assert(
      fc.property(record, (values) => {
        expect(guard.classify(Object.fromEntries(guard.fields.map((field, i) => [field, values[i]])))).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });
});
