// Suppressed alerts against the real Elasticsearch: one document per group and window, counted exactly
// across concurrent writers (replicas) and replays (restarts).
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAlertTemplate } from '../../src/sinks/elasticsearch/install-template.js';
import { SuppressedAlertWriter, type SuppressedAlertToWrite } from '../../src/sinks/elasticsearch/suppressed-alert-writer.js';
import { suppressionGroup } from '../../src/suppression/suppression-group.js';
import type { SuppressionSettings } from '../../src/suppression/suppression-settings.js';
import { resetAlertStream } from './harness/feeds.js';
import { TEST_STACK } from './harness/stack.js';

const client = new Client({ node: TEST_STACK.elasticsearchUrl });
// Per suite, emptied when it starts: the local distribution cannot delete a data stream.
const index = 'logs-edr_test.alert-suppressed_writer';
const settings: SuppressionSettings = { groupBy: ['host.name'], durationMs: 3_600_000, missingFieldsStrategy: 'suppress' };
const T = Date.parse('2026-11-28T10:00:00Z');

function match(host: string, partition: number, offset: number, timeMs = T + offset): SuppressedAlertToWrite {
  const event = { host: { name: host }, process: { name: 'pg_dump' }, '@timestamp': new Date(timeMs).toISOString() };
  return {
    group: suppressionGroup('rule-1', event, timeMs, settings)!,
    document: { ...event, message: `match at ${partition}/${offset}`, edr: { source: { topic: 'feed', partition, offset: String(offset) } } },
    contribution: { topic: 'feed', partition, offset: String(offset), timeMs },
    vendor: 'test',
  };
}

const writer = () => new SuppressedAlertWriter(client, { index, maxBackoffMs: 200, initialBackoffMs: 10 });

async function alertsFor(host: string): Promise<Record<string, any>[]> {
  await client.indices.refresh({ index });
  const response = await client.search<Record<string, any>>({ index, query: { term: { 'host.name': host } }, size: 100 });
  return response.hits.hits.map((hit) => hit._source!);
}

beforeAll(async () => {
  await resetAlertStream(client, index);
  await installAlertTemplate(client, { dataStream: index, retention: undefined });
});

afterAll(async () => {
  await client.close();
});

describe('SuppressedAlertWriter', () => {
  it('creates one alert for a burst and counts the rest into it', async () => {
    const burst = [0, 1, 2, 3, 4].map((offset) => match('db-1', 0, offset));
    const outcomes = await writer().write(burst);
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['created', 'suppressed', 'suppressed', 'suppressed', 'suppressed']);
    const alerts = await alertsFor('db-1');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!['message']).toBe('match at 0/0');
    expect(alerts[0]!['kibana']['alert']['suppression']).toEqual({
      terms: [{ field: 'host.name', value: 'db-1' }],
      start: new Date(T).toISOString(),
      end: new Date(T + 4).toISOString(),
      docs_count: 4,
    });
  });

  it('two replicas writing the same group at once lose no count', async () => {
    const replicaA = writer();
    const replicaB = writer();
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      await Promise.all([replicaA.write([match('db-2', 0, round)]), replicaB.write([match('db-2', 1, round)])]);
    }
    const alerts = await alertsFor('db-2');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!['kibana']['alert']['suppression']['docs_count']).toBe(2 * rounds - 1);
    expect(alerts[0]!['edr']['suppression']['positions']).toEqual({ 'feed/0': String(rounds - 1), 'feed/1': String(rounds - 1) });
  });

  it('a restarted writer replaying records neither duplicates the alert nor recounts them', async () => {
    await writer().write([0, 1, 2].map((offset) => match('db-3', 0, offset)));
    const replay = await writer().write([1, 2, 3].map((offset) => match('db-3', 0, offset)));
    expect(replay.map((outcome) => outcome.outcome)).toEqual(['duplicate', 'duplicate', 'suppressed']);
    const alerts = await alertsFor('db-3');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!['kibana']['alert']['suppression']['docs_count']).toBe(3);
  });

  it('keeps counting into a group whose alert a rollover left in an older backing index', async () => {
    await writer().write([match('db-6', 0, 0)]);
    await client.indices.rollover({ alias: index });
    await writer().write([match('db-6', 0, 1)]);
    await client.indices.rollover({ alias: index });
    // Two backing indices back, a group is found by search: what a refresh (every second) has made visible.
    await client.indices.refresh({ index });
    const outcomes = await writer().write([match('db-6', 0, 1), match('db-6', 0, 2)]);
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['duplicate', 'suppressed']);
    const alerts = await alertsFor('db-6');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!['kibana']['alert']['suppression']['docs_count']).toBe(2);
  });

  it('a new window starts a new alert', async () => {
    await writer().write([match('db-4', 0, 1), match('db-4', 0, 2, T + settings.durationMs + 5)]);
    const alerts = await alertsFor('db-4');
    expect(alerts.map((alert) => alert['kibana']['alert']['suppression']['docs_count'])).toEqual([0, 0]);
  });

  it('keeps retrying an unreachable Elasticsearch, pausing the input, until the caller gives up', async () => {
    const unreachable = new Client({ node: 'http://127.0.0.1:9', requestTimeout: 300, maxRetries: 0 });
    const controller = new AbortController();
    const attempts: number[] = [];
    const stalled = new SuppressedAlertWriter(unreachable, {
      index,
      maxBackoffMs: 50,
      initialBackoffMs: 10,
      hooks: {
        onBackedUp: (_reason, attempt) => {
          attempts.push(attempt);
          if (attempt >= 3) controller.abort();
        },
      },
    });
    await expect(stalled.write([match('db-5', 0, 1)], { signal: controller.signal })).rejects.toMatchObject({ code: 'SINK_UNAVAILABLE', retriable: true });
    expect(attempts).toEqual([1, 2, 3]);
    await unreachable.close();
  });
});
