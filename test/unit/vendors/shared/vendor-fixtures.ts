// What every vendor test starts from: its fixtures, and a record as a Kafka consumer would see it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledType } from '../../../../src/decode/schemas.js';
import { packagePath } from '../../../../src/package-root.js';
import type { AvroRecord, VendorFeed } from '../../../../src/vendors/types.js';
import { loadFixtures, type Fixture } from '../../../../scripts/samples/fixtures.js';

export type { Fixture };

/** The vendor's fixtures as [file name, fixture] pairs, sorted by file name. */
export function fixturesOf(vendor: Pick<VendorFeed, 'id'>): Array<readonly [string, Fixture]> {
  return loadFixtures(vendor.id).map((fixture) => [fixture.file, fixture] as const);
}

/** Encodes with the vendor's bundled schema and decodes again, as the pipeline would receive it. */
export function avroRoundTrip(vendor: Pick<VendorFeed, 'schemaFile'>): (record: AvroRecord) => AvroRecord {
  const type = bundledType(vendor);
  return (record) => type.fromBuffer(type.toBuffer(record)) as AvroRecord;
}

/** The fixtures' file texts, for assertions about the JSON as shipped (escapes, key spelling). */
export function fixtureTextsOf(vendor: Pick<VendorFeed, 'id'>): Array<readonly [string, string]> {
  const dir = packagePath('test', 'fixtures', vendor.id);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file, readFileSync(join(dir, file), 'utf8')] as const);
}
