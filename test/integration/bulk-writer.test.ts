// The Elasticsearch sink against the real server: data stream, created, duplicate (across rollovers), rejected, unreachable.
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/backoff.js';
import { BulkAlertWriter, isRetriableStatus } from '../../src/sinks/elasticsearch/bulk-writer.js';
import { installAlertTemplate, installAlertTemplateWhenReachable } from '../../src/sinks/elasticsearch/install-template.js';
import { resetAlertStream } from './harness/feeds.js';
import { TEST_STACK } from './harness/stack.js';

const client = new Client({ node: TEST_STACK.elasticsearchUrl });
const dataStream = 'logs-edr_test.alert-bulk_writer';
const settings = { dataStream, retention: '30d' };
const plainIndex = 'logs-edr_test.alert-plain-index';

beforeAll(async () => {
  await resetAlertStream(client, dataStream);
  await client.indices.delete({ index: plainIndex }, { ignore: [404] });
});

afterAll(async () => {
  await resetAlertStream(client, dataStream);
  await client.indices.delete({ index: plainIndex }, { ignore: [404] });
  await client.indices.deleteIndexTemplate({ name: 'Not-A-Valid-Index' }, { ignore: [404, 400] });
  await client.close();
});

async function backingIndices(): Promise<string[]> {
  const resolved = await client.indices.resolveIndex({ name: dataStream, expand_wildcards: 'all' });
  return [resolved.data_streams.find((stream) => stream.name === dataStream)?.backing_indices ?? []].flat();
}

describe('installAlertTemplate', () => {
  it('installs a data stream template with ECS types and lifecycle, and is idempotent', async () => {
    const first = await installAlertTemplate(client, settings);
    const second = await installAlertTemplate(client, settings);
    expect(second).toEqual(first);
    const {
      index_templates: [template],
    } = await client.indices.getIndexTemplate({ name: dataStream });
    expect(template?.index_template.data_stream).toBeDefined();
    expect(template?.index_template.index_patterns).toEqual([dataStream]);
    expect(template?.index_template.template?.lifecycle).toMatchObject({ enabled: true, data_retention: '30d' });
    const mappings = template?.index_template.template?.mappings?.properties as Record<
      string,
      { properties?: Record<string, { type?: string }> }
    >;
    expect(mappings['process']?.properties?.['pid']?.type).toBe('long');
    expect(mappings['event']?.properties?.['ingested']?.type).toBe('date');
    expect(mappings['event']?.properties?.['severity']?.type).toBe('long');
    expect(mappings['event']?.properties?.['risk_score']?.type).toBe('float');
    expect(mappings['event']?.properties?.['reason']?.type).toBe('text');
    // One template for plain and suppressed alerts: the data_stream.* fields and Kibana's suppression fields.
    const nested = (path: string[]) => path.reduce<any>((node, key) => node?.properties?.[key], { properties: mappings });
    expect(nested(['data_stream', 'dataset'])?.type).toBe('keyword');
    expect(nested(['kibana', 'alert', 'suppression', 'docs_count'])?.type).toBe('long');
    expect(nested(['kibana', 'alert', 'suppression', 'terms', 'value'])?.type).toBe('keyword');
    expect(nested(['kibana', 'alert', 'instance', 'id'])?.type).toBe('keyword');
    expect(nested(['edr', 'suppression', 'window_start'])?.type).toBe('date');
    expect(mappings['process']?.properties?.['command_line']?.type).toBe(first.wildcardSupported ? 'wildcard' : 'keyword');
  });

  it('refuses, without retrying, a name that an ordinary index already holds', async () => {
    await client.indices.create({ index: plainIndex });
    const retries: number[] = [];
    await expect(
      installAlertTemplateWhenReachable(client, { dataStream: plainIndex, retention: undefined }, 10_000, (_error, attempt) =>
        retries.push(attempt),
      ),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/ALERTS_DATA_STREAM.*not a data stream/) });
    expect(retries).toEqual([]);
  });
});

describe('installAlertTemplateWhenReachable', () => {
  it('waits for an unreachable Elasticsearch until its deadline, then gives up', async () => {
    const unreachable = new Client({ node: 'http://127.0.0.1:9', requestTimeout: 300, maxRetries: 0 });
    const retries: number[] = [];
    const started = Date.now();
    await expect(
      installAlertTemplateWhenReachable(unreachable, settings, 2_000, (_error, attempt) => retries.push(attempt)),
    ).rejects.toMatchObject({
      code: 'SINK_TEMPLATE_FAILED',
    });
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(4_000);
    await unreachable.close();
  });

  it('does not retry an answer that will not change, such as a refused name', async () => {
    const retries: number[] = [];
    await expect(
      installAlertTemplateWhenReachable(client, { dataStream: 'Not-A-Valid-Index', retention: undefined }, 10_000, (_error, attempt) =>
        retries.push(attempt),
      ),
    ).rejects.toMatchObject({ code: 'SINK_TEMPLATE_FAILED' });
    expect(retries).toEqual([]);
  });
});

describe('BulkAlertWriter', () => {
  const writer = new BulkAlertWriter(client, { dataStream, maxBackoffMs: 100, initialBackoffMs: 10 });
  const count = async (id?: string) => {
    await client.indices.refresh({ index: dataStream });
    return (await client.count({ index: dataStream, ...(id === undefined ? {} : { query: { ids: { values: [id] } } }) })).count;
  };
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
    expect(await count()).toBe(3);
  });

  it('stamps event.ingested with the time of sending and names the data stream in data_stream.*', async () => {
    const sentAt = new Date('2026-05-01T12:00:00.000Z');
    const stamping = new BulkAlertWriter(client, { dataStream, maxBackoffMs: 100, now: () => sentAt });
    await stamping.write([alert('stamped', { event: { kind: 'alert', ingested: '2020-01-01T00:00:00.000Z' } })]);
    await client.indices.refresh({ index: dataStream });
    const hit = (await client.search<Record<string, any>>({ index: dataStream, query: { ids: { values: ['stamped'] } } })).hits.hits[0];
    expect(hit?._source?.event).toEqual({ kind: 'alert', ingested: '2026-05-01T12:00:00.000Z' });
    expect(hit?._source?.data_stream).toEqual({ type: 'logs', dataset: 'edr_test.alert', namespace: 'bulk_writer' });
    expect(hit?._index).toMatch(/^\.ds-logs-edr_test\.alert-bulk_writer-/);
  });

  it('never stores an alert twice across rollovers: found in an earlier backing index, it is a duplicate', async () => {
    expect((await writer.write([alert('rolled')]))[0]?.outcome).toBe('created');
    // The writer still believes the old write index is current: the copy it makes in the new one is taken back.
    await client.indices.rollover({ alias: dataStream });
    expect((await writer.write([alert('rolled'), alert('after-rollover')])).map((o) => [o.alert.id, o.outcome])).toEqual([
      ['rolled', 'duplicate'],
      ['after-rollover', 'created'],
    ]);
    // A writer that already knows the backing indices looks the id up before writing, in the newest
    // earlier index (realtime get) and in older ones (search).
    await client.indices.rollover({ alias: dataStream });
    const fresh = new BulkAlertWriter(client, { dataStream, maxBackoffMs: 100 });
    expect((await fresh.write([alert('rolled'), alert('after-rollover'), alert('third')])).map((o) => [o.alert.id, o.outcome])).toEqual([
      ['rolled', 'duplicate'],
      ['after-rollover', 'duplicate'],
      ['third', 'created'],
    ]);
    expect((await backingIndices()).length).toBeGreaterThanOrEqual(3);
    for (const id of ['rolled', 'after-rollover', 'third']) expect(await count(id), id).toBe(1);
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
    const down = new BulkAlertWriter(unreachable, { dataStream, maxBackoffMs: 50, initialBackoffMs: 5 });
    const writing = down.write([alert('never')], {
      signal: stopper.signal,
      hooks: {
        onBackedUp: (_reason, attempt) => {
          backedUp.push(attempt);
          if (attempt >= 3) stopper.abort();
        },
      },
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
      const delay = backoffDelayMs(attempt, 100, 5_000);
      expect(delay).toBeLessThanOrEqual(5_000);
      expect(delay).toBeGreaterThanOrEqual(Math.min(5_000, 100 * 2 ** attempt) / 2);
    }
  });
});
