// The registry client against a real HTTP server: caching, negative caching, auth, and every failure.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../../src/decode/schema-registry-client.js';
import { DetectorError } from '../../../src/errors.js';
import { startRegistryServer, type RegistryServer } from './registry-server.js';

const SCHEMA = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] });
let server: RegistryServer;

beforeAll(async () => {
  server = await startRegistryServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset({ 1: SCHEMA }));

async function rejection(promise: Promise<unknown>): Promise<DetectorError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DetectorError);
  return error as DetectorError;
}

describe('SchemaRegistryClient', () => {
  it('fetches a schema once and then answers from its cache', async () => {
    const client = new SchemaRegistryClient({ baseUrl: server.url });
    expect(client.cached(1)).toBeUndefined();
    expect(await client.getSchema(1)).toBe(SCHEMA);
    expect(await client.getSchema(1)).toBe(SCHEMA);
    expect(client.cached(1)).toEqual({ kind: 'found', schema: SCHEMA, schemaType: 'AVRO' });
    expect(server.requests).toEqual(['/schemas/ids/1']);
  });

  it('shares one request between concurrent look-ups of the same id', async () => {
    const client = new SchemaRegistryClient({ baseUrl: server.url });
    await Promise.all([client.getSchema(1), client.getSchema(1), client.lookup(1)]);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a missing id as DECODE_UNKNOWN_SCHEMA and believes it only for a while', async () => {
    let now = 1_000;
    const client = new SchemaRegistryClient({ baseUrl: server.url, missingTtlMs: 500, now: () => now });
    const error = await rejection(client.getSchema(2));
    expect(error.code).toBe('DECODE_UNKNOWN_SCHEMA');
    expect(error.retriable).toBe(false);
    expect(client.cached(2)).toEqual({ kind: 'missing' });
    await rejection(client.getSchema(2));
    expect(server.requests).toHaveLength(1);
    server.schemas.set(2, { schema: SCHEMA });
    now += 500;
    expect(client.cached(2)).toBeUndefined();
    expect(await client.getSchema(2)).toBe(SCHEMA);
    expect(server.requests).toHaveLength(2);
  });

  it('treats a server error as a retriable outage and never caches it', async () => {
    const client = new SchemaRegistryClient({ baseUrl: server.url });
    server.fault = { status: 503, body: '{"error_code":50301,"message":"busy"}' };
    const error = await rejection(client.getSchema(1));
    expect(error.code).toBe('DECODE_REGISTRY_UNAVAILABLE');
    expect(error.retriable).toBe(true);
    expect(error.message).toMatch(/HTTP 503/);
    expect(client.cached(1)).toBeUndefined();
    server.fault = undefined;
    expect(await client.getSchema(1)).toBe(SCHEMA);
  });

  it('treats a 404 without the registry`s own error code as a wrong URL, not a missing id', async () => {
    const client = new SchemaRegistryClient({ baseUrl: `${server.url}/not-a-registry` });
    server.fault = { status: 404, body: '<html>Not Found</html>' };
    expect((await rejection(client.getSchema(1))).code).toBe('DECODE_REGISTRY_UNAVAILABLE');
    expect(client.cached(1)).toBeUndefined();
  });

  it('reports an unreachable registry as retriable', async () => {
    const closed = await startRegistryServer();
    await closed.close();
    const client = new SchemaRegistryClient({ baseUrl: closed.url });
    const error = await rejection(client.getSchema(1));
    expect(error.code).toBe('DECODE_REGISTRY_UNAVAILABLE');
    expect(error.message).toContain(closed.url);
  });

  it('reports itself unreachable after a failed look-up, until an answer or for a bounded time', async () => {
    let nowMs = 1_000;
    const client = new SchemaRegistryClient({ baseUrl: server.url, now: () => nowMs });
    expect(client.health()).toEqual({ reachable: true });
    server.fault = { status: 503, body: '{"error_code":50301}' };
    await rejection(client.lookup(1));
    expect(client.health()).toEqual({ reachable: false, reason: expect.stringContaining('HTTP 503') });
    nowMs += 29_000;
    expect(client.health().reachable).toBe(false);
    nowMs += 1_000;
    expect(client.health(), 'a partition that moved away stops asking; its failure must fade').toEqual({ reachable: true });
    await rejection(client.lookup(1));
    server.fault = undefined;
    await client.lookup(2); // a missing id is an answer too
    expect(client.health()).toEqual({ reachable: true });
  });

  it('gives up on a registry that does not answer within the timeout', async () => {
    server.hang = true;
    const client = new SchemaRegistryClient({ baseUrl: server.url, requestTimeoutMs: 100 });
    const started = Date.now();
    expect((await rejection(client.getSchema(1))).code).toBe('DECODE_REGISTRY_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('rejects a 200 answer without a schema string as an outage', async () => {
    server.fault = { status: 200, body: '{"subject":"x"}' };
    const client = new SchemaRegistryClient({ baseUrl: server.url });
    expect((await rejection(client.getSchema(1))).code).toBe('DECODE_REGISTRY_UNAVAILABLE');
  });

  it('sends basic auth from options or from credentials in the URL', async () => {
    await new SchemaRegistryClient({ baseUrl: server.url, username: 'svc', password: 's3cret' }).getSchema(1);
    const withUserInfo = server.url.replace('http://', 'http://reader:p%40ss@');
    await new SchemaRegistryClient({ baseUrl: withUserInfo }).getSchema(1);
    await new SchemaRegistryClient({ baseUrl: server.url }).getSchema(1);
    expect(server.headers.map((headers) => headers.authorization)).toEqual([
      `Basic ${Buffer.from('svc:s3cret').toString('base64')}`,
      `Basic ${Buffer.from('reader:p@ss').toString('base64')}`,
      undefined,
    ]);
  });

  it('keeps a base path and ignores trailing slashes', async () => {
    // The test server answers /schemas/ids/{id} under any prefix, like a registry behind a proxy path.
    const client = new SchemaRegistryClient({ baseUrl: `${server.url}/registry//` });
    expect(await client.getSchema(1)).toBe(SCHEMA);
    expect(server.requests).toEqual(['/registry/schemas/ids/1']);
  });

  it('uses the injected fetch', async () => {
    const seen: string[] = [];
    const client = new SchemaRegistryClient({
      baseUrl: server.url,
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    });
    expect(await client.getSchema(1)).toBe(SCHEMA);
    expect(seen).toEqual([`${server.url}/schemas/ids/1`]);
  });

  it('remembers the schema type the registry reports', async () => {
    server.schemas.set(3, { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' });
    const client = new SchemaRegistryClient({ baseUrl: server.url });
    await client.lookup(3);
    expect(client.cached(3)).toMatchObject({ kind: 'found', schemaType: 'PROTOBUF' });
  });
});
