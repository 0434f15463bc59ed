// Maps one FDR event to ECS the way Elastic's crowdstrike `fdr` ingest pipeline does, processor order included.
import { isIP } from 'node:net';
import type { EcsEvent } from '../../ecs/event.js';
import { splitWindowsCommandLine } from '../shared/command-line.js';
import { isNullOrEmpty, pruned, put, stringAt, valueAt, type Draft } from '../shared/ecs-draft.js';
import {
  iso8601ToMillis,
  isoFromEpochMillis,
  parseJavaDouble,
  parseJavaLong,
  unixMillisToMillis,
  unixSecondsToMillis,
} from '../shared/ingest-date.js';
import type { AvroRecord } from '../types.js';
import { classifyEvent } from './event-categories.js';

export const DATASET = 'crowdstrike.fdr';
export const MODULE = 'crowdstrike';

export const OS_TYPES: ReadonlyMap<string, string> = new Map([
  ['Lin', 'linux'],
  ['Mac', 'macos'],
  ['Win', 'windows'],
  ['iOS', 'ios'],
]);

const HASHES = [
  ['MD5HashData', 'md5'],
  ['SHA1HashData', 'sha1'],
  ['SHA256HashData', 'sha256'],
] as const;

/*
 * Where Elastic's pipeline throws (a processor without ignore_failure meets a value it cannot
 * convert), its on_failure handler marks the document `event.kind: pipeline_error` and indexes it
 * as it stands: later processors, the final "remove nulls, '-' and 'none'" cleanup among them,
 * never run. Mapping steps throw this to stop at the same point.
 */
class PipelineAbort {}
const ABORT = new PipelineAbort();

/** The FDR fields whose values can abort Elastic's pipeline part-way (see PipelineAbort). */
export const ABORTING_FIELDS = ['ProcessStartTime', 'ProcessEndTime', 'ProcessGroupId', 'UID', 'UserSid'] as const;

export type Field = (name: string) => string | undefined;

/** Elastic's `notNullEmpytOrNone` guard on date processors. */
function hasDate(value: string | undefined): value is string {
  return value !== undefined && value !== '' && value !== 'none';
}

/** event.created: the first of UTCTimestamp (seconds below 1e10, else ms) and timestamp (ms) that parses. */
function eventCreated(field: Field): string | undefined {
  const utc = field('UTCTimestamp');
  const utcLong = utc === undefined ? undefined : parseFlexibleLong(utc);
  const candidates: (number | undefined)[] = [
    utcLong !== undefined && utcLong < 10_000_000_000n ? unixSecondsToMillis(utcLong.toString()) : undefined,
  ];
  for (const text of [utc, field('timestamp')]) {
    if (hasDate(text)) candidates.push(unixMillisToMillis(text) ?? iso8601ToMillis(text));
  }
  const ms = candidates.find((candidate) => candidate !== undefined);
  // A parsed instant Java could print but JS cannot is left out; Elastic would fall back no further.
  return ms === undefined ? undefined : isoFromEpochMillis(ms);
}

/** The ingest `convert` to long: decimal or 0x-hex text within the signed 64-bit range. */
function parseFlexibleLong(text: string): bigint | undefined {
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(text);
  if (!hex) return parseJavaLong(text);
  const value = BigInt(`0x${hex[2]}`) * (hex[1] === '-' ? -1n : 1n);
  return value >= -(2n ** 63n) && value < 2n ** 63n ? value : undefined;
}

/** `Long.parseUnsignedLong` stored in a signed long (ids past 2^63 wrap negative); undefined if unparsable or imprecise. */
function parsePid(text: string | undefined): number | undefined {
  if (text === undefined || !/^\+?\d+$/.test(text)) return undefined;
  const unsigned = BigInt(text);
  if (unsigned >= 2n ** 64n) return undefined;
  const signed = unsigned >= 2n ** 63n ? unsigned - 2n ** 64n : unsigned;
  const pid = Number(signed);
  return Number.isSafeInteger(pid) ? pid : undefined;
}

/** Java's `String#split("\\s+")`: ASCII whitespace only, trailing empty strings removed. */
function splitOnWhitespace(text: string): string[] {
  const parts = text.split(/[ \t\n\x0B\f\r]+/);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The text after the last `token`, as Painless `splitOnToken(token)[-1]` gives it. */
function afterLast(text: string, token: string): string {
  return text.slice(text.lastIndexOf(token) + 1);
}

function processName(executable: string): string {
  if (executable.startsWith('\\')) return afterLast(executable, '\\');
  if (executable.startsWith('/')) return afterLast(executable, '/');
  return executable;
}

/** Elastic splits only when it knew the OS, and skips empty arguments before counting. */
export function processArgs(commandLine: string | undefined, osType: string | undefined): string[] | undefined {
  return commandLine && osType !== undefined ? splitWindowsCommandLine(commandLine).filter((arg) => arg !== '') : undefined;
}

/** process.name of a non-empty image path; `args` is asked for only in the rare case that needs it. */
export function processNameOf(executable: string, args: () => string[] | undefined): string {
  const name = processName(executable);
  if (executable !== '/' || name !== '') return name;
  // runc re-executing itself in a container reports "/" as its image; the name comes from argv[0].
  const argv = args();
  return argv && argv.length > 0 ? afterLast(argv[0] as string, '/') : name;
}

// The processors that can abort the pipeline, as predicates, shared by the mapping and its match fast path.

/** The uptime script parses both times with Float.parseFloat, unguarded. */
function uptimeAborts(start: string | undefined, end: string | undefined): boolean {
  return Boolean(start && end && (parseJavaDouble(start) === undefined || parseJavaDouble(end) === undefined));
}

/** The date processor on a process time that is set but not UNIX seconds. */
function processTimeAborts(text: string | undefined): boolean {
  return hasDate(text) && unixSecondsToMillis(text) === undefined;
}

function groupIdAborts(groupId: string | undefined): boolean {
  return groupId !== undefined && parseFlexibleLong(groupId) === undefined;
}

/** Renaming UserSid onto a UID that is there but empty throws (a rename onto an existing field). */
function userRenameAborts(uid: string | undefined, userSid: string | undefined): boolean {
  return uid === '' && userSid !== undefined;
}

/** Whether Elastic's pipeline aborts on this event (which only changes the final cleanup, see PipelineAbort). */
export function pipelineAborts(field: Field): boolean {
  const [start, end] = [field('ProcessStartTime'), field('ProcessEndTime')];
  return (
    uptimeAborts(start, end) ||
    processTimeAborts(start) ||
    processTimeAborts(end) ||
    groupIdAborts(field('ProcessGroupId')) ||
    userRenameAborts(field('UID'), field('UserSid'))
  );
}

function mapHeader(field: Field, doc: Draft): void {
  const created = eventCreated(field);
  put(doc, 'event.created', created);
  put(doc, '@timestamp', created);

  const simpleName = field('event_simpleName');
  const { category, type, kind, outcome } = classifyEvent(simpleName);
  put(doc, 'event.category', category);
  put(doc, 'event.type', type);
  put(doc, 'event.kind', kind);
  put(doc, 'event.outcome', outcome);

  const [id, aid, cid] = [field('id'), field('aid'), field('cid')];
  if (id !== undefined || aid !== undefined || cid !== undefined) put(doc, 'event.id', `${id ?? ''}|${aid ?? ''}|${cid ?? ''}`);
  if (simpleName) put(doc, 'event.action', simpleName);

  if (aid) put(doc, 'observer.serial_number', aid);
  const aip = field('aip');
  if (aip !== undefined) {
    const addresses = splitOnWhitespace(aip);
    // One address Elastic's `ip` convert rejects removes them all.
    if (addresses.every((address) => isIP(address) !== 0)) {
      put(doc, 'observer.ip', addresses);
      put(doc, 'observer.address', [...addresses]);
    }
  }
  put(doc, 'observer.version', field('ConfigBuild'));

  put(doc, 'host.id', aid);
  const computerName = field('ComputerName');
  put(doc, 'host.hostname', computerName);
  if (computerName) put(doc, 'host.name', computerName);
  put(doc, 'host.os.type', OS_TYPES.get(field('event_platform') ?? ''));
}

function mapProcess(field: Field, doc: Draft): void {
  const commandLine = field('CommandLine');
  put(doc, 'process.command_line', commandLine);
  const args = processArgs(commandLine, valueAt(doc, 'host.os.type') as string | undefined);
  if (args) {
    put(doc, 'process.args', args);
    put(doc, 'process.args_count', args.length);
  }

  const executable = field('ImageFileName');
  put(doc, 'process.executable', executable);
  if (executable) put(doc, 'process.name', processNameOf(executable, () => args));

  const [start, end] = [field('ProcessStartTime'), field('ProcessEndTime')];
  if (uptimeAborts(start, end)) throw ABORT;
  for (const [text, target] of [
    [start, 'process.start'],
    [end, 'process.end'],
  ] as const) {
    if (hasDate(text)) {
      if (processTimeAborts(text)) throw ABORT;
      put(doc, target, isoFromEpochMillis(unixSecondsToMillis(text)!));
    } else if (text !== '') {
      put(doc, target, text);
    }
  }

  put(doc, 'process.pid', parsePid(field('RawProcessId')));
  put(doc, 'process.entity_id', field('TargetProcessId'));
  put(doc, 'process.parent.entity_id', field('ParentProcessId'));
  put(doc, 'process.parent.name', field('ParentBaseFileName'));
  if (groupIdAborts(field('ProcessGroupId'))) throw ABORT;

  const action = field('event_simpleName') ?? '';
  const hashes: Draft = {};
  for (const [source, target] of HASHES) {
    const hash = field(source);
    if (hash !== undefined && !/^0*$/.test(hash)) hashes[target] = hash;
  }
  if ((action.includes('Process') || action.includes('Service')) && Object.keys(hashes).length > 0) put(doc, 'process.hash', hashes);

  const linux = valueAt(doc, 'host.os.type') === 'linux';
  const ruid = field('RUID');
  if (ruid) put(doc, 'process.real_user.id', ruid);
  if (ruid) put(doc, 'user.Ext.real.id', ruid);
  const rgid = linux ? field('RGID') : undefined;
  if (rgid) put(doc, 'process.real_group.id', rgid);
  if (rgid) put(doc, 'group.Ext.real.id', rgid);
  const gid = linux ? field('GID') : undefined;
  if (gid) put(doc, 'process.group.id', gid);
  if (gid) put(doc, 'group.id', gid);
}

function mapUser(field: Field, doc: Draft): void {
  const uid = field('UID');
  put(doc, 'user.id', uid);
  put(doc, 'user.group.id', field('GID'));
  const userSid = field('UserSid');
  if (userRenameAborts(uid, userSid)) throw ABORT;
  if (uid === undefined && userSid !== undefined) put(doc, 'user.id', userSid);
  put(doc, 'user.name', field('UserName'));
  const serial = valueAt(doc, 'observer.serial_number');
  if (serial) put(doc, 'device.id', serial);
}

/** Elastic's final fdr cleanup: nulls, empty strings, "-" and "none" go, then empty objects and arrays. */
function isDroppedByCleanup(leaf: unknown): boolean {
  return leaf === null || leaf === '' || leaf === '-' || leaf === 'none';
}

export function crowdstrikeFdrToEcs(record: AvroRecord): EcsEvent {
  const field: Field = (name) => stringAt(record, name);
  const draft: Draft = {};
  let aborted = false;
  try {
    mapHeader(field, draft);
    mapProcess(field, draft);
    mapUser(field, draft);
  } catch (error) {
    if (error !== ABORT) throw error;
    aborted = true;
  }
  // After an abort Elastic keeps "-" and "none"; empties still go, as our ECS contract has none.
  const doc = (pruned(draft, aborted ? isNullOrEmpty : isDroppedByCleanup) ?? {}) as Draft;
  if (aborted) put(doc, 'event.kind', 'pipeline_error');
  put(doc, 'event.dataset', DATASET);
  put(doc, 'event.module', MODULE);
  return doc as EcsEvent;
}
