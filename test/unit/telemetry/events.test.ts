import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
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
      activeByVendor: new Map([['elastic-defend', 2], ['endgame', 0]]),
      refusedByReason: new Map([['rule_type', 5], ['setting', 0]]),
      idle: [{ id: 'x', name: 'Windows only' }],
    });
    const text = await registry.metrics();
    expect(text).toContain('edr_detector_rules_loaded 3');
    expect(text).toContain('edr_detector_rules_active{vendor="elastic-defend"} 2');
    expect(text).toContain('edr_detector_rules_active{vendor="endgame"} 0');
    expect(text).toContain('edr_detector_rules_refused{reason="rule_type"} 5');
  });
});
