// CrowdStrike's match fast path (VendorFeed.toEcsFields): the rule fields as crowdstrikeFdrToEcs sets them, from a few FDR fields.
import { NEEDS_WHOLE_RECORD, type FieldValue } from '../shared/field-subset.js';
import type { AvroRecord } from '../types.js';
import { classifyEvent, isModuleLoad, type EventClass } from './event-categories.js';
import { ABORTING_FIELDS, contextTimeStampAborts, pipelineAborts } from './pipeline-aborts.js';
import { processArgs, processNameOf } from './process-name.js';
import { DATASET, MODULE, OS_TYPES } from './to-ecs.js';

/*
 * The match fast path (VendorFeed.toEcsFields): each field as crowdstrikeFdrToEcs leaves it, computed
 * alone from the few fields it needs in the common case. Every one of them also reads
 * ContextTimeStamp, whose failed conversion leaves them all unset. The lineage is wider because of
 * two rare cases: "-" and "none" (whether the cleanup drops them depends on whether the pipeline aborted,
 * which ContextTimeStamp, the process times, the group and thread ids and the user fields decide), and an image path of "/" (runc, whose
 * name comes from the command line). For those the record must hold the extra fields; a record
 * projected without them gets NEEDS_WHOLE_RECORD, and the pipeline maps its whole lineage instead.
 */

function textOf(record: AvroRecord, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

function holds(record: AvroRecord, names: readonly string[]): boolean {
  return names.every((name) => Object.hasOwn(record, name));
}

/** One leaf after the final cleanup. */
function cleanedText(value: string | undefined, record: AvroRecord): string | undefined | typeof NEEDS_WHOLE_RECORD {
  if (value === undefined || value === '') return undefined;
  if (value !== '-' && value !== 'none') return value;
  if (!holds(record, ABORTING_FIELDS)) return NEEDS_WHOLE_RECORD;
  return pipelineAborts((name) => textOf(record, name)) ? value : undefined;
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

/** contextTimeStampAborts of the record's ContextTimeStamp, remembered for the last text (each field asks). */
let lastStamp: string | undefined;
let lastStampAborts = contextTimeStampAborts(undefined);
function abortsEarly(record: AvroRecord): boolean {
  const stamp = textOf(record, 'ContextTimeStamp');
  if (stamp !== lastStamp) {
    lastStamp = stamp;
    lastStampAborts = contextTimeStampAborts(stamp);
  }
  return lastStampAborts;
}

function osTypeOf(record: AvroRecord): string | undefined {
  return OS_TYPES.get(textOf(record, 'event_platform') ?? '');
}

/** process.executable before the cleanup: the image path, unless the event loads a library or driver. */
function imageOf(record: AvroRecord): string | undefined {
  return isModuleLoad(classOf(record)) ? undefined : textOf(record, 'ImageFileName');
}

const EARLY = 'ContextTimeStamp';
const SIMPLE_NAME = ['event_simpleName', EARLY];
const IMAGE = ['ImageFileName', 'event_simpleName', EARLY];
const ARGV_FIELDS = ['CommandLine', 'event_platform'];

/** A value function that gives undefined when the pipeline aborted before setting anything. */
function unlessEarlyAbort(value: FieldValue['value']): FieldValue['value'] {
  return (record) => (abortsEarly(record) ? undefined : value(record));
}

export const FIELD_VALUES: Readonly<Record<string, FieldValue>> = {
  'event.category': { reads: SIMPLE_NAME, value: unlessEarlyAbort((record) => (classOf(record).category ? [...classOf(record).category!] : undefined)) },
  'event.type': { reads: SIMPLE_NAME, value: unlessEarlyAbort((record) => (classOf(record).type ? [...classOf(record).type!] : undefined)) },
  'event.outcome': { reads: SIMPLE_NAME, value: unlessEarlyAbort((record) => classOf(record).outcome) },
  'event.action': { reads: SIMPLE_NAME, value: unlessEarlyAbort((record) => cleanedText(textOf(record, 'event_simpleName'), record)) },
  'event.dataset': { reads: [], value: () => DATASET },
  'event.module': { reads: [], value: () => MODULE },
  'host.os.type': { reads: ['event_platform', EARLY], value: unlessEarlyAbort(osTypeOf) },
  'process.executable': { reads: IMAGE, value: unlessEarlyAbort((record) => cleanedText(imageOf(record), record)) },
  'process.name': {
    reads: IMAGE,
    value: unlessEarlyAbort((record) => {
      const executable = imageOf(record);
      if (!executable) return undefined;
      if (executable === '/' && !holds(record, ARGV_FIELDS)) return NEEDS_WHOLE_RECORD;
      return cleanedText(processNameOf(executable, () => processArgs(textOf(record, 'CommandLine'), osTypeOf(record))), record);
    }),
  },
};
