// Elastic Endgame mapping: recorded fixtures through Avro and back to ECS, FILETIME edge cases, contract edge cases.
import { describe, expect, it } from 'vitest';
import { bundledType } from '../../../src/decode/schemas.js';
import { endgame, filetimeToIso } from '../../../src/vendors/endgame.js';
import type { AvroRecord } from '../../../src/vendors/types.js';
import { DUMP_TOOLS, ruleFires } from './shared/schema-records.js';
import { avroRoundTrip, fixturesOf } from './shared/vendor-fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';

const fixtures = fixturesOf(endgame);
const type = bundledType(endgame);

/** As a Kafka consumer would see it: encoded with the bundled schema, then decoded. */
const throughAvro = avroRoundTrip(endgame);

function get(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

/** FILETIME of an ISO instant, exact, as a BigInt. */
function ticksOf(iso: string): bigint {
  return (BigInt(Date.parse(iso)) + 11_644_473_600_000n) * 10_000n;
}

describe('endgame fixtures', () => {
  it('has at least a dozen fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
  });

  it.each(fixtures)('%s maps to its expected ECS document', (_file, fixture) => {
    const record = throughAvro(fromNative(endgame, fixture.native));
    expect(endgame.toEcs(record)).toEqual(fixture.expected);
  });

  it.each(fixtures)('%s: the alert flag agrees with the rule', (_file, fixture) => {
    expect(ruleFires(fixture.expected)).toBe(fixture.alert);
  });

  it('covers each dump tool exec on Linux and every process subtype', () => {
    const alerting = fixtures.filter(([, f]) => f.alert).map(([, f]) => f.expected.process?.name);
    expect(new Set(alerting)).toEqual(DUMP_TOOLS);
    const subtypes = new Set(fixtures.map(([, f]) => f.expected.event?.action));
    for (const subtype of ['exec_event', 'fork_event', 'creation_event', 'termination_event', 'already_running']) {
      expect(subtypes).toContain(subtype);
    }
  });
});

describe('filetimeToIso', () => {
  it('converts the FILETIME origin, the Unix epoch and ordinary instants', () => {
    expect(filetimeToIso(0)).toBe('1601-01-01T00:00:00.000Z');
    expect(filetimeToIso(116_444_736_000_000_000)).toBe('1970-01-01T00:00:00.000Z');
    expect(filetimeToIso(Number(ticksOf('2024-05-14T09:31:02.183Z')))).toBe('2024-05-14T09:31:02.183Z');
    expect(filetimeToIso(ticksOf('2500-01-01T00:00:00.000Z'))).toBe('2500-01-01T00:00:00.000Z');
    expect(filetimeToIso(Number(ticksOf('1917-11-07T12:00:00.000Z')))).toBe('1917-11-07T12:00:00.000Z');
  });

  it('truncates sub-millisecond ticks, exactly when given a BigInt', () => {
    const base = ticksOf('2024-05-14T09:31:02.183Z');
    expect(filetimeToIso(base + 9_999n)).toBe('2024-05-14T09:31:02.183Z');
    expect(filetimeToIso(base + 10_000n)).toBe('2024-05-14T09:31:02.184Z');
    expect(filetimeToIso(base - 1n)).toBe('2024-05-14T09:31:02.182Z');
  });

  it('does not round a double just below a millisecond boundary up into the next one', () => {
    // ...9984 ticks is exactly representable as a double; dividing it as a double would give .184
    const ticks = ticksOf('2024-05-14T09:31:02.183Z') + 9_984n;
    expect(BigInt(Number(ticks))).toBe(ticks);
    expect(filetimeToIso(Number(ticks))).toBe('2024-05-14T09:31:02.183Z');
  });

  it('accepts the last instant with a four-digit year and nothing after it', () => {
    const last = ticksOf('9999-12-31T23:59:59.999Z');
    expect(filetimeToIso(last + 9_999n)).toBe('9999-12-31T23:59:59.999Z');
    expect(filetimeToIso(last + 10_000n)).toBeUndefined();
    expect(filetimeToIso(9_223_372_036_854_775_807n)).toBeUndefined();
    expect(filetimeToIso(Number.MAX_VALUE)).toBeUndefined();
  });

  it('gives undefined for negative, non-finite and non-numeric values', () => {
    for (const value of [-1, -1n, -116_444_736_000_000_000, Number.NaN, Infinity, -Infinity, '133601526621837424', null, undefined, {}]) {
      expect(filetimeToIso(value), String(value)).toBeUndefined();
    }
  });
});

describe('endgame toEcs', () => {
  it('maps an all-null record to the constants only, and it has no identity', () => {
    const record = throughAvro(fromNative(endgame, {}));
    expect(endgame.toEcs(record)).toEqual({ event: { kind: 'event', dataset: 'esensor', module: 'endgame' } });
    expect(endgame.eventIdentity(record)).toBeUndefined();
  });

  it('never throws on extreme numbers and omits @timestamp it cannot represent', () => {
    for (const timestamp of [0, -1, -(2 ** 62), 2 ** 62, 2 ** 63 - 1024]) {
      const record = throughAvro(fromNative(endgame, { timestamp, pid: -(2 ** 62), ppid: 2 ** 62, serial_event_id: -5, opcode: -2 }));
      const ecs = endgame.toEcs(record);
      if (ecs['@timestamp'] !== undefined) expect(ecs['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(ecs.process?.pid).toBe(-(2 ** 62));
      expect(ecs.process?.parent?.pid).toBe(2 ** 62);
    }
    expect(endgame.toEcs(throughAvro(fromNative(endgame, { timestamp: 0 })))['@timestamp']).toBe('1601-01-01T00:00:00.000Z');
    expect(endgame.toEcs(throughAvro(fromNative(endgame, { timestamp: -1 })))['@timestamp']).toBeUndefined();
  });

  it('maps os_type linux, mac and windows only, case-sensitively', () => {
    const osOf = (os_type: string): unknown => endgame.toEcs(throughAvro(fromNative(endgame, { endpoint: { os_type } }))).host;
    expect(osOf('linux')).toEqual({ os: { type: 'linux' } });
    expect(osOf('mac')).toEqual({ os: { type: 'macos' } });
    expect(osOf('windows')).toEqual({ os: { type: 'windows' } });
    for (const other of ['macos', 'MAC', 'Linux', 'toString', '__proto__', '']) expect(osOf(other), other).toBeUndefined();
  });

  it('sets no event.type for subtypes outside the process table, even inherited names', () => {
    for (const subtype of ['file_create_event', 'toString', 'constructor']) {
      const ecs = endgame.toEcs(throughAvro(fromNative(endgame, { event_type_full: 'process_event', event_subtype_full: subtype })));
      expect(ecs.event?.type).toBeUndefined();
      expect(ecs.event?.action).toBe(subtype);
    }
  });

  it('does not populate process.args or process.entity_id', () => {
    for (const [, fixture] of fixtures) {
      const ecs = endgame.toEcs(throughAvro(fromNative(endgame, fixture.native)));
      expect(ecs.process?.args).toBeUndefined();
      expect(ecs.process?.entity_id).toBeUndefined();
    }
  });

  it('never throws on random schema-valid records and only emits valid timestamps', () => {
    for (let i = 0; i < 300; i++) {
      const ecs = endgame.toEcs(throughAvro(type.random() as unknown as AvroRecord));
      if (ecs['@timestamp'] !== undefined) expect(ecs['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(ecs.event?.kind).toBe('event');
    }
  });
});

describe('endgame eventIdentity', () => {
  it('combines endpoint id, serial_event_id and unique_pid', () => {
    const record = throughAvro(fromNative(endgame, { serial_event_id: 4410127, unique_pid: 88301, endpoint: { id: 'EGS-1' } }));
    expect(endgame.eventIdentity(record)).toBe('EGS-1|4410127|88301');
  });

  it('leaves unique_pid out when absent, and keeps a serial of zero', () => {
    expect(endgame.eventIdentity(throughAvro(fromNative(endgame, { serial_event_id: 0, endpoint: { id: 'EGS-1' } })))).toBe('EGS-1|0');
  });

  it('is undefined without an endpoint id or a serial_event_id', () => {
    expect(endgame.eventIdentity(throughAvro(fromNative(endgame, { serial_event_id: 7 })))).toBeUndefined();
    expect(endgame.eventIdentity(throughAvro(fromNative(endgame, { serial_event_id: 7, endpoint: { id: '' } })))).toBeUndefined();
    expect(endgame.eventIdentity(throughAvro(fromNative(endgame, { unique_pid: 3, endpoint: { id: 'EGS-1' } })))).toBeUndefined();
  });
});

describe('endgame lineage', () => {
  const RULE_FIELDS = ['host.os.type', 'event.type', 'event.action', 'event.category', 'process.name'];

  it('names exactly the native fields each rule field is read from', () => {
    expect(endgame.lineage['host.os.type']).toEqual(['endpoint.os_type']);
    expect(endgame.lineage['event.type']).toEqual(['event_subtype_full']);
    expect(endgame.lineage['event.action']).toEqual(['event_subtype_full']);
    expect([...endgame.lineage['event.category']!].sort()).toEqual(['event_type', 'event_type_full']);
    expect(endgame.lineage['process.name']).toEqual(['process_name']);
    expect(endgame.lineage['@timestamp']).toEqual(['timestamp']);
  });

  it('has an entry for every field toEcs sets in the fixtures', () => {
    const leaves = (doc: unknown, prefix = ''): string[] =>
      Object.entries(doc as Record<string, unknown>).flatMap(([key, value]) =>
        value !== null && typeof value === 'object' && !Array.isArray(value) ? leaves(value, `${prefix}${key}.`) : [`${prefix}${key}`],
      );
    for (const [, fixture] of fixtures) for (const path of leaves(fixture.expected)) expect(endgame.lineage, path).toHaveProperty([path]);
  });

  it('gives the rule fields the same values when only their lineage was decoded', () => {
    for (const [, fixture] of fixtures) {
      const full = throughAvro(fromNative(endgame, fixture.native));
      const projected: Record<string, unknown> = {};
      for (const field of RULE_FIELDS) {
        for (const path of endgame.lineage[field]!) {
          const keys = path.split('.');
          let node = projected;
          for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
          node[keys.at(-1)!] = get(full, path) ?? null;
        }
      }
      const fromProjection = endgame.toEcs(projected);
      for (const field of RULE_FIELDS) expect(get(fromProjection, field), field).toEqual(get(fixture.expected, field));
    }
  });
});
