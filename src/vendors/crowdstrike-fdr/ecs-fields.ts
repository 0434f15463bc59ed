// CrowdStrike's match fast path (VendorFeed.toEcsFields): the rule fields as crowdstrikeFdrToEcs sets them, from three FDR fields.
import { NEEDS_WHOLE_RECORD, type FieldValue } from '../shared/field-subset.js';
import type { AvroRecord } from '../types.js';
import { classifyEvent, type EventClass } from './event-categories.js';
import { ABORTING_FIELDS, DATASET, MODULE, OS_TYPES, pipelineAborts, processArgs, processNameOf } from './to-ecs.js';

/*
 * The match fast path (VendorFeed.toEcsFields): each field as crowdstrikeFdrToEcs leaves it, computed
 * alone from the few fields it needs in the common case. The lineage is wider because of two rare
 * cases: "-" and "none" (whether the cleanup drops them depends on whether the pipeline aborted,
 * which the process times, group id and user fields decide), and an image path of "/" (runc, whose
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

function osTypeOf(record: AvroRecord): string | undefined {
  return OS_TYPES.get(textOf(record, 'event_platform') ?? '');
}

const SIMPLE_NAME = ['event_simpleName'];
const ARGV_FIELDS = ['CommandLine', 'event_platform'];

export const FIELD_VALUES: Readonly<Record<string, FieldValue>> = {
  'event.category': { reads: SIMPLE_NAME, value: (record) => (classOf(record).category ? [...classOf(record).category!] : undefined) },
  'event.type': { reads: SIMPLE_NAME, value: (record) => (classOf(record).type ? [...classOf(record).type!] : undefined) },
  'event.outcome': { reads: SIMPLE_NAME, value: (record) => classOf(record).outcome },
  'event.action': { reads: SIMPLE_NAME, value: (record) => cleanedText(textOf(record, 'event_simpleName'), record) },
  'event.dataset': { reads: [], value: () => DATASET },
  'event.module': { reads: [], value: () => MODULE },
  'host.os.type': { reads: ['event_platform'], value: osTypeOf },
  'process.executable': { reads: ['ImageFileName'], value: (record) => cleanedText(textOf(record, 'ImageFileName'), record) },
  'process.name': {
    reads: ['ImageFileName'],
    value: (record) => {
      const executable = textOf(record, 'ImageFileName');
      if (!executable) return undefined;
      if (executable === '/' && !holds(record, ARGV_FIELDS)) return NEEDS_WHOLE_RECORD;
      return cleanedText(processNameOf(executable, () => processArgs(textOf(record, 'CommandLine'), osTypeOf(record))), record);
    },
  },
};
