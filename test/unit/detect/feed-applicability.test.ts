import { describe, expect, it } from 'vitest';
import { elasticIndexOf, feedsOf, indexPatternsMatch } from '../../../src/detect/feed-applicability.js';
import { VENDORS } from '../../../src/vendors/index.js';

describe('which feeds a rule runs on', () => {
  it('knows where Elastic writes each feed', () => {
    expect(Object.fromEntries(VENDORS.map((vendor) => [vendor.id, elasticIndexOf(vendor)]))).toEqual({
      'elastic-defend': 'logs-endpoint.events.process-default',
      'crowdstrike-fdr': 'logs-crowdstrike.fdr-default',
      'sentinelone-cloud-funnel': 'logs-sentinel_one_cloud_funnel.event-default',
      endgame: 'endgame-events',
    });
  });

  it('matches the patterns detection rules use', () => {
    const all = VENDORS.map((vendor) => vendor.id);
    expect(
      feedsOf(['endgame-*', 'logs-crowdstrike.fdr*', 'logs-endpoint.events.process*', 'logs-sentinel_one_cloud_funnel.*'], VENDORS),
    ).toEqual(all);
    expect(feedsOf(['logs-endpoint.events.*'], VENDORS)).toEqual(['elastic-defend']);
    expect(feedsOf(['logs-*'], VENDORS)).toEqual(['elastic-defend', 'crowdstrike-fdr', 'sentinelone-cloud-funnel']);
    expect(feedsOf(['auditbeat-*', 'logs-auditd_manager.auditd-*'], VENDORS)).toEqual([]);
    expect(feedsOf(['logs-endpoint.events.file-*', 'winlogbeat-*', 'logs-windows.sysmon_operational-*'], VENDORS)).toEqual([]);
    // No index at all: Kibana's default index patterns, which take in logs-* and endgame-*.
    expect(feedsOf([], VENDORS)).toEqual(VENDORS.map((vendor) => vendor.id));
  });

  it('reads comma lists, exclusions and remote clusters as Kibana does', () => {
    expect(indexPatternsMatch(['auditbeat-*,logs-endpoint.events.*'], 'logs-endpoint.events.process-default')).toBe(true);
    expect(indexPatternsMatch(['logs-*', '-logs-endpoint.*'], 'logs-endpoint.events.process-default')).toBe(false);
    expect(indexPatternsMatch(['remote:logs-*'], 'logs-endpoint.events.process-default')).toBe(false);
    expect(indexPatternsMatch(['logs-endpoint.events.process'], 'logs-endpoint.events.process-default')).toBe(false);
  });
});
