// Start-up as an operator sees it: a missing topic named in one line with its variable; a clean start prints no warning.
import { afterAll, describe, expect, it } from 'vitest';
import { startDetector } from './harness/detector.js';
import { createTestFeeds, type TestFeeds } from './harness/feeds.js';

describe('start-up', () => {
  const opened: TestFeeds[] = [];

  afterAll(async () => {
    for (const feeds of opened) await feeds.cleanup();
  });

  it('names a missing dead-letter topic and its variable in one line, without a stack trace, and exits 1', async () => {
    const feeds = await createTestFeeds('startup-missing', 1);
    opened.push(feeds);
    const missing = `${feeds.dlqTopic}-absent`;
    const detector = await startDetector({ ...feeds.env, DLQ_TOPIC: missing }, { waitReady: false });
    expect(await detector.exited).toBe(1);
    const output = detector.output();
    const named = `dead-letter topic "${missing}" (DLQ_TOPIC)`;
    // The JSON log line for log pipelines, and the same sentence on stderr for a person.
    const fatal = detector.logs.filter((line) => line['log.level'] === 'fatal');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]?.['error.code']).toBe('KAFKA_TOPIC_MISSING');
    expect(String(fatal[0]?.message)).toContain(named);
    expect(
      output.split('\n').filter((line) => line.startsWith('edr-dbdump-detector: missing Kafka topic') && line.includes(named)),
    ).toHaveLength(1);
    expect(output).not.toContain('stack_trace');
    expect(output).not.toContain('This server does not host this topic-partition');
  });

  it('prints no warning on a clean start and stop', async () => {
    const feeds = await createTestFeeds('startup-clean', 1);
    opened.push(feeds);
    const detector = await startDetector(feeds.env);
    expect(await detector.stop('SIGTERM')).toBe(0);
    const output = detector.output();
    expect(output).not.toMatch(/Warning/);
    // The local distribution's missing wildcard type and data stream lifecycle are the expected warn lines.
    const warnings = detector.logs.filter((line) => line['log.level'] === 'warn' || line['log.level'] === 'error' || 'raw' in line);
    expect(warnings.map((line) => line.message ?? line.raw)).toEqual([
      'this Elasticsearch lacks the wildcard field type; command lines are mapped as keyword + text',
      'this Elasticsearch lacks the data stream lifecycle: the retention is stored with the stream but not enforced',
    ]);
  });
});
