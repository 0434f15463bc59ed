// A small EDR-like schema and feed used by the decode unit tests, independent of the real vendors.
import type avro from 'avsc';
import { parseSchema } from '../../../src/decode/schemas.js';
import type { DecodableFeed } from '../../../src/decode/writer-schemas.js';
import type { AvroSchemaJson } from '../../../src/vendors/shared/schema-file.js';
import type { AvroRecord } from '../../../src/vendors/types.js';

/** Every Avro type kind the decoder must survive, with `Process` used twice (process and parent). */
export const TEST_SCHEMA: AvroSchemaJson = {
  type: 'record',
  name: 'TestEvent',
  namespace: 'test.edr',
  fields: [
    { name: 'timestamp', type: 'long' },
    {
      name: 'event',
      type: {
        type: 'record',
        name: 'EventInfo',
        fields: [
          { name: 'action', type: 'string' },
          { name: 'type', type: { type: 'array', items: 'string' } },
          { name: 'severity', type: { type: 'enum', name: 'Severity', symbols: ['LOW', 'MEDIUM', 'HIGH'] }, default: 'LOW' },
        ],
      },
    },
    {
      name: 'host',
      type: [
        'null',
        {
          type: 'record',
          name: 'Host',
          fields: [
            { name: 'name', type: ['null', 'string'], default: null },
            { name: 'os', type: ['null', 'string'], default: null },
            { name: 'ip', type: { type: 'array', items: 'string' }, default: [] },
          ],
        },
      ],
      default: null,
    },
    {
      name: 'process',
      type: {
        type: 'record',
        name: 'Process',
        fields: [
          { name: 'name', type: ['null', 'string'], default: null },
          { name: 'pid', type: ['null', 'int'], default: null },
          { name: 'args', type: { type: 'array', items: 'string' }, default: [] },
          { name: 'start', type: ['null', 'long'], default: null },
        ],
      },
    },
    { name: 'parent', type: ['null', 'Process'], default: null },
    { name: 'labels', type: { type: 'map', values: 'string' }, default: {} },
    { name: 'score', type: 'double', default: 0 },
    { name: 'ratio', type: 'float', default: 0 },
    { name: 'elevated', type: 'boolean', default: false },
    { name: 'hash', type: ['null', { type: 'fixed', name: 'Md5', size: 16 }], default: null },
    { name: 'payload', type: 'bytes', default: '' },
  ],
};

export const testType: avro.Type = parseSchema(TEST_SCHEMA);

export const TEST_FEED: DecodableFeed = { id: 'test-edr', schemaFile: 'test-edr.avsc', bundledSchemaId: 9001 };

/** A second feed with an unrelated schema, to play "another vendor's bundled id". */
const OTHER_SCHEMA: AvroSchemaJson = {
  type: 'record',
  name: 'OtherEvent',
  namespace: 'test.other',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'int' },
  ],
};
export const otherType: avro.Type = parseSchema(OTHER_SCHEMA);
export const OTHER_FEED: DecodableFeed = { id: 'test-other', schemaFile: 'test-other.avsc', bundledSchemaId: 9002 };

/** Reader schemas by feed, in place of the bundled schema files. */
export function testSchemaOf(vendor: DecodableFeed): avro.Type {
  if (vendor.id === TEST_FEED.id) return testType;
  if (vendor.id === OTHER_FEED.id) return otherType;
  throw new Error(`no test schema for ${vendor.id}`);
}

export function sampleRecord(overrides: Partial<AvroRecord> = {}): AvroRecord {
  return {
    // oxlint-disable-next-line no-loss-of-precision -- the point: a FILETIME past 2^53, as a producer would send it.
    timestamp: 132_871_234_567_890_123, // FILETIME ticks: past 2^53, kept by the tolerant long
    event: { action: 'exec', type: ['start'], severity: 'MEDIUM' },
    host: { name: 'db-7', os: 'linux', ip: ['10.0.0.7', 'fe80::1'] },
    process: { name: 'pg_dump', pid: 4242, args: ['pg_dump', '-Fc', 'sales'], start: 1_700_000_000_123 },
    parent: { name: 'bash', pid: 4000, args: ['bash'], start: null },
    labels: { team: 'dba', env: 'prod' },
    score: 0.75,
    ratio: 0.5,
    elevated: true,
    hash: Buffer.alloc(16, 0xab),
    payload: Buffer.from([0, 1, 2, 255]),
    ...overrides,
  };
}

/** A copy of a schema with `edit` applied to the top-level field list (older/newer writers). */
export function withFields(schema: AvroSchemaJson, edit: (fields: Record<string, unknown>[]) => Record<string, unknown>[]): AvroSchemaJson {
  const copy = structuredClone(schema) as { fields: Record<string, unknown>[] };
  return { ...copy, fields: edit(copy.fields) };
}
