// Maps one FDR event to ECS the way Elastic's crowdstrike `fdr` ingest pipeline does, processor order included.
import { isIP } from 'node:net';
import type { EcsEvent } from '../../ecs/event.js';
import { isNullOrEmpty, pruned, put, stringAt, valueAt, type Draft } from '../shared/ecs-draft.js';
import { iso8601ToMillis, isoFromEpochMillis, unixMillisToMillis, unixSecondsToMillis } from '../shared/ingest-date.js';
import type { AvroRecord } from '../types.js';
import { classifyEvent, isModuleLoad, isProcessEvent, type EventClass } from './event-categories.js';
import { convertToLong, longValue, parsePid, processUptime } from './ingest-values.js';
import {
  contextTimeStampAborts,
  hasDate,
  longConvertAborts,
  unixDateAborts,
  uptimeAborts,
  userRenameAborts,
  type Field,
} from './pipeline-aborts.js';
import { processArgs, processNameOf } from './process-name.js';

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

/** Thrown by a mapping step where Elastic's pipeline would throw (see pipeline-aborts.ts). */
class PipelineAbort {}
const ABORT = new PipelineAbort();

/** event.created: the first of UTCTimestamp (seconds below 1e10, else ms) and timestamp (ms) that parses. */
function eventCreated(field: Field): string | undefined {
  const utc = field('UTCTimestamp');
  const utcLong = utc === undefined ? undefined : convertToLong(utc);
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

/** Java's `String#split("\\s+")`: ASCII whitespace only, trailing empty strings removed. */
function splitOnWhitespace(text: string): string[] {
  // oxlint-disable-next-line no-control-regex -- \x0B (vertical tab) is whitespace to Elastic's pipeline split.
  const parts = text.split(/[ \t\n\x0B\f\r]+/);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function mapHeader(field: Field, doc: Draft): EventClass {
  const created = eventCreated(field);
  put(doc, 'event.created', created);
  put(doc, '@timestamp', created);
  // Converted before anything is categorized: a failure here leaves the document bare.
  if (contextTimeStampAborts(field('ContextTimeStamp'))) throw ABORT;

  const simpleName = field('event_simpleName');
  const eventClass = classifyEvent(simpleName);
  put(doc, 'event.category', eventClass.category);
  put(doc, 'event.type', eventClass.type);
  put(doc, 'event.kind', eventClass.kind);
  put(doc, 'event.outcome', eventClass.outcome);

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
  return eventClass;
}

function mapProcessTimes(field: Field, doc: Draft): void {
  const [start, end] = [field('ProcessStartTime'), field('ProcessEndTime')];
  if (uptimeAborts(start, end)) throw ABORT;
  if (start && end) put(doc, 'process.uptime', processUptime(start, end));
  for (const [text, target] of [
    [start, 'process.start'],
    [end, 'process.end'],
  ] as const) {
    if (hasDate(text)) {
      if (unixDateAborts(text)) throw ABORT;
      put(doc, target, isoFromEpochMillis(unixSecondsToMillis(text)!));
    } else if (text !== '') {
      put(doc, target, text);
    }
  }
}

function mapProcess(field: Field, doc: Draft, eventClass: EventClass): void {
  const commandLine = field('CommandLine');
  put(doc, 'process.command_line', commandLine);
  const args = processArgs(commandLine, valueAt(doc, 'host.os.type') as string | undefined);
  if (args) {
    put(doc, 'process.args', args);
    put(doc, 'process.args_count', args.length);
  }

  // The image of a library or driver load is the module's, not the process's.
  const executable = isModuleLoad(eventClass) ? undefined : field('ImageFileName');
  put(doc, 'process.executable', executable);
  if (executable)
    put(
      doc,
      'process.name',
      processNameOf(executable, () => args),
    );
  const exitCode = field('ExitCode');
  if (longConvertAborts(exitCode)) throw ABORT;
  if (exitCode !== undefined) put(doc, 'process.exit_code', longValue(convertToLong(exitCode)!));

  mapProcessTimes(field, doc);
  put(doc, 'process.pid', parsePid(field('RawProcessId')));
  put(doc, 'process.entity_id', field('TargetProcessId'));
  put(doc, 'process.parent.entity_id', field('ParentProcessId'));
  put(doc, 'process.parent.name', field('ParentBaseFileName'));

  const groupId = field('ProcessGroupId');
  if (longConvertAborts(groupId)) throw ABORT;
  const pgid = groupId === undefined ? undefined : convertToLong(groupId)!;
  if (pgid !== undefined) put(doc, 'process.pgid', longValue(pgid));
  const contextProcessId = field('ContextProcessId');
  if (valueAt(doc, 'process.entity_id') === undefined && contextProcessId) put(doc, 'process.entity_id', contextProcessId);
  const threadId = field('ContextThreadId');
  if (longConvertAborts(threadId)) throw ABORT;
  if (threadId !== undefined) put(doc, 'process.thread.id', longValue(convertToLong(threadId)!));
  put(doc, 'process.title', field('ServiceDisplayName'));

  const action = field('event_simpleName') ?? '';
  const hashes: Draft = {};
  for (const [source, target] of HASHES) {
    const hash = field(source);
    if (hash !== undefined && !/^0*$/.test(hash)) hashes[target] = hash;
  }
  if ((action.includes('Process') || action.includes('Service')) && Object.keys(hashes).length > 0) put(doc, 'process.hash', hashes);

  const linux = valueAt(doc, 'host.os.type') === 'linux';
  if (pgid !== undefined && linux && isProcessEvent(eventClass)) put(doc, 'process.group_leader.entity_id', pgid.toString());
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
    const eventClass = mapHeader(field, draft);
    mapProcess(field, draft, eventClass);
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
  return doc;
}
