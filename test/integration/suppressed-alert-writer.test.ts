// Suppressed alerts against the real Elasticsearch data stream: one document per group and window, counted
// exactly across concurrent writers (replicas), replays (restarts) and rollovers.
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAlertTemplate } from '../../src/sinks/elasticsearch/install-template.js';
import { SuppressedAlertWriter, type SuppressedAlertToWrite } from '../../src/sinks/elasticsearch/suppressed-alert-writer.js';
import { suppressionGroup } from '../../src/suppression/suppression-group.js';
import type { SuppressionSettings } from '../../src/suppression/suppression-settings.js';
import { resetAlertStream } from './harness/feeds.js';
import { TEST_STACK } from './harness/stack.js';

const client = new Client({ node: TEST_STACK.elasticsearchUrl });
const dataStream = 'logs-edr_test.alert-suppressed_writer';
const settings: SuppressionSettings = { groupBy: ['host.name'], durationMs: 3_600_000, missingFieldsStrategy: 'suppress' };
const T = Date.parse('2026-11-28T10:00:00Z');

function match(host: string, partition: number, offset: number, timeMs = T + offset): SuppressedAlertToWrite {
  const event = { host: { name: host }, process: { name: 'pg_dump' }, '@timestamp': new Date(timeMs).toISOString() };
  return {
    group: suppressionGroup('rule-1', event, timeMs, settings)!,
    document: {
      ...event,
      message: `match at ${partition}/${offset}`,
      edr: { source: { topic: 'feed', partition, offset: String(offset) } },
    },
    contribution: { topic: 'feed', partition, offset: String(offset), timeMs },
    vendor: 'test',
  };
}

const writer = () => new SuppressedAlertWriter(client, { dataStream, maxBackoffMs: 200, initialBackoffMs: 10 });

async function hitsFor(host: string) {
  await client.indices.refresh({ index: dataStream });
  const response = await client.search<Record<string, any>>({ index: dataStream, query: { term: { 'host.name': host } }, size: 100 });
  return response.hits.hits;
}

async function alertsFor(host: string): Promise<Record<string, any>[]> {
  return (await hitsFor(host)).map((hit) => hit._source!);
}

const rollover = () => client.indices.rollover({ alias: dataStream });

beforeAll(async () => {
  await resetAlertStream(client, dataStream);
  await installAlertTemplate(client, { dataStream, retention: undefined });
});

afterAll(async () => {
  await resetAlertStream(client, dataStream);
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

  it('stores the group alert as an alert of the stream: event.ingested and data_stream set at creation, kept on updates', async () => {
    const first = new SuppressedAlertWriter(client, { dataStream, maxBackoffMs: 200, now: () => new Date('2026-11-28T10:00:05.000Z') });
    await first.write([match('db-0', 0, 0)]);
    const later = new SuppressedAlertWriter(client, { dataStream, maxBackoffMs: 200, now: () => new Date('2026-11-28T11:00:00.000Z') });
    expect((await later.write([match('db-0', 0, 1)])).map((outcome) => outcome.outcome)).toEqual(['suppressed']);
    const [hit] = await hitsFor('db-0');
    expect(hit?._index).toMatch(/^\.ds-logs-edr_test\.alert-suppressed_writer-/);
    expect(hit?._source?.['event']).toEqual({ ingested: '2026-11-28T10:00:05.000Z' });
    expect(hit?._source?.['data_stream']).toEqual({ type: 'logs', dataset: 'edr_test.alert', namespace: 'suppressed_writer' });
    expect(hit?._source?.['kibana']['alert']['suppression']['docs_count']).toBe(1);
  });

  it('keeps counting into the group alert in its own backing index across rollovers', async () => {
    const stale = writer();
    expect((await stale.write([match('db-6', 0, 0), match('db-6', 0, 1)])).map((outcome) => outcome.outcome)).toEqual([
      'created',
      'suppressed',
    ]);
    const [created] = await hitsFor('db-6');
    // The writer still believes the old write index is current; the alert is found and updated there.
    await rollover();
    expect((await stale.write([match('db-6', 0, 2)]))[0]?.outcome).toBe('suppressed');
    // A writer that knows the new generation reads it in real time from the one before.
    expect((await writer().write([match('db-6', 0, 3)]))[0]?.outcome).toBe('suppressed');
    // Two generations later the alert is found by search, then re-read in real time before the update.
    await rollover();
    await rollover();
    const fresh = writer();
    expect((await fresh.write([match('db-6', 0, 4)]))[0]?.outcome).toBe('suppressed');
    expect((await fresh.write([match('db-6', 0, 5)]))[0]?.outcome).toBe('suppressed');
    const hits = await hitsFor('db-6');
    expect(hits).toHaveLength(1);
    expect(hits[0]?._index).toBe(created?._index);
    expect(hits[0]?._source?.['kibana']['alert']['suppression']['docs_count']).toBe(5);
  });

  it('a writer that missed two rollovers takes back the copy it creates and counts into the alert an earlier generation holds', async () => {
    const stale = writer();
    await stale.write([match('db-7a', 0, 0)]);
    await rollover();
    expect((await writer().write([match('db-7', 0, 0)]))[0]?.outcome).toBe('created');
    await rollover();
    expect((await stale.write([match('db-7', 0, 1)]))[0]?.outcome).toBe('suppressed');
    const alerts = await alertsFor('db-7');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!['kibana']['alert']['suppression']['docs_count']).toBe(1);
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
      dataStream,
      maxBackoffMs: 50,
      initialBackoffMs: 10,
      hooks: {
        onBackedUp: (_reason, attempt) => {
          attempts.push(attempt);
          if (attempt >= 3) controller.abort();
        },
      },
    });
    await expect(stalled.write([match('db-5', 0, 1)], { signal: controller.signal })).rejects.toMatchObject({
      code: 'SINK_UNAVAILABLE',
      retriable: true,
    });
    expect(attempts).toEqual([1, 2, 3]);
    await unreachable.close();
  });
});
