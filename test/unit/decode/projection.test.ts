// Projection: reader schemas pruned to requested paths, decoded through resolvers from the full writer.
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/decode/decoder.js';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { lineagePaths, projectedType, projectSchema } from '../../../src/decode/projection.js';
import { parseSchema } from '../../../src/decode/schemas.js';
import { DetectorError } from '../../../src/errors.js';
import { sampleRecord, TEST_FEED, TEST_SCHEMA, testSchemaOf, testType, withFields } from './test-feed.js';

const options = { format: 'confluent', schemaOf: testSchemaOf, vendors: [TEST_FEED] } as const;

function projectedDecode(paths: string[], record = sampleRecord()): unknown {
  const decoder = createDecoder(options).project(() => paths);
  return decoder.decodeSync(TEST_FEED, encodeRecord(TEST_FEED, record, { format: 'confluent', type: testType }));
}

describe('projectSchema', () => {
  it('keeps only the requested fields, pruning records on the way', () => {
    const schema = projectSchema(testType, ['event.action', 'host.os']) as { fields: { name: string; type: unknown }[] };
    expect(schema.fields.map((field) => field.name)).toEqual(['event', 'host']);
    expect(JSON.stringify(schema)).not.toContain('"severity"');
    expect(JSON.stringify(schema)).not.toContain('"ip"');
  });

  it('gives a named type pruned two ways a fresh name aliased to the original', () => {
    const schema = projectSchema(testType, ['process.name', 'parent.pid']);
    const text = JSON.stringify(schema);
    expect(text).toContain('"name":"test.edr.Process"');
    expect(text).toContain('"name":"test.edr.Process_projection2"');
    expect(text).toContain('"aliases":["test.edr.Process"]');
    expect(() => parseSchema(schema)).not.toThrow();
  });

  it('references a named type pruned the same way twice instead of redefining it', () => {
    const text = JSON.stringify(projectSchema(testType, ['process.name', 'parent.name']));
    expect(text.match(/"type":"record","fields"/g)?.length ?? 0).toBeLessThanOrEqual(2); // root + one Process
    expect(text).not.toContain('Process_projection2');
  });

  it('rejects a path the schema does not have, naming it', () => {
    expect(() => projectSchema(testType, ['process.name', 'process.nmae', 'event.action.x'])).toThrow(DetectorError);
    expect(() => projectSchema(testType, ['process.nmae'])).toThrow(/"process\.nmae"/);
    expect(() => projectSchema(testType, ['event.action.x'])).toThrow(/"event\.action\.x"/);
  });

  it('names the feed when a decoder is asked for a projection its schema cannot give', () => {
    const decoder = createDecoder(options).project(() => ['process.nmae']);
    const value = encodeRecord(TEST_FEED, sampleRecord(), { format: 'confluent', type: testType });
    expect(() => decoder.decodeSync(TEST_FEED, value)).toThrow(/^test-edr: .*"process\.nmae"/);
  });

  it('caches the projected type per field set regardless of order', () => {
    expect(projectedType(testType, ['event.action', 'timestamp'])).toBe(
      projectedType(testType, ['timestamp', 'event.action', 'timestamp']),
    );
  });

  it('collects lineage paths for ECS fields, skipping fields a vendor cannot set', () => {
    const lineage = { 'process.name': ['process.name'], 'event.action': ['event.action', 'process.name'] };
    expect(lineagePaths({ lineage }, ['process.name', 'event.action', 'host.os.type'])).toEqual(['process.name', 'event.action']);
  });
});

describe('projected decoding', () => {
  it('returns exactly the projected fields', () => {
    // Through JSON so that any extra key, even one holding undefined, would show.
    const decoded = JSON.parse(JSON.stringify(projectedDecode(['event.action', 'host.os', 'process.name', 'parent.pid'])));
    expect(decoded).toEqual({ event: { action: 'exec' }, host: { os: 'linux' }, process: { name: 'pg_dump' }, parent: { pid: 4000 } });
  });

  it('keeps a whole subtree when a path ends on a record', () => {
    const decoded = JSON.parse(JSON.stringify(projectedDecode(['event'])));
    expect(decoded).toEqual({ event: sampleRecord().event });
  });

  it('passes nulls through unions', () => {
    const decoded = JSON.parse(JSON.stringify(projectedDecode(['host.name', 'parent.name'], sampleRecord({ host: null, parent: null }))));
    expect(decoded).toEqual({ host: null, parent: null });
  });

  it('reads an empty projection as an empty record, still validating the whole body', () => {
    const decoder = createDecoder(options).project(() => []);
    const value = encodeRecord(TEST_FEED, sampleRecord(), { format: 'confluent', type: testType });
    expect(JSON.parse(JSON.stringify(decoder.decodeSync(TEST_FEED, value)))).toEqual({});
    expect(() => decoder.decodeSync(TEST_FEED, value.subarray(0, value.length - 1))).toThrow(/truncated/);
    expect(() => decoder.decodeSync(TEST_FEED, Buffer.concat([value, Buffer.from([0])]))).toThrow(/left after/);
  });

  it('agrees with the full decode on the projected fields, for raw values too', () => {
    const full = createDecoder({ format: 'raw', schemaOf: testSchemaOf });
    const projected = full.project(() => ['process.name', 'process.args', 'timestamp']);
    const value = encodeRecord(TEST_FEED, sampleRecord(), { format: 'raw', type: testType });
    const whole = full.decodeSync(TEST_FEED, value) as { process: { name: string; args: string[] }; timestamp: number };
    expect(projected.decodeSync(TEST_FEED, value)).toEqual({
      process: { name: whole.process.name, args: whole.process.args },
      timestamp: whole.timestamp,
    });
  });

  it('resolves an older writer through the projection, using reader defaults', () => {
    const older = parseSchema(withFields(TEST_SCHEMA, (fields) => fields.filter((field) => field.name !== 'elevated')));
    const writerFeed = { id: 'older', schemaFile: 'older.avsc', bundledSchemaId: 5 };
    const decoder = createDecoder({
      format: 'confluent',
      vendors: [TEST_FEED, writerFeed],
      schemaOf: (vendor) => (vendor.id === 'older' ? older : testType),
    }).project(() => ['elevated', 'process.name']);
    const { elevated: _elevated, ...record } = sampleRecord();
    const value = encodeRecord(TEST_FEED, record, { format: 'confluent', schemaId: 5, type: older });
    expect(decoder.decodeSync(TEST_FEED, value)).toEqual({ elevated: false, process: { name: 'pg_dump' } });
  });
});
