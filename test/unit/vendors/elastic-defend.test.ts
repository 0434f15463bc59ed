// Elastic Defend mapping: recorded fixtures through Avro and back to ECS, plus the contract's edge cases.
import { describe, expect, it } from 'vitest';
import { bundledType } from '../../../src/decode/schemas.js';
import { elasticDefend } from '../../../src/vendors/elastic-defend.js';
import type { AvroRecord } from '../../../src/vendors/types.js';
import { DUMP_TOOLS, ruleFires } from './shared/schema-records.js';
import { avroRoundTrip, fixturesOf } from './shared/vendor-fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';

const fixtures = fixturesOf(elasticDefend);
const type = bundledType(elasticDefend);

/** As a Kafka consumer would see it: encoded with the bundled schema, then decoded. */
const throughAvro = avroRoundTrip(elasticDefend);

function get(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

describe('elastic-defend fixtures', () => {
  it('has at least a dozen fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
  });

  it.each(fixtures)('%s maps to its expected ECS document', (_file, fixture) => {
    const record = throughAvro(fromNative(elasticDefend, fixture.native));
    expect(elasticDefend.toEcs(record)).toEqual(fixture.expected);
  });

  it.each(fixtures)('%s: the alert flag agrees with the rule', (_file, fixture) => {
    expect(ruleFires(fixture.expected)).toBe(fixture.alert);
  });

  it('covers each dump tool exec on Linux and the non-alerting variants', () => {
    const alerting = fixtures.filter(([, f]) => f.alert).map(([, f]) => f.expected.process?.name);
    expect(new Set(alerting)).toEqual(DUMP_TOOLS);
    const actions = new Set(fixtures.map(([, f]) => f.expected.event?.action));
    for (const action of ['exec', 'fork', 'end', 'already_running', 'start']) expect(actions).toContain(action);
  });
});

describe('elastic-defend toEcs', () => {
  const exec = fixtures.find(([file]) => file === 'linux-exec-pg-dump-endpoint-sample.json')![1];

  it('keeps @timestamp with all 7 fractional digits and args[0] as typed', () => {
    const ecs = elasticDefend.toEcs(throughAvro(fromNative(elasticDefend, exec.native)));
    expect(ecs['@timestamp']).toBe('2024-05-14T09:31:02.1837422Z');
    expect(ecs.process?.args?.[0]).toBe('pg_dump');
    expect(ecs.process?.executable).toBe('/usr/pgsql-16/bin/pg_dump');
  });

  it('maps an all-null record to only the integration defaults, and it has no identity', () => {
    const record = throughAvro(fromNative(elasticDefend, {}));
    expect(elasticDefend.toEcs(record)).toEqual({
      event: { dataset: 'endpoint.events.process', module: 'endpoint' },
    });
    expect(elasticDefend.eventIdentity(record)).toBeUndefined();
  });

  it('keeps a dataset and module the agent sent', () => {
    const record = throughAvro(fromNative(elasticDefend, { event: { dataset: 'endpoint.events.process.custom', module: 'endpoint-x' } }));
    expect(elasticDefend.toEcs(record).event).toEqual({ dataset: 'endpoint.events.process.custom', module: 'endpoint-x' });
  });

  it('keeps empty strings and negative or huge numbers as sent', () => {
    const record = throughAvro(
      fromNative(elasticDefend, { process: { pid: -1, args_count: 2 ** 60, command_line: '', parent: { command_line: '' } } }),
    );
    expect(elasticDefend.toEcs(record).process).toEqual({ pid: -1, args_count: 2 ** 60, command_line: '', parent: { command_line: '' } });
  });

  it('does not modify the record it maps', () => {
    const record = throughAvro(fromNative(elasticDefend, exec.native));
    const before = JSON.stringify(record);
    elasticDefend.toEcs(record);
    expect(JSON.stringify(record)).toBe(before);
  });

  it('never throws and never emits null or empty values on random schema-valid records', () => {
    const isEmpty = (value: unknown): boolean =>
      value === null ||
      value === undefined ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);
    const walk = (value: unknown): void => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      for (const child of Object.values(value)) {
        expect(isEmpty(child)).toBe(false);
        walk(child);
      }
    };
    for (let i = 0; i < 300; i++) walk(elasticDefend.toEcs(throughAvro(type.random() as unknown as AvroRecord)));
  });
});

describe('elastic-defend eventIdentity', () => {
  it('is the agent-assigned event.id scoped by the agent id, since event ids are unique per endpoint only', () => {
    const exec = fixtures.find(([file]) => file === 'linux-exec-mysqldump.json')![1];
    const agentId = (exec.native as { agent: { id: string } }).agent.id;
    expect(elasticDefend.eventIdentity(throughAvro(fromNative(elasticDefend, exec.native)))).toBe(`${agentId}|MhX2aP0sV7dQ9kLe+++++4aV`);
  });

  it('falls back to the host id, then to event.id alone', () => {
    const viaHost = throughAvro(fromNative(elasticDefend, { event: { id: 'e-1' }, host: { id: 'h-1' } }));
    expect(elasticDefend.eventIdentity(viaHost)).toBe('h-1|e-1');
    expect(elasticDefend.eventIdentity(throughAvro(fromNative(elasticDefend, { event: { id: 'e-1' } })))).toBe('e-1');
  });

  it('is undefined for an empty event.id', () => {
    expect(elasticDefend.eventIdentity(throughAvro(fromNative(elasticDefend, { event: { id: '' } })))).toBeUndefined();
  });
});

describe('elastic-defend lineage', () => {
  const RULE_FIELDS = ['host.os.type', 'event.type', 'event.action', 'event.category', 'process.name'];

  it('reads each ECS field from the Avro field of the same path, @timestamp from timestamp', () => {
    for (const field of RULE_FIELDS) expect(elasticDefend.lineage[field]).toEqual([field]);
    expect(elasticDefend.lineage['@timestamp']).toEqual(['timestamp']);
    expect(elasticDefend.lineage['process.parent.name']).toEqual(['process.parent.name']);
    expect(elasticDefend.lineage['timestamp']).toBeUndefined();
  });

  it('gives the rule fields the same values when only their lineage was decoded', () => {
    for (const [, fixture] of fixtures) {
      const full = throughAvro(fromNative(elasticDefend, fixture.native));
      const projected: Record<string, unknown> = {};
      for (const field of RULE_FIELDS) {
        for (const path of elasticDefend.lineage[field]!) {
          const keys = path.split('.');
          let node = projected;
          for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
          node[keys.at(-1)!] = get(full, path) ?? null;
        }
      }
      const fromProjection = elasticDefend.toEcs(projected);
      for (const field of RULE_FIELDS) expect(get(fromProjection, field), field).toEqual(get(fixture.expected, field));
    }
  });
});
