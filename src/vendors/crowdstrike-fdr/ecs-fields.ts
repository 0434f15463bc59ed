// CrowdStrike's match fast path (VendorFeed.toEcsFields): the rule fields as crowdstrikeFdrToEcs sets them, from a few FDR fields and where the pipeline aborts.
import { NEEDS_WHOLE_RECORD, type FieldValue } from '../shared/field-subset.js';
import type { AvroRecord, EcsFieldsGuard, PlainText } from '../types.js';
import { classifyEvent, isModuleLoad, type EventClass } from './event-categories.js';
import { parsePid } from './ingest-values.js';
import {
  ABORTING_FIELDS,
  contextTimeStampAborts,
  longConvertAborts,
  unixDateAborts,
  uptimeAborts,
  userRenameAborts,
} from './pipeline-aborts.js';
import { processArgs, processNameOf } from './process-name.js';
import { DATASET, MODULE, OS_TYPES } from './to-ecs.js';

/*
 * Why a guard: every field toEcs sets depends on whether (and where) Elastic's pipeline aborted,
 * which the per-record times decide (ContextTimeStamp, ProcessStartTime...). Keyed by their bytes,
 * the remembered outcomes would never repeat; keyed by where the pipeline aborts (ABORT_STAGE), they
 * do. Each value below reads its own few fields plus that stage, nothing else, so two records equal
 * on those fields and on the stage map alike (property-tested against toEcs).
 */

/** Where crowdstrikeFdrToEcs stops: 0 runs through, else the first aborting processor, in pipeline order. */
const ABORT_STAGE = { none: 0, contextTimeStamp: 1, exitCode: 2, processTimes: 3, processGroupId: 4, threadId: 5, userRename: 6 } as const;

function textOf(record: AvroRecord, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

/*
 * The usual values settle it at a glance: no text, or plain decimal seconds (up to 10 digits, so a year Java
 * prints) and plain longs (up to 18 digits) convert. Anything else asks the exact predicates.
 */
const PLAIN_SECONDS = /^\d{1,10}(?:\.\d{1,9})?$/;
const PLAIN_LONG = /^-?\d{1,18}$/;

function plainSeconds(text: string | undefined): boolean {
  return text === undefined || text === '' || PLAIN_SECONDS.test(text);
}

function longAborts(text: string | undefined): boolean {
  return text !== undefined && !PLAIN_LONG.test(text) && longConvertAborts(text);
}

function abortStage(record: AvroRecord): number {
  const stamp = textOf(record, 'ContextTimeStamp');
  if (!plainSeconds(stamp) && contextTimeStampAborts(stamp)) return ABORT_STAGE.contextTimeStamp;
  if (longAborts(textOf(record, 'ExitCode'))) return ABORT_STAGE.exitCode;
  const [start, end] = [textOf(record, 'ProcessStartTime'), textOf(record, 'ProcessEndTime')];
  if (!(plainSeconds(start) && plainSeconds(end)) && (uptimeAborts(start, end) || unixDateAborts(start) || unixDateAborts(end)))
    return ABORT_STAGE.processTimes;
  if (longAborts(textOf(record, 'ProcessGroupId'))) return ABORT_STAGE.processGroupId;
  if (longAborts(textOf(record, 'ContextThreadId'))) return ABORT_STAGE.threadId;
  if (userRenameAborts(textOf(record, 'UID'), textOf(record, 'UserSid'))) return ABORT_STAGE.userRename;
  return ABORT_STAGE.none;
}

/*
 * Texts that never abort: times as plain decimal seconds (or empty), ids as plain unsigned longs;
 * a UID only aborts when empty (with a UserSid to rename onto it), and a UserSid only through that.
 */
const PLAIN_TIME: PlainText = Object.freeze({ digits: 10, fraction: 9, empty: true });
const PLAIN_ID: PlainText = Object.freeze({ digits: 18, fraction: 0 });
const PLAIN: Readonly<Record<(typeof ABORTING_FIELDS)[number], PlainText>> = {
  ContextTimeStamp: PLAIN_TIME,
  ExitCode: PLAIN_ID,
  ProcessStartTime: PLAIN_TIME,
  ProcessEndTime: PLAIN_TIME,
  ProcessGroupId: PLAIN_ID,
  ContextThreadId: PLAIN_ID,
  UID: Object.freeze({ digits: 0, fraction: 0, anyText: true }),
  UserSid: Object.freeze({ digits: 0, fraction: 0, anyText: true, empty: true }),
};

export const ABORT_GUARD: EcsFieldsGuard = Object.freeze({
  fields: Object.freeze([...ABORTING_FIELDS]),
  classify: abortStage,
  plain: Object.freeze(ABORTING_FIELDS.map((field) => PLAIN[field])),
});

/** Whether a field toEcs sets after `aborts` aborting processors is set: none aborted, or a later one did. */
function reached(stage: number, aborts: number): boolean {
  return stage === ABORT_STAGE.none || stage > aborts;
}

/** A leaf after the final cleanup, which runs only when nothing aborted ("-" and "none" stay otherwise). */
function cleaned(value: string | undefined, stage: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  return stage === ABORT_STAGE.none && (value === '-' || value === 'none') ? undefined : value;
}

function cleanedArray(values: readonly string[] | undefined, stage: number): string[] | undefined {
  if (values === undefined) return undefined;
  const kept = values.filter((value) => cleaned(value, stage) !== undefined);
  return kept.length > 0 ? kept : undefined;
}

/** classifyEvent per event name: the last one, then a bounded table (names come from the data). */
const classes = new Map<string, EventClass>();
let lastName: string | undefined;
let lastClass: EventClass = {};
function classOf(record: AvroRecord): EventClass {
  const name = textOf(record, 'event_simpleName');
  if (name === undefined) return {};
  if (name === lastName) return lastClass;
  let found = classes.get(name);
  if (!found) {
    if (classes.size >= 1024) classes.clear();
    found = classifyEvent(name);
    classes.set(name, found);
  }
  lastName = name;
  return (lastClass = found);
}

function osTypeOf(record: AvroRecord): string | undefined {
  return OS_TYPES.get(textOf(record, 'event_platform') ?? '');
}

/** process.executable before the cleanup: the image path, unless the event loads a library or driver. */
function imageOf(record: AvroRecord): string | undefined {
  return isModuleLoad(classOf(record)) ? undefined : textOf(record, 'ImageFileName');
}

function argsOf(record: AvroRecord): string[] | undefined {
  return processArgs(textOf(record, 'CommandLine'), osTypeOf(record));
}

const SIMPLE_NAME = ['event_simpleName'];
const IMAGE = ['ImageFileName', 'event_simpleName'];
const ARGV_FIELDS = ['CommandLine', 'event_platform'];

/** A field toEcs sets after `aborts` aborting processors, from `value` before the cleanup. */
function after(aborts: number, reads: readonly string[], value: (record: AvroRecord, stage: number) => unknown): FieldValue {
  return { reads, value: (record, stage) => (reached(stage, aborts) ? value(record, stage) : undefined) };
}
const HEADER = ABORT_STAGE.contextTimeStamp;

export const FIELD_VALUES: Readonly<Record<string, FieldValue>> = {
  'event.category': after(HEADER, SIMPLE_NAME, (record) => (classOf(record).category ? [...classOf(record).category!] : undefined)),
  'event.type': after(HEADER, SIMPLE_NAME, (record) => (classOf(record).type ? [...classOf(record).type!] : undefined)),
  'event.outcome': after(HEADER, SIMPLE_NAME, (record) => classOf(record).outcome),
  'event.action': after(HEADER, SIMPLE_NAME, (record, stage) => cleaned(textOf(record, 'event_simpleName'), stage)),
  'event.dataset': { reads: [], value: () => DATASET },
  'event.module': { reads: [], value: () => MODULE },
  'host.os.type': after(HEADER, ['event_platform'], osTypeOf),
  'process.command_line': after(HEADER, ['CommandLine'], (record, stage) => cleaned(textOf(record, 'CommandLine'), stage)),
  'process.args': after(HEADER, ARGV_FIELDS, (record, stage) => cleanedArray(argsOf(record), stage)),
  'process.args_count': after(HEADER, ARGV_FIELDS, (record) => argsOf(record)?.length),
  'process.executable': after(HEADER, IMAGE, (record, stage) => cleaned(imageOf(record), stage)),
  'process.name': after(HEADER, IMAGE, (record, stage) => {
    const executable = imageOf(record);
    if (!executable) return undefined;
    // runc's image "/" takes its name from argv[0]: the command line is read only then.
    if (executable === '/' && !ARGV_FIELDS.every((name) => Object.hasOwn(record, name))) return NEEDS_WHOLE_RECORD;
    return cleaned(
      processNameOf(executable, () => argsOf(record)),
      stage,
    );
  }),
  'process.pid': after(ABORT_STAGE.processTimes, ['RawProcessId'], (record) => parsePid(textOf(record, 'RawProcessId'))),
  'process.parent.name': after(ABORT_STAGE.processTimes, ['ParentBaseFileName'], (record, stage) =>
    cleaned(textOf(record, 'ParentBaseFileName'), stage),
  ),
  'user.id': {
    reads: ['UID', 'UserSid'],
    value: (record, stage) => {
      const uid = textOf(record, 'UID');
      if (uid !== undefined) return reached(stage, ABORT_STAGE.threadId) ? cleaned(uid, stage) : undefined;
      // Without a UID, UserSid is renamed onto it after the last aborting processor.
      return stage === ABORT_STAGE.none ? cleaned(textOf(record, 'UserSid'), stage) : undefined;
    },
  },
  'user.group.id': after(ABORT_STAGE.threadId, ['GID'], (record, stage) => cleaned(textOf(record, 'GID'), stage)),
  'user.name': after(ABORT_STAGE.userRename, ['UserName'], (record, stage) => cleaned(textOf(record, 'UserName'), stage)),
};
