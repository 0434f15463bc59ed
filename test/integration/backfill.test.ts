// The backfill command against the real Kafka and Elasticsearch: a window the live service did, and one it did not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackfill } from './harness/backfill-run.js';
import { alertCensus, committedOffsets, groupLag, readBack } from './harness/alert-census.js';
import { alertDocuments, createTestFeeds, type TestFeeds } from './harness/feeds.js';
import { eventually, sleep, startDetector } from './harness/detector.js';
import { TelemetryStream } from './harness/telemetry-stream.js';

/** "alerts: 12 new, 3 already written, 0 refused by Elasticsearch" from the summary. */
function alertCounts(output: string): { created: number; duplicate: number; refused: number } {
  const match = /^ {2}alerts: ([\d,]+) new, ([\d,]+) already written, ([\d,]+) refused/m.exec(output);
  if (!match) throw new Error(`no alert summary in:\n${output}`);
  const number = (text: string | undefined) => Number((text ?? '').replaceAll(',', ''));
  return { created: number(match[1]), duplicate: number(match[2]), refused: number(match[3]) };
}

describe('npm run backfill', () => {
  let feeds: TestFeeds;
  let stream: TelemetryStream;
  let topics: string[];
  let startA = 0;
  let startB = 0;
  let liveAlerts = 0;
  let liveCommitted: Map<string, number>;

  beforeAll(async () => {
    feeds = await createTestFeeds('backfill', 2);
    // Small fetches, so that every partition takes many batches, as a real backlog does.
    feeds.env.KAFKA_MAX_BYTES_PER_PARTITION = '4096';
    topics = [...feeds.topicOf.values()];
    stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 14, dumpShare: 0.1 });
    await stream.connect();
    // Window A: produced and processed by the live service, which then stops.
    startA = Date.now();
    await stream.send(400);
    const live = await startDetector(feeds.env);
    await eventually('live group lag 0', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);
    await live.stop();
    liveAlerts = (await alertDocuments(feeds)).length;
    liveCommitted = await committedOffsets(feeds.admin, feeds.groupId, topics);
    // Window B: produced after, never seen by the live service.
    await sleep(50);
    startB = Date.now();
    await sleep(50);
    await stream.send(400);
    await stream.disconnect();
  }, 120_000);

  afterAll(async () => {
    await feeds?.cleanup();
  });

  it('writes no new alert over the window the live service already processed', async () => {
    expect(liveAlerts).toBeGreaterThan(0);
    const run = await runBackfill(feeds.env, [
      '--from',
      new Date(startA - 1_000).toISOString(),
      '--to',
      new Date(startB).toISOString(),
      '--progress-every',
      '1',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(alertCounts(run.stdout)).toEqual({ created: 0, duplicate: liveAlerts, refused: 0 });
    expect(run.stdout).toMatch(
      /^backfill done in [\d.]+ s: 400 records \(window: 400 offsets\), records from \S+Z to \S+Z, [\d,]+ records\/s$/m,
    );
    expect((await alertDocuments(feeds)).length).toBe(liveAlerts);
  }, 60_000);

  it('writes exactly the expected alerts over a window nobody processed, and never touches the live group', async () => {
    const run = await runBackfill(feeds.env, ['--from', new Date(startB).toISOString()]);
    console.info(run.stdout);
    expect(run.code, run.stderr).toBe(0);
    const records = await readBack(feeds.kafka, topics);
    expect(records).toHaveLength(800);
    const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
    expect(census.missing).toEqual([]);
    expect(census.unexpected).toEqual([]);
    expect(census.duplicatedIdentities).toEqual([]);
    expect(census.found).toBe(census.expected);
    expect(alertCounts(run.stdout)).toEqual({ created: census.expected - liveAlerts, duplicate: 0, refused: 0 });
    expect(census.expected - liveAlerts).toBeGreaterThan(0);
    expect(await committedOffsets(feeds.admin, feeds.groupId, topics)).toEqual(liveCommitted);
  }, 60_000);

  it('over both windows again, finds every alert already written', async () => {
    const run = await runBackfill(feeds.env, ['--from', 'now-1h']);
    expect(run.code, run.stderr).toBe(0);
    const total = (await alertDocuments(feeds)).length;
    expect(alertCounts(run.stdout)).toEqual({ created: 0, duplicate: total, refused: 0 });
  }, 60_000);

  it('stops at start-up, listing every bad argument, with exit 2', async () => {
    const run = await runBackfill(feeds.env, ['--to', 'yesterday', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown argument --bogus/);
    expect(run.stderr).toMatch(/--to yesterday: not a time/);
    expect(run.stderr).toMatch(/--from is required/);
  });
});
