// Decoding with a schema registry: prepare-then-decodeSync, pending ids, outages and unusable schemas.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/decode/decoder.js';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { SchemaRegistryClient } from '../../../src/decode/schema-registry-client.js';
import { parseSchema } from '../../../src/decode/schemas.js';
import { SCHEMA_PENDING } from '../../../src/decode/writer-schemas.js';
import { DetectorError } from '../../../src/errors.js';
import { startRegistryServer, type RegistryServer } from './registry-server.js';
import { sampleRecord, TEST_FEED, TEST_SCHEMA, testSchemaOf, testType, withFields } from './test-feed.js';

const OLDER_SCHEMA = withFields(TEST_SCHEMA, (fields) => fields.filter((field) => field.name !== 'elevated'));
const olderType = parseSchema(OLDER_SCHEMA);
const { elevated: _elevated, ...olderRecord } = sampleRecord();

let server: RegistryServer;
beforeAll(async () => {
  server = await startRegistryServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset({ 101: JSON.stringify(OLDER_SCHEMA), 102: JSON.stringify(TEST_SCHEMA) }));

function registryDecoder() {
  const registry = new SchemaRegistryClient({ baseUrl: server.url });
  return createDecoder({ format: 'confluent', registry, schemaOf: testSchemaOf, vendors: [TEST_FEED] });
}

function thrown(run: () => unknown): DetectorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DetectorError);
    return error as DetectorError;
  }
  throw new Error('expected a DetectorError');
}

const olderValue = () => encodeRecord(TEST_FEED, olderRecord, { format: 'confluent', schemaId: 101, type: olderType });

describe('decoding through a schema registry', () => {
  it('is pending until prepared, then decodes synchronously with writer->reader resolution', async () => {
    const decoder = registryDecoder();
    const value = olderValue();
    expect(decoder.decodeSync(TEST_FEED, value)).toBe(SCHEMA_PENDING);
    const pending = decoder.prepare([value, value, null, Buffer.from('junk')]);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(server.requests).toEqual(['/schemas/ids/101']);
    expect(decoder.decodeSync(TEST_FEED, value)).toEqual({ ...sampleRecord(), elevated: false });
    expect(decoder.prepare([value])).toBeUndefined();
  });

  it('shares the fetched schemas with its projections', async () => {
    const decoder = registryDecoder();
    const projected = decoder.project(() => ['process.name']);
    const value = olderValue();
    await decoder.prepare([value]);
    expect(projected.prepare([value])).toBeUndefined();
    expect(projected.decodeSync(TEST_FEED, value)).toEqual({ process: { name: 'pg_dump' } });
  });

  it('decode() goes async only on a cache miss', async () => {
    const decoder = registryDecoder();
    const first = decoder.decode(TEST_FEED, olderValue());
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatchObject({ elevated: false });
    expect(decoder.decode(TEST_FEED, olderValue())).not.toBeInstanceOf(Promise);
  });

  it('does not use bundled ids when a registry is configured', async () => {
    const decoder = registryDecoder();
    const value = encodeRecord(TEST_FEED, sampleRecord(), { format: 'confluent', type: testType }); // bundled id 9001
    await decoder.prepare([value]);
    const error = thrown(() => decoder.decodeSync(TEST_FEED, value));
    expect(error.code).toBe('DECODE_UNKNOWN_SCHEMA');
    expect(error.message).toMatch(/test-edr: schema id 9001 is not in the registry/);
  });

  it('reports an unreachable registry as retriable until a later prepare succeeds', async () => {
    const decoder = registryDecoder();
    const value = olderValue();
    server.fault = { status: 500, body: '{"error_code":50001}' };
    const failure = await decoder.prepare([value])?.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'DECODE_REGISTRY_UNAVAILABLE', retriable: true });
    const error = thrown(() => decoder.decodeSync(TEST_FEED, value));
    expect(error.code).toBe('DECODE_REGISTRY_UNAVAILABLE');
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('test-edr');
    await expect(decoder.decode(TEST_FEED, value)).rejects.toMatchObject({ code: 'DECODE_REGISTRY_UNAVAILABLE' });
    server.fault = undefined;
    await decoder.prepare([value]);
    expect(decoder.decodeSync(TEST_FEED, value)).toMatchObject({ elevated: false });
  });

  it('rejects a non-Avro or unparseable registry schema as incompatible', async () => {
    server.schemas.set(103, { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' });
    server.schemas.set(104, { schema: '{"type": "record", "name": "Broken"}' });
    const decoder = registryDecoder();
    const body = testType.toBuffer(sampleRecord());
    const framed = (id: number) => Buffer.concat([Buffer.from([0, 0, 0, 0, id]), body]);
    await decoder.prepare([framed(103), framed(104)]);
    expect(thrown(() => decoder.decodeSync(TEST_FEED, framed(103))).message).toMatch(/PROTOBUF schema, not Avro/);
    const broken = thrown(() => decoder.decodeSync(TEST_FEED, framed(104)));
    expect(broken.code).toBe('DECODE_INCOMPATIBLE_SCHEMA');
    expect(broken.message).toMatch(/not valid Avro/);
  });

  it('rejects an incompatible registry writer schema', async () => {
    const incompatible = { type: 'record', name: 'TestEvent', namespace: 'test.edr', fields: [{ name: 'timestamp', type: 'string' }] };
    server.schemas.set(105, { schema: JSON.stringify(incompatible) });
    const decoder = registryDecoder();
    const value = Buffer.concat([Buffer.from([0, 0, 0, 0, 105]), parseSchema(incompatible).toBuffer({ timestamp: 'now' })]);
    await decoder.prepare([value]);
    expect(thrown(() => decoder.decodeSync(TEST_FEED, value)).code).toBe('DECODE_INCOMPATIBLE_SCHEMA');
  });

  it('reads with the same registry schema as the reader without a resolver', async () => {
    const decoder = registryDecoder();
    const value = encodeRecord(TEST_FEED, sampleRecord(), { format: 'confluent', schemaId: 102, type: testType });
    await decoder.prepare([value]);
    expect(decoder.decodeSync(TEST_FEED, value)).toEqual(sampleRecord());
  });
});
