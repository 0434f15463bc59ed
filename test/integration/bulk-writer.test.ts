// The Elasticsearch sink against the real server: created, duplicate, rejected, and unreachable.
import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { backoffMs, BulkAlertWriter, isRetriableStatus } from '../../src/sinks/elasticsearch/bulk-writer.js';
import { installAlertTemplate, installAlertTemplateWhenReachable } from '../../src/sinks/elasticsearch/install-template.js';
import { TEST_STACK } from './harness/stack.js';

const client = new Client({ node: TEST_STACK.elasticsearchUrl });
const index = `bulk-${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  await client.indices.delete({ index }, { ignore: [404] });
  await client.indices.deleteIndexTemplate({ name: index }, { ignore: [404] });
  await client.indices.deleteIndexTemplate({ name: 'Not-A-Valid-Index' }, { ignore: [404, 400] });
  await client.close();
});

describe('installAlertTemplate', () => {
  it('installs the template and index, and is idempotent', async () => {
    const first = await installAlertTemplate(client, index);
    const second = await installAlertTemplate(client, index);
    expect(second).toEqual(first);
    const mapping = await client.indices.getMapping({ index });
    const properties = (mapping[index]?.mappings.properties ?? {}) as Record<string, { properties?: Record<string, { type?: string }> }>;
    expect(properties['process']?.properties?.['pid']?.type).toBe('long');
    expect(properties['event']?.properties?.['created']?.type).toBe('date');
    const commandLine = properties['process']?.properties?.['command_line']?.type;
    expect(commandLine).toBe(first.wildcardSupported ? 'wildcard' : 'keyword');
  });
});

describe('installAlertTemplateWhenReachable', () => {
  it('waits for an unreachable Elasticsearch until its deadline, then gives up', async () => {
    const unreachable = new Client({ node: 'http://127.0.0.1:9', requestTimeout: 300, maxRetries: 0 });
    const retries: number[] = [];
    const started = Date.now();
    await expect(installAlertTemplateWhenReachable(unreachable, index, 2_000, (_error, attempt) => retries.push(attempt))).rejects.toMatchObject({
      code: 'SINK_TEMPLATE_FAILED',
    });
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(4_000);
    await unreachable.close();
  });

  it('does not retry an answer that will not change, such as a refused index name', async () => {
    const retries: number[] = [];
    await expect(installAlertTemplateWhenReachable(client, 'Not-A-Valid-Index', 10_000, (_error, attempt) => retries.push(attempt))).rejects.toMatchObject({
      code: 'SINK_TEMPLATE_FAILED',
    });
    expect(retries).toEqual([]);
  });
});

describe('BulkAlertWriter', () => {
  const writer = new BulkAlertWriter(client, { index, maxBackoffMs: 100, initialBackoffMs: 10 });
  const alert = (id: string, document: Record<string, unknown> = {}) => ({
    id,
    vendor: 'elastic-defend',
    document: { '@timestamp': '2026-01-01T00:00:00Z', process: { name: 'pg_dump', pid: 4242 }, ...document },
  });

  it('creates new alerts and reports a second write of the same id as a duplicate', async () => {
    const first = await writer.write([alert('a-1'), alert('a-2')]);
    expect(first.map((o) => o.outcome)).toEqual(['created', 'created']);
    const again = await writer.write([alert('a-1'), alert('a-3')]);
    expect(again.map((o) => [o.alert.id, o.outcome])).toEqual([
      ['a-1', 'duplicate'],
      ['a-3', 'created'],
    ]);
    await client.indices.refresh({ index });
    expect((await client.count({ index })).count).toBe(3);
  });

  it('reports an alert Elasticsearch refuses for good as failed, with its reason, without retrying', async () => {
    const outcomes = await writer.write([alert('bad-1', { process: { pid: 'not a number' } }), alert('good-1')]);
    const bad = outcomes.find((o) => o.alert.id === 'bad-1');
    expect(bad?.outcome).toBe('failed');
    expect(bad && 'status' in bad ? bad.status : 0).toBe(400);
    expect(bad && 'reason' in bad ? bad.reason : '').toMatch(/document_parsing_exception|mapper_parsing_exception/);
    expect(outcomes.find((o) => o.alert.id === 'good-1')?.outcome).toBe('created');
  });

  it('keeps retrying while Elasticsearch is unreachable, reporting back-pressure, until told to stop', async () => {
    const unreachable = new Client({ node: 'http://127.0.0.1:9', requestTimeout: 500, maxRetries: 0 });
    const backedUp: number[] = [];
    const stopper = new AbortController();
    const down = new BulkAlertWriter(unreachable, { index, maxBackoffMs: 50, initialBackoffMs: 5 });
    const writing = down.write([alert('never')], {
      signal: stopper.signal,
      hooks: { onBackedUp: (_reason, attempt) => { backedUp.push(attempt); if (attempt >= 3) stopper.abort(); } },
    });
    await expect(writing).rejects.toMatchObject({ code: 'SINK_UNAVAILABLE', retriable: true });
    expect(backedUp).toEqual([1, 2, 3]);
    await unreachable.close();
  });
});

describe('retry policy', () => {
  it('retries 429 and 5xx only', () => {
    expect([429, 500, 502, 503].every(isRetriableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409].some(isRetriableStatus)).toBe(false);
  });

  it('backs off exponentially with jitter, never beyond the cap', () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const delay = backoffMs(attempt, 100, 5_000);
      expect(delay).toBeLessThanOrEqual(5_000);
      expect(delay).toBeGreaterThanOrEqual(Math.min(5_000, 100 * 2 ** attempt) / 2);
    }
  });
});
