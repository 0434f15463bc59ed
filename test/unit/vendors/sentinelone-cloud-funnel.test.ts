// SentinelOne Cloud Funnel mapping: recorded fixtures through Avro and back to ECS, Elastic's pipeline rules one by one, lineage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledType } from '../../../src/decode/schemas.js';
import { readSchemaJson } from '../../../src/vendors/shared/schema-file.js';
import type { EcsEvent } from '../../../src/ecs/event.js';
import { sentinelOneCloudFunnel } from '../../../src/vendors/sentinelone-cloud-funnel.js';
import type { AvroRecord } from '../../../src/vendors/types.js';
import { avroRoundTrip, fixtureTextsOf, fixturesOf } from './shared/vendor-fixtures.js';
import { describeLineage, DUMP_TOOLS, recordArbitrary, ruleFires, valueAtPath } from './shared/schema-records.js';
import { fromNative } from '../../../scripts/native/from-native.js';

const fixtureTexts = fixtureTextsOf(sentinelOneCloudFunnel);
const fixtures = fixturesOf(sentinelOneCloudFunnel);
const type = bundledType(sentinelOneCloudFunnel);
const schema = readSchemaJson(sentinelOneCloudFunnel.schemaFile);

/** As a Kafka consumer would see it: encoded with the bundled schema, then decoded. */
const throughAvro = avroRoundTrip(sentinelOneCloudFunnel);

function map(native: Record<string, unknown>): EcsEvent {
  return sentinelOneCloudFunnel.toEcs(throughAvro(fromNative(sentinelOneCloudFunnel, native)));
}

const CREATION = { 'event.category': 'process', 'meta.event.name': 'PROCESSCREATION', 'endpoint.os': 'linux' };
const CONSTANTS = { dataset: 'sentinel_one_cloud_funnel.event', module: 'sentinel_one_cloud_funnel' };

describe('sentinelone-cloud-funnel fixtures', () => {
  it('has at least a dozen fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
  });

  it.each(fixtures)('%s maps to its expected ECS document', (_file, fixture) => {
    expect(map(fixture.native)).toEqual(fixture.expected);
  });

  it.each(fixtures)('%s: the alert flag agrees with the rule', (_file, fixture) => {
    expect(ruleFires(fixture.expected)).toBe(fixture.alert);
  });

  it('has an alerting Linux creation of each of the five dump tools', () => {
    const alerting = fixtures.filter(([, f]) => f.alert).map(([, f]) => f.expected.process?.name);
    expect(new Set(alerting)).toEqual(DUMP_TOOLS);
  });

  it('ships keys flat and dotted, with at least one record whose slashes are escaped in the JSON text', () => {
    for (const [, fixture] of fixtures) for (const key of Object.keys(fixture.native)) expect(key).not.toMatch(/^[^.]+$/);
    expect(fixtureTexts.some(([, text]) => text.includes('\\/usr\\/'))).toBe(true);
  });
});

describe('sentinelone-cloud-funnel event type and action', () => {
  it('types only meta.event.name PROCESSCREATION as start, and copies the array into event.action', () => {
    const event = map(CREATION).event;
    expect(event?.type).toEqual(['start']);
    expect(event?.action).toEqual(['start']);
    expect(event?.action).not.toBe(event?.type);
    for (const name of ['processcreation', 'Process Creation', 'PROCESS_CREATION']) {
      const other = map({ ...CREATION, 'meta.event.name': name, 'event.type': 'Process Creation' }).event;
      expect(other?.type, name).toBeUndefined();
      expect(other?.action, name).toBeUndefined();
      expect(other?.category).toEqual(['process']);
    }
  });

  it('types the four process exit spellings as end, overriding a creation name', () => {
    for (const exit of ['ProcessExit', 'ProcessTermination', 'Process Exit', 'Process Termination']) {
      const event = map({ ...CREATION, 'event.type': exit }).event;
      expect(event?.type, exit).toEqual(['end']);
      expect(event?.action, exit).toEqual(['end']);
    }
    expect(map({ ...CREATION, 'meta.event.name': 'X', 'event.type': 'Process exit' }).event?.type).toBeUndefined();
  });

  it('picks the process sub-pipeline by substring, case-insensitively, but not for cross_process', () => {
    expect(map({ ...CREATION, 'event.category': 'PROCESS' }).event?.action).toEqual(['start']);
    const cross = map({ ...CREATION, 'event.category': 'cross_process' }).event;
    expect(cross).toMatchObject({ category: ['process'], type: ['info'] });
    expect(cross?.action).toBeUndefined();
    expect(map({ ...CREATION, 'event.category': 'command_script' }).event).toMatchObject({ category: ['process'], type: ['info'] });
    expect(map({ ...CREATION, 'event.category': 'file' }).event).toEqual({ kind: 'event', ...CONSTANTS });
  });
});

describe('sentinelone-cloud-funnel host', () => {
  it('sets host.os.type only for the exact OS list, and host.os.platform always', () => {
    for (const os of ['linux', 'windows', 'macos', 'ios', 'android'])
      expect(map({ 'endpoint.os': os }).host?.os).toEqual({ platform: os, type: os });
    for (const os of ['Linux', 'LINUX', 'darwin', 'toString', ' linux'])
      expect(map({ 'endpoint.os': os }).host?.os, os).toEqual({ platform: os });
  });

  it('sets host.hostname and never host.name; host.id is the agent uuid', () => {
    expect(map({ 'endpoint.name': 'db-7', 'agent.uuid': 'u-1' }).host).toEqual({ hostname: 'db-7', id: 'u-1' });
  });
});

describe('sentinelone-cloud-funnel process roles', () => {
  const source = {
    'src.process.name': 'bash',
    'src.process.pid': 10,
    'src.process.cmdline': 'bash -c x',
    'src.process.parent.name': 'sshd',
    'src.process.parent.pid': 5,
  };

  it('in a process event, makes the target process.* and the creator process.parent.*, dropping the grandparent', () => {
    const process = map({ ...CREATION, ...source, 'tgt.process.name': 'pg_dump', 'tgt.process.pid': 11 }).process;
    expect(process).toEqual({
      name: 'pg_dump',
      pid: 11,
      parent: {
        name: 'bash',
        pid: 10,
        command_line: 'bash -c x',
        args: ['bash', '-c', 'x'],
        args_count: 3,
        code_signature: { exists: false },
      },
    });
  });

  it("files the target's code signature under process.parent, as Elastic's process pipeline does", () => {
    const signature = (fields: Record<string, string>): unknown =>
      valueAtPath(map({ ...CREATION, ...fields }), 'process.parent.code_signature');
    const signed = { 'tgt.process.signedStatus': 'signed', 'tgt.process.publisher': 'PGDG' };
    expect(signature({ ...signed, 'tgt.process.verifiedStatus': 'verified' })).toEqual({
      subject_name: 'PGDG',
      exists: true,
      trusted: true,
    });
    expect(signature(signed)).toEqual({ subject_name: 'PGDG', exists: true, trusted: false });
    expect(signature({ 'tgt.process.signedStatus': 'unsigned', 'tgt.process.verifiedStatus': 'verified' })).toEqual({
      exists: false,
      trusted: true,
    });
    expect(signature({ 'tgt.process.signedStatus': 'Signed' })).toEqual({ exists: false });
    expect(valueAtPath(map({ ...CREATION, ...signed }), 'process.code_signature')).toBeUndefined();
    expect(valueAtPath(map({ 'event.category': 'file', ...signed }), 'process.parent.code_signature')).toBeUndefined();
  });

  it('elsewhere, makes the creator process.* and its parent process.parent.*', () => {
    const process = map({ 'event.category': 'file', ...source, 'tgt.process.name': 'pg_dump' }).process;
    expect(process).toEqual({
      name: 'bash',
      pid: 10,
      command_line: 'bash -c x',
      args: ['bash', '-c', 'x'],
      args_count: 3,
      parent: { name: 'sshd', pid: 5 },
    });
  });

  it('takes process.name as delivered, not from the path', () => {
    expect(map({ ...CREATION, 'tgt.process.name': 'postgres', 'tgt.process.image.path': '/usr/bin/pg_dump' }).process?.name).toBe(
      'postgres',
    );
    expect(map({ ...CREATION, 'tgt.process.image.path': '/usr/bin/pg_dump' }).process?.name).toBeUndefined();
  });

  it('prints start times (epoch ms) as dates, and a four-digit value as a year, as ISO8601-first parsing does', () => {
    expect(map({ ...CREATION, 'tgt.process.startTime': 1715679062176 }).process?.start).toBe('2024-05-14T09:31:02.176Z');
    expect(map({ 'event.time': 2024 })['@timestamp']).toBe('2024-01-01T00:00:00.000Z');
    expect(map({ 'event.time': 2 ** 62 })['@timestamp']).toBeUndefined();
  });
});

describe('sentinelone-cloud-funnel users', () => {
  const usersOf = (srcUser: string): unknown => map({ 'src.process.user': srcUser }).user;

  it('splits the creator DOMAIN\\name on the first backslash into user.domain and user.name', () => {
    expect(usersOf('CORP\\dba')).toEqual({ domain: 'CORP', name: 'dba' });
    expect(usersOf('a\\b\\c')).toEqual({ domain: 'a', name: 'b\\c' });
    expect(usersOf('\\dba')).toEqual({ name: 'dba' });
    expect(usersOf('CORP\\')).toEqual({ domain: 'CORP' });
  });

  it('copies a user without a backslash to both user.name and user.domain', () => {
    expect(usersOf('root')).toEqual({ domain: 'root', name: 'root' });
  });

  it('takes process.user.name from tgt.process.user only; the target effective user name is not mapped', () => {
    expect(map({ ...CREATION, 'tgt.process.user': 'CORP\\svc' }).process?.user).toEqual({ name: 'CORP\\svc' });
    expect(map({ ...CREATION, 'tgt.process.eUserName': 'postgres', 'tgt.process.eUserUid': 113 }).process?.user).toEqual({ id: '113' });
  });

  it('names the creator after its effective user first', () => {
    const ecs = map({ ...CREATION, 'src.process.user': 'root', 'src.process.eUserName': 'postgres' });
    expect(valueAtPath(ecs, 'process.parent.user')).toEqual({ name: 'postgres' });
  });
});

describe('sentinelone-cloud-funnel command lines', () => {
  /** The process of a creation, without the signature every creation carries under process.parent. */
  const processOf = (fields: Record<string, unknown>): EcsEvent['process'] => {
    const process = map({ ...CREATION, ...fields }).process;
    if (process?.parent) {
      const { code_signature: _signature, ...parent } = process.parent as Record<string, unknown>;
      if (Object.keys(parent).length > 0) process.parent = parent;
      else delete process.parent;
    }
    return process;
  };

  it('keeps a leading space in the command line; the splitting ignores it', () => {
    expect(processOf({ 'tgt.process.cmdline': ' pg_dump x' })).toEqual({
      command_line: ' pg_dump x',
      args: ['pg_dump', 'x'],
      args_count: 2,
    });
  });

  it('strips one pair of surrounding quotes from target and grandparent command lines, not from the creator', () => {
    expect(processOf({ 'tgt.process.cmdline': '"a b" c"' })?.command_line).toBe('a b" c');
    expect(processOf({ 'tgt.process.cmdline': '"a b' })?.command_line).toBe('"a b');
    expect(processOf({ 'src.process.cmdline': '"a b"' })?.parent?.command_line).toBe('"a b"');
    const other = map({ 'event.category': 'file', 'src.process.parent.cmdline': '"x y"' }).process?.parent;
    expect(other).toEqual({ command_line: 'x y', args: ['x', 'y'], args_count: 2 });
  });

  it('counts the empty arguments of "" before dropping them', () => {
    expect(processOf({ 'tgt.process.cmdline': 'a "" b' })).toEqual({ command_line: 'a "" b', args: ['a', 'b'], args_count: 3 });
    expect(processOf({ 'tgt.process.cmdline': '  ' })).toEqual({ command_line: '  ', args_count: 0 });
  });

  it('flags a lone-quote command line as a pipeline error and stops trimming there', () => {
    const lone = map({ ...CREATION, 'src.process.parent.cmdline': '"', 'tgt.process.cmdline': '"x"' });
    expect(lone.event?.kind).toBe('pipeline_error');
    expect(lone.process?.command_line).toBe('"x"');
    const target = map({ ...CREATION, 'tgt.process.cmdline': '"' });
    expect(target.event?.kind).toBe('pipeline_error');
    expect(target.process?.command_line).toBe('"');
  });

  it('keeps "-" and "none", which this pipeline does not clean up', () => {
    expect(processOf({ 'tgt.process.name': 'none', 'tgt.process.cmdline': 'x - y' })).toEqual({
      name: 'none',
      command_line: 'x - y',
      args: ['x', '-', 'y'],
      args_count: 3,
    });
  });
});

describe('sentinelone-cloud-funnel escaping', () => {
  it('turns each pair of backslashes into one and keeps single ones', () => {
    const process = map({ ...CREATION, 'tgt.process.image.path': 'C:\\\\Tools\\\\pg_dump.exe', 'tgt.process.name': 'a\\b\\\\\\c' }).process;
    expect(process?.executable).toBe('C:\\Tools\\pg_dump.exe');
    expect(process?.name).toBe('a\\b\\\\c');
  });

  it('reads JSON-escaped slashes as plain slashes', () => {
    const native = JSON.parse('{"tgt.process.image.path":"\\/usr\\/bin\\/pg_dump","event.category":"process"}') as Record<string, unknown>;
    expect(map(native).process?.executable).toBe('/usr/bin/pg_dump');
  });
});

describe('sentinelone-cloud-funnel identity and fromNative', () => {
  it('uses event.id as the identity, undefined when absent or empty', () => {
    const identity = (native: Record<string, unknown>): string | undefined =>
      sentinelOneCloudFunnel.eventIdentity(throughAvro(fromNative(sentinelOneCloudFunnel, native)));
    expect(identity({ 'event.id': '01HX_1' })).toBe('01HX_1');
    expect(identity({ 'event.id': '' })).toBeUndefined();
    expect(identity({})).toBeUndefined();
  });

  it('accepts nested objects as well as dotted keys, and converts numeric text for long fields', () => {
    const nested = fromNative(sentinelOneCloudFunnel, { tgt: { process: { name: 'pg_dump', pid: '48213' } }, event: { time: 1 } });
    expect(nested['tgt']).toMatchObject({ process: { name: 'pg_dump', pid: 48213 } });
    const dotted = fromNative(sentinelOneCloudFunnel, {
      'tgt.process.pid': 'not a pid',
      'tgt.process.uid': 42,
      'src.process.pid': 1e300,
      'src.process.startTime': -(2 ** 63),
      'event.time': 1.5,
    });
    expect(dotted['tgt']).toMatchObject({ process: { pid: null, uid: '42' } });
    expect(dotted['src']).toMatchObject({ process: { pid: null, startTime: -(2 ** 63) } });
    expect(dotted['event']).toMatchObject({ time: null });
    expect(() => type.toBuffer(dotted)).not.toThrow();
  });

  it('maps an all-null record to the constants only', () => {
    expect(map({})).toEqual({ event: { kind: 'event', ...CONSTANTS } });
  });
});

const STRINGS = [
  'process',
  'PROCESS',
  'cross_process',
  'command_script',
  'file',
  'PROCESSCREATION',
  'PROCESSTERMINATION',
  'Process Exit',
  'Process Termination',
  'linux',
  'Linux',
  'windows',
  'macos',
  'pg_dump',
  'mongodump',
  '/usr/bin/pg_dump',
  'CORP\\dba',
  'root',
  '\\x',
  'x\\',
  'C:\\\\Tools',
  '"',
  '""',
  '"a b"',
  '"a',
  ' a "" b',
  '',
  '-',
  'none',
  '2024-05-14',
];
const LONGS = [1715679062183, 1664811149470, 48213, 113, 0, 2024];
const arbitraryRecord = recordArbitrary(schema, { strings: STRINGS, longs: LONGS });

describe('sentinelone-cloud-funnel robustness', () => {
  it('never throws on random records decoded from random bytes of the schema', () => {
    for (let i = 0; i < 300; i++) {
      const ecs = sentinelOneCloudFunnel.toEcs(throughAvro(type.random() as unknown as AvroRecord));
      expect(ecs.event).toMatchObject(CONSTANTS);
    }
  });

  it('never throws, and prints only valid timestamps, on records of meaningful and odd values', () => {
    fc.assert(
      fc.property(arbitraryRecord, (record) => {
        const ecs = sentinelOneCloudFunnel.toEcs(throughAvro(record));
        for (const date of [ecs['@timestamp'], ecs.process?.start, ecs.process?.parent?.start]) {
          if (date !== undefined) expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        }
        expect(ecs.event).toMatchObject(CONSTANTS);
      }),
      { numRuns: 500 },
    );
  });
});

describeLineage(sentinelOneCloudFunnel, schema, arbitraryRecord);

describe('sentinelone-cloud-funnel lineage of the rule fields', () => {
  it('names exactly the fields the rule reads', () => {
    const lineage = sentinelOneCloudFunnel.lineage;
    expect(lineage['host.os.type']).toEqual(['endpoint.os']);
    expect(lineage['event.category']).toEqual(['event.category']);
    for (const field of ['event.type', 'event.action'])
      expect([...(lineage[field] ?? [])].sort()).toEqual(['event.category', 'event.type', 'meta.event.name']);
    expect([...(lineage['process.name'] ?? [])].sort()).toEqual(['event.category', 'src.process.name', 'tgt.process.name']);
  });
});
