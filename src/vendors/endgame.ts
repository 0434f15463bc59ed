// Elastic Endgame native process events mapped to the ECS shape Elastic's `endgame-*` indices hold.
import type { EcsEvent } from '../ecs/event.js';
import { readingLineage, subsetMapper, type FieldValue } from './shared/field-subset.js';
import type { AvroRecord, VendorFeed } from './types.js';

const SCHEMA_FILE = 'endgame.avsc';
/*
 * Elastic's own Endgame documents (Kibana's Endgame demo/mock events for the timeline renderers)
 * carry `event.module: endgame` with `event.dataset: esensor`, the Endgame sensor's name, not
 * `endgame`. We follow what Elastic writes.
 */
const DATASET = 'esensor';
const MODULE = 'endgame';

/** FILETIME counts 100 ns ticks from 1601-01-01; Unix time starts 11 644 473 600 s later. */
const TICKS_PER_MS = 10_000n;
const FILETIME_UNIX_OFFSET_MS = 11_644_473_600_000n;
/** 9999-12-31T23:59:59.999Z: later instants need 6-digit years, which Elasticsearch dates reject. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999n;

/**
 * Windows FILETIME (100 ns ticks since 1601-01-01 UTC) as ISO-8601 with millisecond precision,
 * truncating sub-millisecond ticks. Undefined for what cannot be an instant: not an integer,
 * negative (FILETIME is unsigned) or past year 9999. Exact for any integer value: the arithmetic
 * is done on BigInt, so ticks beyond 2^53 never round across a millisecond boundary.
 */
export function filetimeToIso(ticks: unknown): string | undefined {
  let exact: bigint;
  if (typeof ticks === 'bigint') exact = ticks;
  else if (typeof ticks === 'number' && Number.isFinite(ticks)) exact = BigInt(Math.trunc(ticks));
  else return undefined;
  if (exact < 0n) return undefined;
  const unixMs = exact / TICKS_PER_MS - FILETIME_UNIX_OFFSET_MS;
  if (unixMs > LAST_FOUR_DIGIT_YEAR_MS) return undefined;
  return new Date(Number(unixMs)).toISOString();
}

/*
 * Categorisation by `event_subtype_full`, as Elastic's endgame-* documents carry it: the Linux
 * detection rules written for Endgame match exec events with `event.type == "start"` and
 * `event.action == "exec_event"`; already-running processes are `info` (detection-rules issue
 * #344). Subtypes not listed get no `event.type`.
 */
const EVENT_TYPE_BY_SUBTYPE: Readonly<Record<string, readonly string[]>> = {
  exec_event: ['start'],
  fork_event: ['start'],
  creation_event: ['start'],
  termination_event: ['end'],
  already_running: ['info'],
};

/** eqllib's Endgame OS names to ECS `host.os.type`; anything else leaves it unset. */
const HOST_OS_TYPE: Readonly<Record<string, string>> = { linux: 'linux', mac: 'macos', windows: 'windows' };

/**
 * Native fields Elastic keeps under `endgame.*` next to the ECS fields. The FILETIME is left out:
 * `@timestamp` carries it, and as a double past 2^53 the raw count would not be the one sent.
 */
const NATIVE_COPY_FIELDS = [
  'event_type_full',
  'event_type',
  'event_subtype_full',
  'opcode',
  'serial_event_id',
  'pid',
  'ppid',
  'unique_pid',
  'unique_ppid',
  'process_name',
  'process_path',
  'command_line',
  'parent_process_name',
  'parent_process_path',
  'user_name',
  'user_domain',
  'user_sid',
  'md5',
  'sha1',
  'sha256',
  'exit_code',
] as const;

function own(table: Readonly<Record<string, readonly string[] | string>>, key: unknown): boolean {
  return typeof key === 'string' && Object.hasOwn(table, key);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Drops undefined entries; undefined when nothing is left, so empty objects never appear. */
function compact<T extends Record<string, unknown>>(fields: T): Partial<T> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return Object.keys(out).length > 0 ? (out as Partial<T>) : undefined;
}

function endpointOf(record: AvroRecord): AvroRecord | undefined {
  const endpoint = record['endpoint'];
  return endpoint !== null && typeof endpoint === 'object' ? (endpoint as AvroRecord) : undefined;
}

function toEcs(record: AvroRecord): EcsEvent {
  const endpoint = endpointOf(record);
  const subtype = text(record['event_subtype_full']);
  const osType = endpoint?.['os_type'];
  const isProcessEvent = record['event_type_full'] === 'process_event' || record['event_type'] === 'process';
  const hostname = text(endpoint?.['hostname']);

  const native: Record<string, unknown> = {};
  for (const field of NATIVE_COPY_FIELDS) native[field] = text(record[field]) ?? integer(record[field]);

  const doc = compact({
    '@timestamp': filetimeToIso(record['timestamp']),
    event: compact({
      kind: 'event',
      category: isProcessEvent ? ['process'] : undefined,
      type: own(EVENT_TYPE_BY_SUBTYPE, subtype) ? [...EVENT_TYPE_BY_SUBTYPE[subtype as string]!] : undefined,
      action: subtype,
      dataset: DATASET,
      module: MODULE,
    }),
    host: compact({
      id: text(endpoint?.['id']),
      name: hostname,
      hostname,
      os: compact({ type: own(HOST_OS_TYPE, osType) ? HOST_OS_TYPE[osType as string] : undefined }),
    }),
    // No process.args/args_count: Endgame ships only a command line, and how Elastic's platform
    // split it is not documented; re-splitting a Linux command line would invent argv.
    process: compact({
      name: text(record['process_name']),
      executable: text(record['process_path']),
      command_line: text(record['command_line']),
      pid: integer(record['pid']),
      hash: compact({ md5: text(record['md5']), sha1: text(record['sha1']), sha256: text(record['sha256']) }),
      parent: compact({
        pid: integer(record['ppid']),
        name: text(record['parent_process_name']),
        executable: text(record['parent_process_path']),
      }),
    }),
    user: compact({
      id: text(record['user_sid']),
      name: text(record['user_name']),
      domain: text(record['user_domain']),
    }),
    endgame: compact(native),
  });
  return doc ?? {};
}

/**
 * `serial_event_id` only numbers events within one endpoint, so the endpoint id scopes it; the
 * unique pid, when present, narrows it further in case a sensor's counter ever starts over.
 */
function eventIdentity(record: AvroRecord): string | undefined {
  const endpointId = text(endpointOf(record)?.['id']);
  const serial = integer(record['serial_event_id']);
  if (endpointId === undefined || endpointId === '' || serial === undefined) return undefined;
  const uniquePid = integer(record['unique_pid']);
  return uniquePid === undefined ? `${endpointId}|${serial}` : `${endpointId}|${serial}|${uniquePid}`;
}

/** The match fast path: the fields toEcs derives from one or two record fields, computed alone. */
const FIELD_VALUES: Readonly<Record<string, FieldValue['value']>> = {
  'event.kind': () => 'event',
  'event.dataset': () => DATASET,
  'event.module': () => MODULE,
  'event.category': (record) =>
    record['event_type_full'] === 'process_event' || record['event_type'] === 'process' ? ['process'] : undefined,
  'event.type': (record) => {
    const subtype = text(record['event_subtype_full']);
    return own(EVENT_TYPE_BY_SUBTYPE, subtype) ? [...EVENT_TYPE_BY_SUBTYPE[subtype as string]!] : undefined;
  },
  'event.action': (record) => text(record['event_subtype_full']),
  'host.os.type': (record) => {
    const osType = endpointOf(record)?.['os_type'];
    return own(HOST_OS_TYPE, osType) ? HOST_OS_TYPE[osType as string] : undefined;
  },
  'process.name': (record) => text(record['process_name']),
  'process.executable': (record) => text(record['process_path']),
  'process.command_line': (record) => text(record['command_line']),
  'process.pid': (record) => integer(record['pid']),
  'process.parent.name': (record) => text(record['parent_process_name']),
  'process.parent.executable': (record) => text(record['parent_process_path']),
  'process.parent.pid': (record) => integer(record['ppid']),
  'user.id': (record) => text(record['user_sid']),
  'user.name': (record) => text(record['user_name']),
  'user.domain': (record) => text(record['user_domain']),
};

const NATIVE_COPY_LINEAGE = Object.fromEntries(NATIVE_COPY_FIELDS.map((field) => [`endgame.${field}`, [field]]));

const LINEAGE: Readonly<Record<string, readonly string[]>> = {
  '@timestamp': ['timestamp'],
  // Constants: set on every record, read nothing.
  'event.kind': [],
  'event.dataset': [],
  'event.module': [],
  'event.category': ['event_type_full', 'event_type'],
  'event.type': ['event_subtype_full'],
  'event.action': ['event_subtype_full'],
  'host.id': ['endpoint.id'],
  'host.name': ['endpoint.hostname'],
  'host.hostname': ['endpoint.hostname'],
  'host.os.type': ['endpoint.os_type'],
  'process.name': ['process_name'],
  'process.executable': ['process_path'],
  'process.command_line': ['command_line'],
  'process.pid': ['pid'],
  'process.hash.md5': ['md5'],
  'process.hash.sha1': ['sha1'],
  'process.hash.sha256': ['sha256'],
  'process.parent.pid': ['ppid'],
  'process.parent.name': ['parent_process_name'],
  'process.parent.executable': ['parent_process_path'],
  'user.id': ['user_sid'],
  'user.name': ['user_name'],
  'user.domain': ['user_domain'],
  ...NATIVE_COPY_LINEAGE,
};

export const endgame: VendorFeed = {
  id: 'endgame',
  title: 'Elastic Endgame',
  topicVariable: 'TOPIC_ENDGAME',
  defaultTopic: 'edr.endgame',
  schemaFile: SCHEMA_FILE,
  bundledSchemaId: 1004,
  dataset: DATASET,
  module: MODULE,
  toEcs,
  toEcsFields: (fields) => subsetMapper(fields, readingLineage(LINEAGE, FIELD_VALUES), { lineage: LINEAGE }),
  eventIdentity,
  lineage: LINEAGE,
};
