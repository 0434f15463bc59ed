// Named events: bounded rule labels, rule counts, and errors_total fed by every coded error.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DetectorError } from '../../../src/errors.js';
import { createEvents, MAX_RULE_LABELS, OTHER_RULES } from '../../../src/telemetry/events.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';

function setup() {
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: 'test' });
  return { registry, events: createEvents(metrics, createLogger('silent')) };
}

describe('rule metrics', () => {
  it('keeps rule_matches_total bounded: rules past the first MAX_RULE_LABELS share "other"', async () => {
    const { registry, events } = setup();
    for (let i = 0; i < MAX_RULE_LABELS + 50; i++) events.ruleMatched('elastic-defend', `rule-${i}`, 1);
    events.ruleMatched('elastic-defend', 'rule-0', 1);
    const series = (await registry.getSingleMetric('edr_detector_rule_matches_total')!.get()).values;
    expect(series).toHaveLength(MAX_RULE_LABELS + 1);
    expect(series.find((sample) => sample.labels.rule_id === OTHER_RULES)?.value).toBe(50);
    expect(series.find((sample) => sample.labels.rule_id === 'rule-0')?.value).toBe(2);
  });

  it('publishes loaded, active-per-feed and refused-per-reason counts', async () => {
    const { registry, events } = setup();
    events.rulesReady({
      loaded: 3,
      activeByVendor: new Map([
        ['elastic-defend', 2],
        ['endgame', 0],
      ]),
      refusedByReason: new Map([
        ['rule_type', 5],
        ['setting', 0],
      ]),
      idle: [{ id: 'x', name: 'Windows only' }],
    });
    const text = await registry.metrics();
    expect(text).toContain('edr_detector_rules_loaded 3');
    expect(text).toContain('edr_detector_rules_active{vendor="elastic-defend"} 2');
    expect(text).toContain('edr_detector_rules_active{vendor="endgame"} 0');
    expect(text).toContain('edr_detector_rules_refused{reason="rule_type"} 5');
  });
});

describe('errors_total', () => {
  it('counts every coded error by code and stage, from the pipeline, the sink and the Kafka client', async () => {
    const registry = new Registry();
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const events = createEvents(createMetrics(registry, { version: 'test' }), logger, { now: () => 0 });
    const position = { vendor: 'endgame', topic: 't', partition: 0, offset: '1' };
    events.recordRejected(position, new DetectorError('DECODE_BAD_MAGIC', 'bad magic byte'));
    events.batchFailed('t', 0, new DetectorError('DLQ_UNAVAILABLE', 'no ack'), 1, 1_000);
    events.batchFailed('t', 0, new Error('a bug'), 2, 2_000);
    events.alertWritten(
      { alert: { id: 'a', vendor: 'endgame' }, outcome: 'failed', status: 400, reason: 'mapping' },
      { vendor: 'endgame', eventTimeMs: undefined, kafkaTimeMs: undefined },
      0,
    );
    for (let i = 0; i < 3; i++) events.kafkaClientError('Connection', 'Connection error: ECONNREFUSED', { broker: 'b:9092' });

    const counted = (await registry.getSingleMetric('edr_detector_errors_total')!.get()).values.map(({ labels, value }) => [
      labels.error_code,
      labels.stage,
      value,
    ]);
    expect(counted).toEqual([
      ['DECODE_BAD_MAGIC', 'decode', 1],
      ['DLQ_UNAVAILABLE', 'dead-letter', 1],
      ['BATCH_FAILED', 'pipeline', 1],
      ['SINK_REJECTED', 'sink', 1],
      ['KAFKA_CLIENT_ERROR', 'kafka', 3],
    ]);
    // Repeated client errors: counted each time, logged once per interval.
    expect(lines.filter((line) => line.message === 'Connection error: ECONNREFUSED')).toHaveLength(1);
  });
});
