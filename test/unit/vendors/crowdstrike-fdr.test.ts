// CrowdStrike FDR mapping: recorded fixtures through Avro and back to ECS, Elastic's fdr pipeline rules one by one, lineage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledType } from '../../../src/decode/schemas.js';
import { readSchemaJson } from '../../../src/vendors/shared/schema-file.js';
import type { EcsEvent } from '../../../src/ecs/event.js';
import { crowdstrikeFdr } from '../../../src/vendors/crowdstrike-fdr.js';
import { EVENT_CLASS_TABLE } from '../../../src/vendors/crowdstrike-fdr/event-class-table.js';
import type { AvroRecord } from '../../../src/vendors/types.js';
import { avroRoundTrip, fixturesOf } from './shared/vendor-fixtures.js';
import { describeLineage, DUMP_TOOLS, recordArbitrary, ruleFires, valueAtPath } from './shared/schema-records.js';
import { fromNative } from '../../../scripts/native/from-native.js';

const fixtures = fixturesOf(crowdstrikeFdr);
const type = bundledType(crowdstrikeFdr);
const schema = readSchemaJson(crowdstrikeFdr.schemaFile);

/** As a Kafka consumer would see it: encoded with the bundled schema, then decoded. */
const throughAvro = avroRoundTrip(crowdstrikeFdr);

function map(native: Record<string, string>): EcsEvent {
  return crowdstrikeFdr.toEcs(throughAvro(fromNative(crowdstrikeFdr, native)));
}

const LINUX_START = { event_simpleName: 'ProcessRollup2', event_platform: 'Lin' };
const CONSTANTS = { dataset: 'crowdstrike.fdr', module: 'crowdstrike' };

describe('crowdstrike-fdr fixtures', () => {
  it('has at least a dozen fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
  });

  it.each(fixtures)('%s maps to its expected ECS document', (_file, fixture) => {
    expect(map(fixture.native as Record<string, string>)).toEqual(fixture.expected);
  });

  it.each(fixtures)('%s: the alert flag agrees with the rule', (_file, fixture) => {
    expect(ruleFires(fixture.expected)).toBe(fixture.alert);
  });

  it('has an alerting Linux start of each of the five dump tools', () => {
    const alerting = fixtures.filter(([, f]) => f.alert).map(([, f]) => f.expected.process?.name);
    expect(new Set(alerting)).toEqual(DUMP_TOOLS);
  });

  it('ships every native value as a string, as FDR does', () => {
    for (const [, fixture] of fixtures) {
      for (const value of Object.values(fixture.native)) expect(typeof value).toBe('string');
    }
  });
});

describe('crowdstrike-fdr categorization', () => {
  it('types the process lifecycle events as Elastic does', () => {
    const classOf = (event_simpleName: string): unknown => {
      const { category, type: eventType, kind, outcome } = map({ event_simpleName }).event ?? {};
      return { category, type: eventType, kind, outcome };
    };
    const start = { category: ['process'], type: ['start'], kind: 'event', outcome: 'success' };
    expect(classOf('ProcessRollup2')).toEqual(start);
    expect(classOf('SyntheticProcessRollup2')).toEqual(start);
    expect(classOf('ProcessRollup2Stats')).toEqual({ category: ['process'], type: ['info'], kind: 'state', outcome: 'unknown' });
    for (const end of ['EndOfProcess', 'TerminateProcess']) {
      expect(classOf(end)).toEqual({ category: ['process'], type: ['end'], kind: 'event', outcome: 'success' });
    }
  });

  it('copies event_simpleName into event.action verbatim', () => {
    expect(map({ event_simpleName: 'SyntheticProcessRollup2' }).event?.action).toBe('SyntheticProcessRollup2');
    expect(map({ event_simpleName: 'processrollup2' }).event?.action).toBe('processrollup2');
  });

  it('leaves names outside the table uncategorized, inherited property names included', () => {
    for (const name of ['NoSuchEventName', 'processrollup2', 'toString', 'constructor', '__proto__']) {
      const event = map({ event_simpleName: name }).event;
      expect(event, name).toEqual({ action: name, ...CONSTANTS });
    }
  });

  it('categorizes names ending in Written as file events', () => {
    expect(map({ event_simpleName: 'ZipFileWritten' }).event?.category).toEqual(['file']);
    expect(map({ event_simpleName: 'SomeNewFileWritten' }).event).toEqual({
      category: ['file'],
      action: 'SomeNewFileWritten',
      ...CONSTANTS,
    });
  });

  it("knows every name of Elastic's table, process events beyond the lifecycle ones included", () => {
    expect(new Set(EVENT_CLASS_TABLE.flatMap(([, names]) => names.split(' '))).size).toBe(773);
    const classOf = (event_simpleName: string): unknown => {
      const { category, type: eventType, kind, outcome } = map({ event_simpleName }).event ?? {};
      return { category, type: eventType, kind, outcome };
    };
    const event = (category: string[], eventType: string[], kind: string, outcome?: string): unknown => ({
      category,
      type: eventType,
      kind,
      outcome,
    });
    expect(classOf('ServiceStarted')).toEqual(event(['process'], ['start'], 'event', 'success'));
    expect(classOf('HostedServiceStopped')).toEqual(event(['process'], ['end'], 'event', 'success'));
    expect(classOf('KernelServiceStarted')).toEqual(event(['process'], ['start'], 'event'));
    expect(classOf('CommandHistory')).toEqual(event(['process'], ['end', 'info'], 'event', 'success'));
    expect(classOf('FalconProcessHandleOpDetectInfo')).toEqual(event(['malware', 'process'], ['info', 'access'], 'alert'));
    expect(classOf('FileWrittenAndExecutedInContainer')).toEqual(event(['file', 'process'], ['creation', 'start'], 'event', 'success'));
    expect(classOf('DnsRequest')).toEqual(event(['network'], ['protocol'], 'event', 'success'));
    expect(classOf('AwsEc2Instance')).toEqual(event(['host', 'configuration'], ['info'], 'asset'));
    expect(classOf('ZstdFileWritten')).toEqual(event(['file'], ['creation'], 'event', 'success'));
  });

  it('always sets event.dataset and event.module, even for an empty record', () => {
    const record = throughAvro(fromNative(crowdstrikeFdr, {}));
    expect(crowdstrikeFdr.toEcs(record)).toEqual({ event: CONSTANTS });
    expect(crowdstrikeFdr.eventIdentity(record)).toBeUndefined();
  });
});

describe('crowdstrike-fdr host.os.type', () => {
  it('maps Lin, Mac, Win and iOS exactly and nothing else', () => {
    const osOf = (event_platform: string): unknown => map({ event_platform }).host?.os?.type;
    expect(osOf('Lin')).toBe('linux');
    expect(osOf('Mac')).toBe('macos');
    expect(osOf('Win')).toBe('windows');
    expect(osOf('iOS')).toBe('ios');
    for (const other of ['lin', 'LIN', 'Linux', 'linux', ' Lin', 'And', 'toString', '']) expect(osOf(other), other).toBeUndefined();
  });
});

describe('crowdstrike-fdr @timestamp', () => {
  const at = (fields: Record<string, string>): unknown => map(fields)['@timestamp'];

  it('prefers UTCTimestamp, read as seconds below 1e10 and as milliseconds above', () => {
    expect(at({ UTCTimestamp: '1715680800', timestamp: '1715680899000' })).toBe('2024-05-14T10:00:00.000Z');
    expect(at({ UTCTimestamp: '9999999999' })).toBe('2286-11-20T17:46:39.000Z');
    expect(at({ UTCTimestamp: '10000000000' })).toBe('1970-04-26T17:46:40.000Z');
    expect(at({ UTCTimestamp: '1715680800123' })).toBe('2024-05-14T10:00:00.123Z');
    expect(at({ UTCTimestamp: '-5' })).toBe('1969-12-31T23:59:55.000Z');
  });

  it('falls back to ISO 8601 text, then to timestamp (milliseconds)', () => {
    expect(at({ UTCTimestamp: '2024-05-14T10:00:00.5Z', timestamp: '1' })).toBe('2024-05-14T10:00:00.500Z');
    expect(at({ UTCTimestamp: 'none', timestamp: '1715680800123' })).toBe('2024-05-14T10:00:00.123Z');
    expect(at({ UTCTimestamp: '1715680800.5', timestamp: '1715680800123' })).toBe('2024-05-14T10:00:00.123Z');
    expect(at({ timestamp: 'soon' })).toBeUndefined();
    expect(at({})).toBeUndefined();
  });

  it('sets event.created to the same instant', () => {
    const ecs = map({ timestamp: '1715680800123' });
    expect(ecs.event?.created).toBe(ecs['@timestamp']);
  });
});

describe('crowdstrike-fdr process fields', () => {
  const processOf = (fields: Record<string, string>): EcsEvent['process'] => map({ ...LINUX_START, ...fields }).process;

  it('names the process after the last / or \\ segment when the path starts with one, else the whole path', () => {
    expect(processOf({ ImageFileName: '/usr/bin/pg_dump' })?.name).toBe('pg_dump');
    expect(processOf({ ImageFileName: '\\Device\\HarddiskVolume3\\bin\\pg_dump.exe' })?.name).toBe('pg_dump.exe');
    expect(processOf({ ImageFileName: 'C:\\bin\\pg_dump.exe' })?.name).toBe('C:\\bin\\pg_dump.exe');
    expect(processOf({ ImageFileName: 'pg_dump' })?.name).toBe('pg_dump');
    expect(processOf({ ImageFileName: '/usr/bin/' })?.name).toBeUndefined();
  });

  it('names a "/" image after the basename of the first argument (runc re-exec)', () => {
    expect(processOf({ ImageFileName: '/', CommandLine: '/usr/bin/mysqldump --all-databases' })?.name).toBe('mysqldump');
    expect(processOf({ ImageFileName: '/', CommandLine: '"" pg_dump' })?.name).toBe('pg_dump');
    expect(processOf({ ImageFileName: '/', CommandLine: 'C:\\tools\\pg_dump' })?.name).toBe('C:\\tools\\pg_dump');
    expect(processOf({ ImageFileName: '/' })?.name).toBeUndefined();
    // Without a known OS Elastic never splits the command line, so there is no argv[0] to use.
    const unknownOs = map({ event_simpleName: 'ProcessRollup2', event_platform: 'lin', ImageFileName: '/', CommandLine: 'pg_dump x' });
    expect(unknownOs.process?.name).toBeUndefined();
  });

  it('splits the command line only when the OS is known, and counts arguments after dropping empty ones', () => {
    expect(processOf({ CommandLine: 'pg_dump "" -Fc' })).toEqual({
      command_line: 'pg_dump "" -Fc',
      args: ['pg_dump', '-Fc'],
      args_count: 2,
    });
    expect(map({ event_platform: 'Win', CommandLine: 'a b' }).process?.args).toEqual(['a', 'b']);
    expect(map({ CommandLine: 'a b' }).process).toEqual({ command_line: 'a b' });
    expect(processOf({ CommandLine: '   ' })).toEqual({ command_line: '   ', args_count: 0 });
  });

  it('drops "-" and "none" everywhere, array items too, after counting', () => {
    const process = processOf({ CommandLine: 'tar -c - none x', ParentBaseFileName: 'none', TargetProcessId: '-' });
    expect(process).toEqual({ command_line: 'tar -c - none x', args: ['tar', '-c', 'x'], args_count: 5 });
  });

  it('reads RawProcessId as an unsigned 64-bit value stored signed, and leaves out what it cannot represent', () => {
    expect(processOf({ RawProcessId: '48213' })?.pid).toBe(48213);
    expect(processOf({ RawProcessId: '+7' })?.pid).toBe(7);
    expect(processOf({ RawProcessId: '18446744073709551615' })?.pid).toBe(-1);
    for (const bad of ['-1', 'abc', '', '9223372036854775808', '18446744073709551616'])
      expect(processOf({ RawProcessId: bad })?.pid, bad).toBeUndefined();
  });

  it('keeps non-zero hashes, only on events whose name mentions Process or Service', () => {
    const hashes = { MD5HashData: '0000', SHA1HashData: 'ab', SHA256HashData: '' };
    expect(processOf(hashes)?.hash).toEqual({ sha1: 'ab' });
    expect(map({ event_simpleName: 'DnsRequest', ...hashes }).process).toBeUndefined();
    expect(map({ event_simpleName: 'ServiceStarted', ...hashes }).process?.hash).toEqual({ sha1: 'ab' });
  });

  it('prints ProcessStartTime and ProcessEndTime (epoch seconds) as dates', () => {
    const process = processOf({ ProcessStartTime: '1715679062.176', ProcessEndTime: '1715679071.9' });
    expect(process?.start).toBe('2024-05-14T09:31:02.176Z');
    expect(process?.end).toBe('2024-05-14T09:31:11.900Z');
  });

  it('leaves the image of a library or driver load out of process.executable and process.name', () => {
    for (const event_simpleName of ['SharedObjectLoaded', 'ClassifiedModuleLoad', 'KextLoad']) {
      const process = map({ event_simpleName, event_platform: 'Lin', ImageFileName: '/usr/lib/libpq.so.5' }).process;
      expect(process, event_simpleName).toBeUndefined();
    }
    expect(processOf({ ImageFileName: '/usr/lib/libpq.so.5' })?.executable).toBe('/usr/lib/libpq.so.5');
  });

  it('sets process.pgid from ProcessGroupId (exact past 2^53), and the group leader on Linux process events', () => {
    expect(processOf({ ProcessGroupId: '48213' })).toEqual({ pgid: 48213, group_leader: { entity_id: '48213' } });
    expect(processOf({ ProcessGroupId: '7001610480104066706' })).toEqual({
      pgid: '7001610480104066706',
      group_leader: { entity_id: '7001610480104066706' },
    });
    expect(valueAtPath(processOf({ ProcessGroupId: '0x1F' }), 'group_leader')).toEqual({ entity_id: '31' });
    expect(map({ event_simpleName: 'ProcessRollup2', event_platform: 'Mac', ProcessGroupId: '7' }).process).toEqual({ pgid: 7 });
    expect(map({ event_simpleName: 'DnsRequest', event_platform: 'Lin', ProcessGroupId: '7' }).process).toEqual({ pgid: 7 });
  });

  it('sets process.thread.id from ContextThreadId and falls back to ContextProcessId for process.entity_id', () => {
    expect(processOf({ ContextThreadId: '0', TargetProcessId: 't1', ContextProcessId: 'c1' })).toEqual({
      thread: { id: 0 },
      entity_id: 't1',
    });
    expect(processOf({ ContextProcessId: 'c1' })?.entity_id).toBe('c1');
    expect(processOf({ TargetProcessId: '', ContextProcessId: 'c1' })?.entity_id).toBeUndefined();
  });

  it('sets process.exit_code from ExitCode and process.title from ServiceDisplayName', () => {
    expect(map({ event_simpleName: 'TerminateProcess', event_platform: 'Lin', ExitCode: '137' }).process).toEqual({ exit_code: 137 });
    expect(map({ event_simpleName: 'ServiceStarted', event_platform: 'Win', ServiceDisplayName: 'PostgreSQL Server' }).process).toEqual({
      title: 'PostgreSQL Server',
    });
  });

  it('computes process.uptime as Elastic does, in 32-bit float seconds divided by 1000', () => {
    expect(valueAtPath(processOf({ ProcessStartTime: '1745953229.264', ProcessEndTime: '1745972888.297' }), 'uptime')).toBe(19);
    expect(valueAtPath(processOf({ ProcessStartTime: '1715679062.176', ProcessEndTime: '1715679071.9' }), 'uptime')).toBe(0);
    // Ten seconds apart round to the same float, so an end just before the start still gives 0.
    expect(valueAtPath(processOf({ ProcessStartTime: '1715679071.9', ProcessEndTime: '1715679062.176' }), 'uptime')).toBe(0);
    expect(valueAtPath(processOf({ ProcessStartTime: '1715679900', ProcessEndTime: '1715679062.176' }), 'uptime')).toBeUndefined();
    expect(valueAtPath(processOf({ ProcessStartTime: '1715679062.176', ProcessEndTime: '' }), 'uptime')).toBeUndefined();
  });

  it('copies GID and RGID to the process and group only on Linux', () => {
    const ecs = map({ ...LINUX_START, GID: '26', RGID: '27', RUID: '0' });
    expect(ecs['group']).toEqual({ id: '26', Ext: { real: { id: '27' } } });
    expect(ecs.process).toEqual({ group: { id: '26' }, real_group: { id: '27' }, real_user: { id: '0' } });
    const mac = map({ event_simpleName: 'ProcessRollup2', event_platform: 'Mac', GID: '20', RGID: '20' });
    expect(mac['group']).toBeUndefined();
    expect(mac.user?.group?.id).toBe('20');
  });
});

describe('crowdstrike-fdr observer, host and user', () => {
  it('splits aip on whitespace and drops it entirely when any part is not an IP', () => {
    expect(map({ aip: ' 10.0.0.1  2001:db8::1 ' }).observer).toEqual(undefined);
    expect(map({ aip: '10.0.0.1  2001:db8::1 ' }).observer).toEqual({
      ip: ['10.0.0.1', '2001:db8::1'],
      address: ['10.0.0.1', '2001:db8::1'],
    });
    expect(map({ aip: '10.0.0.1 unknown' }).observer).toBeUndefined();
  });

  it('sets host.id from aid and host.name only from ComputerName', () => {
    expect(map({ aid: 'a1', ComputerName: 'db-7' }).host).toEqual({ id: 'a1', hostname: 'db-7', name: 'db-7' });
    expect(map({ aid: 'a1' }).host).toEqual({ id: 'a1' });
  });

  it('takes user.id from UID, falling back to UserSid', () => {
    expect(map({ UID: '26', UserSid: 'S-1-5-18' }).user?.id).toBe('26');
    expect(map({ UserSid: 'S-1-5-18' }).user?.id).toBe('S-1-5-18');
  });
});

describe('crowdstrike-fdr pipeline failures', () => {
  const failed = (fields: Record<string, string>): EcsEvent =>
    map({ ...LINUX_START, ImageFileName: '/usr/bin/pg_dump', UID: '26', ...fields });

  it('marks the document and stops where Elastic throws: unparsable process times, process group or a rename collision', () => {
    const failures: Record<string, string>[] = [
      { ProcessStartTime: '1715679062.1', ProcessEndTime: 'later' },
      { ProcessStartTime: 'early', ProcessEndTime: '' },
      { ProcessEndTime: 'x' },
      { ProcessGroupId: '' },
      { ProcessGroupId: 'abc' },
      { UID: '', UserSid: 'S-1-5-18' },
      { ContextThreadId: 'x' },
      { ContextThreadId: '' },
      { ExitCode: 'killed' },
    ];
    for (const fields of failures) {
      const ecs = failed(fields);
      expect(ecs.event?.kind, JSON.stringify(fields)).toBe('pipeline_error');
      expect(ecs.process?.name).toBe('pg_dump');
      expect(ecs.host?.os?.type).toBe('linux');
    }
    expect(failed({ ProcessGroupId: '' }).user).toBeUndefined();
    expect(failed({ ProcessGroupId: '0x1F' }).event?.kind).toBe('event');
  });

  it('stops before anything is categorized when ContextTimeStamp does not convert', () => {
    for (const ContextTimeStamp of ['none', 'abc', '1e10', 'soon.', '-']) {
      const ecs = failed({ ContextTimeStamp, timestamp: '1715680800123' });
      expect(ecs, ContextTimeStamp).toEqual({
        '@timestamp': '2024-05-14T10:00:00.123Z',
        event: { created: '2024-05-14T10:00:00.123Z', kind: 'pipeline_error', ...CONSTANTS },
      });
    }
    for (const ContextTimeStamp of ['1715690399.512', '1715690399', '133600000000000000', '']) {
      expect(failed({ ContextTimeStamp }).event?.kind, ContextTimeStamp).toBe('event');
    }
  });

  it('keeps "-" and "none" after a failure, as the cleanup never ran', () => {
    const ecs = map({ ...LINUX_START, ImageFileName: 'none', CommandLine: 'x - y', ProcessGroupId: 'pending' });
    expect(ecs.process).toEqual({ command_line: 'x - y', args: ['x', '-', 'y'], args_count: 3, executable: 'none', name: 'none' });
  });
});

describe('crowdstrike-fdr identity', () => {
  it('is id|aid|cid when the event has an id, missing parts left empty', () => {
    const identity = (fields: Record<string, string>): string | undefined =>
      crowdstrikeFdr.eventIdentity(throughAvro(fromNative(crowdstrikeFdr, fields)));
    expect(identity({ id: 'e1', aid: 'a1', cid: 'c1' })).toBe('e1|a1|c1');
    expect(identity({ id: 'e1', cid: 'c1' })).toBe('e1||c1');
    expect(identity({ aid: 'a1', cid: 'c1' })).toBeUndefined();
    expect(identity({ id: '', aid: 'a1' })).toBeUndefined();
    expect(map({ id: 'e1', aid: 'a1', cid: 'c1' }).event?.id).toBe('e1|a1|c1');
    expect(map({ aid: 'a1' }).event?.id).toBe('|a1|');
  });
});

describe('crowdstrike-fdr fromNative', () => {
  it('turns numbers into strings, ignores unknown keys and fills the rest with null', () => {
    const record = fromNative(crowdstrikeFdr, { RawProcessId: 48213, UID: 0, Unknown: 'x', aid: 'a1' });
    expect(record['RawProcessId']).toBe('48213');
    expect(record['UID']).toBe('0');
    expect(record['aid']).toBe('a1');
    expect(record['CommandLine']).toBeNull();
    expect(record).not.toHaveProperty('Unknown');
    expect(() => type.toBuffer(record)).not.toThrow();
  });
});

const STRINGS = [
  'ProcessRollup2',
  'SyntheticProcessRollup2',
  'TerminateProcess',
  'ProcessRollup2Stats',
  'ZipFileWritten',
  'DnsRequest',
  'Lin',
  'Win',
  'Mac',
  'iOS',
  'lin',
  '/',
  '/usr/bin/pg_dump',
  '/usr/bin/',
  '\\Device\\x\\pg_dump.exe',
  'pg_dump',
  'mongodump',
  '/usr/bin/mysqldump --opt',
  '"" a',
  'a "b c"',
  '',
  '-',
  'none',
  '0',
  '26',
  '0000',
  '1715679062.176',
  '1715679062183',
  '1715680800',
  '2024-05-14T10:00:00Z',
  'NaN',
  '0x10',
  'abc',
  '10.0.0.1',
  '10.0.0.1 2001:db8::1',
  '18446744073709551615',
  'S-1-5-18',
];
const arbitraryRecord = recordArbitrary(schema, { strings: STRINGS, longs: [] });

describe('crowdstrike-fdr robustness', () => {
  it('never throws on random records decoded from random bytes of the schema', () => {
    for (let i = 0; i < 300; i++) {
      const ecs = crowdstrikeFdr.toEcs(throughAvro(type.random() as unknown as AvroRecord));
      expect(ecs.event).toMatchObject(CONSTANTS);
    }
  });

  it('never throws, and prints only valid timestamps, on records of meaningful and odd values', () => {
    fc.assert(
      fc.property(arbitraryRecord, (record) => {
        const ecs = crowdstrikeFdr.toEcs(throughAvro(record));
        if (ecs['@timestamp'] !== undefined) expect(ecs['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(ecs.event).toMatchObject(CONSTANTS);
      }),
      { numRuns: 500 },
    );
  });

  it('maps a megabyte command line', () => {
    const ecs = map({ ...LINUX_START, ImageFileName: '/usr/bin/pg_dump', CommandLine: `pg_dump ${'x'.repeat(1 << 20)}` });
    expect(ecs.process?.args_count).toBe(2);
  });
});

describeLineage(crowdstrikeFdr, schema, arbitraryRecord);

describe('crowdstrike-fdr lineage of the rule fields', () => {
  it('names exactly the fields the rule reads', () => {
    // A ContextTimeStamp that does not convert aborts the pipeline before any of them is set.
    expect(crowdstrikeFdr.lineage['host.os.type']).toEqual(['event_platform', 'ContextTimeStamp']);
    for (const field of ['event.type', 'event.category'])
      expect(crowdstrikeFdr.lineage[field]).toEqual(['event_simpleName', 'ContextTimeStamp']);
    // Action and name can be "-" or "none", which only survive when the pipeline aborted, so
    // they also depend on the fields that can abort it.
    const aborting = [
      'ContextThreadId',
      'ContextTimeStamp',
      'ExitCode',
      'ProcessEndTime',
      'ProcessGroupId',
      'ProcessStartTime',
      'UID',
      'UserSid',
    ];
    expect([...(crowdstrikeFdr.lineage['event.action'] ?? [])].sort()).toEqual([...aborting, 'event_simpleName'].sort());
    // The name also depends on the event's category: a library or driver load has none.
    expect([...(crowdstrikeFdr.lineage['process.name'] ?? [])].sort()).toEqual(
      [...aborting, 'CommandLine', 'ImageFileName', 'event_platform', 'event_simpleName'].sort(),
    );
  });
});
