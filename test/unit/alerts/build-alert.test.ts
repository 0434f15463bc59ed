import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildAlert, type AlertInput } from '../../../src/alerts/build-alert.js';
import { parseRuleFile } from '../../../src/detect/rule-file.js';
import type { DetectionRule } from '../../../src/detect/detection-rule.js';
import type { EcsEvent } from '../../../src/ecs/event.js';

const RULE_PATH = fileURLToPath(new URL('../../../rules/potential_database_dumping_activity.toml', import.meta.url));
const RULE = parseRuleFile(readFileSync(RULE_PATH, 'utf8'), RULE_PATH);

function event(): EcsEvent {
  return {
    '@timestamp': '2026-03-20T10:00:00.5022851Z',
    event: {
      id: 'ev-1',
      kind: 'event',
      category: ['process'],
      type: ['start'],
      action: 'exec',
      dataset: 'endpoint.events.process',
      module: 'endpoint',
    },
    host: { name: 'db-7', id: 'host-1', os: { type: 'linux' } },
    user: { name: 'postgres', id: '26' },
    process: {
      name: 'pg_dump',
      executable: '/usr/lib/postgresql/16/bin/pg_dump',
      args: ['pg_dump', 'shop'],
      command_line: 'pg_dump shop',
      pid: 4242,
      entity_id: 'ent-1',
      parent: { name: 'bash', pid: 4000 },
    },
  };
}

function input(overrides: Partial<AlertInput> = {}): AlertInput {
  return {
    event: event(),
    rule: RULE,
    vendor: { id: 'elastic-defend', title: 'Elastic Defend' },
    source: { topic: 'edr.elastic-defend', partition: 2, offset: '981', kafkaTimestamp: '1774000800123' },
    eventIdentity: 'ev-1',
    detectedAt: new Date('2026-03-20T10:00:01.250Z'),
    ...overrides,
  };
}

describe('buildAlert', () => {
  it('is deterministic: same input, same id and document', () => {
    const first = buildAlert(input());
    const second = buildAlert(input());
    expect(second).toEqual(first);
    expect(first.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keys the id on the event identity, else the Kafka position', () => {
    const base = buildAlert(input()).id;
    expect(buildAlert(input({ source: { topic: 'x', partition: 9, offset: '1' }, detectedAt: new Date() })).id).toBe(base);
    const positional = buildAlert(input({ eventIdentity: undefined })).id;
    expect(positional).not.toBe(base);
    expect(
      buildAlert(input({ eventIdentity: undefined, source: { topic: 'edr.elastic-defend', partition: 2, offset: '982' } })).id,
    ).not.toBe(positional);
  });

  it('carries the mapped event with event.kind alert and the contract times', () => {
    const { document } = buildAlert(input());
    expect(document['@timestamp']).toBe('2026-03-20T10:00:00.5022851Z');
    expect(document.process).toEqual(event().process);
    expect(document.host).toEqual(event().host);
    expect(document.user).toEqual(event().user);
    expect(document.event).toEqual({
      id: 'ev-1',
      kind: 'alert',
      category: ['process'],
      type: ['start'],
      action: 'exec',
      dataset: 'edr_dbdump_detector.alert',
      module: 'edr_dbdump_detector',
      reason:
        'process event with process pg_dump, parent process bash, by postgres on db-7 created low alert Potential Database Dumping Activity.',
      created: '2026-03-20T10:00:01.250Z',
      ingested: '2026-03-20T10:00:01.250Z',
      severity: 21,
      risk_score: 21,
    });
  });

  it('carries rule, threat and tags from the rule file', () => {
    const { document } = buildAlert(input());
    expect(document.rule).toEqual({
      id: '47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5',
      uuid: '47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5',
      name: 'Potential Database Dumping Activity',
      description: RULE.description,
      reference: ['https://cloud.google.com/blog/topics/threat-intelligence/disrupting-gridtide-global-espionage-campaign'],
      version: '1',
      author: ['Elastic'],
      license: 'Elastic License v2',
      category: 'Event Correlation Rule',
      ruleset: 'elastic',
    });
    expect(document.threat).toEqual([
      {
        framework: 'MITRE ATT&CK',
        tactic: { id: 'TA0010', name: 'Exfiltration', reference: 'https://attack.mitre.org/tactics/TA0010/' },
        technique: [
          { id: 'T1048', name: 'Exfiltration Over Alternative Protocol', reference: 'https://attack.mitre.org/techniques/T1048/' },
        ],
      },
    ]);
    expect(document.tags).toEqual(RULE.tags);
  });

  it('is named after its rule in `message`, which External Alerts uses as the promoted alert name', () => {
    const { document } = buildAlert(input());
    expect(document.message).toBe('Potential Database Dumping Activity');
    expect(buildAlert(input({ rule: { ...RULE, name: 'Another rule' } })).document.message).toBe('Another rule');
  });

  it('never carries a module External Alerts skips, whatever the source module', () => {
    for (const module of ['endpoint', 'endgame', 'cloud_defend', 'crowdstrike']) {
      const source = { ...event(), event: { ...event().event, module } };
      const { document } = buildAlert(input({ event: source }));
      expect((document.event as { module: string }).module).toBe('edr_dbdump_detector');
      expect((document.edr as { source: { module: string } }).source.module).toBe(module);
    }
  });

  it('records where the record came from and the textual severity', () => {
    expect(buildAlert(input()).document.edr).toEqual({
      source: {
        vendor: 'elastic-defend',
        vendor_title: 'Elastic Defend',
        module: 'endpoint',
        dataset: 'endpoint.events.process',
        topic: 'edr.elastic-defend',
        partition: 2,
        offset: '981',
        kafka_timestamp: '2026-03-20T10:00:00.123Z',
      },
      alert: { severity: 'low', timestamp_source: 'event' },
    });
    const withoutKafkaTime = buildAlert(input({ source: { topic: 't', partition: 0, offset: '0' } })).document.edr as {
      source: Record<string, unknown>;
    };
    expect(withoutKafkaTime.source).not.toHaveProperty('kafka_timestamp');
  });

  it('falls back to the detection time, flagged, when the event has no usable time', () => {
    for (const timestamp of [undefined, '', 'yesterday', '2026-03-20 10:00:00']) {
      const source = { ...event(), '@timestamp': timestamp };
      if (timestamp === undefined) delete source['@timestamp'];
      const { document } = buildAlert(input({ event: source }));
      expect(document['@timestamp']).toBe('2026-03-20T10:00:01.250Z');
      expect(document.edr).toMatchObject({ alert: { timestamp_source: 'detection' } });
    }
  });

  it('never changes the input event, even where the alert overrides its fields', () => {
    const original = event();
    const { document } = buildAlert(input({ event: original }));
    expect(original).toEqual(event());
    expect((document.event as { kind: string }).kind).toBe('alert');
    expect(original.event?.kind).not.toBe('alert');
  });

  it('follows the rule file: a second tactic and subtechniques need no code change', () => {
    const v2: DetectionRule = {
      ...RULE,
      version: 2,
      threat: [
        ...RULE.threat,
        {
          framework: 'MITRE ATT&CK',
          tactic: { id: 'TA0009', name: 'Collection', reference: 'https://attack.mitre.org/tactics/TA0009/' },
          technique: [
            { id: 'T1119', name: 'Automated Collection', reference: 'https://attack.mitre.org/techniques/T1119/' },
            {
              id: 'T1213',
              name: 'Data from Information Repositories',
              reference: 'https://attack.mitre.org/techniques/T1213/',
              subtechnique: [{ id: 'T1213.006', name: 'Databases', reference: 'https://attack.mitre.org/techniques/T1213/006/' }],
            },
          ],
        },
      ],
    };
    const { id, document } = buildAlert(input({ rule: v2 }));
    expect(id).toBe(buildAlert(input()).id);
    expect((document.rule as { version: string }).version).toBe('2');
    const threat = document.threat as { tactic: { id: string }; technique: { id: string; subtechnique?: { id: string }[] }[] }[];
    expect(threat.map((entry) => entry.tactic.id)).toEqual(['TA0010', 'TA0009']);
    expect(threat[1]?.technique.map((technique) => technique.id)).toEqual(['T1119', 'T1213']);
    expect(threat[1]?.technique[1]?.subtechnique).toEqual([
      { id: 'T1213.006', name: 'Databases', reference: 'https://attack.mitre.org/techniques/T1213/006/' },
    ]);
  });

  it('maps severities to Elastic default scores and keeps the rule risk score', () => {
    const scores = (['low', 'medium', 'high', 'critical'] as const).map((severity) => {
      const document = buildAlert(input({ rule: { ...RULE, severity, riskScore: 55 } })).document as {
        event: { severity: number; risk_score: number };
      };
      return [document.event.severity, document.event.risk_score];
    });
    expect(scores).toEqual([
      [21, 55],
      [47, 55],
      [73, 55],
      [99, 55],
    ]);
  });

  it('marks rules not authored by Elastic as custom and merges tags without duplicates', () => {
    const custom = { ...RULE, author: ['ACME SOC'] };
    const source = { ...event(), tags: ['forwarded', 'OS: Linux'] };
    const { document } = buildAlert(input({ rule: custom, event: source }));
    expect((document.rule as { ruleset: string }).ruleset).toBe('custom');
    expect(document.tags).toEqual([...RULE.tags, 'forwarded']);
  });
});
