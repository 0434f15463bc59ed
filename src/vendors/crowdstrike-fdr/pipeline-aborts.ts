// Where Elastic's fdr pipeline throws on an FDR event, as predicates shared by the mapping and its match fast path.
import { parseJavaDouble, parseJavaLong, unixSecondsToMillis } from '../shared/ingest-date.js';
import { convertToLong } from './ingest-values.js';

/*
 * A processor without ignore_failure that meets a value it cannot convert throws; the pipeline's
 * on_failure handler then marks the document `event.kind: pipeline_error` and indexes it as it
 * stands: later processors, the final "remove nulls, '-' and 'none'" cleanup among them, never run.
 * The ContextTimeStamp conversion runs before categorization, so its failure leaves a document with
 * little more than its time; the others run in the middle of the process fields (see to-ecs.ts).
 */

export type Field = (name: string) => string | undefined;

/** The FDR fields whose values can abort Elastic's pipeline part-way. */
export const ABORTING_FIELDS = [
  'ContextTimeStamp',
  'ExitCode',
  'ProcessStartTime',
  'ProcessEndTime',
  'ProcessGroupId',
  'ContextThreadId',
  'UID',
  'UserSid',
] as const;

/** Elastic's `notNullEmpytOrNone` guard on date processors. */
export function hasDate(value: string | undefined): value is string {
  return value !== undefined && value !== '' && value !== 'none';
}

/** The date processor on a time that is set but not UNIX seconds. */
export function unixDateAborts(text: string | undefined): boolean {
  return hasDate(text) && unixSecondsToMillis(text) === undefined;
}

/**
 * ContextTimeStamp: a script reads text without a `.` with `Long.parseLong` (Windows NT times are
 * whole numbers; "none" throws here too), then a date processor reads the value as UNIX seconds.
 */
export function contextTimeStampAborts(text: string | undefined): boolean {
  if (text === undefined || text === '') return false;
  if (!text.includes('.')) return parseJavaLong(text) === undefined;
  return unixDateAborts(text);
}

/** The uptime script parses both times with Float.parseFloat, unguarded. */
export function uptimeAborts(start: string | undefined, end: string | undefined): boolean {
  return Boolean(start && end && (parseJavaDouble(start) === undefined || parseJavaDouble(end) === undefined));
}

/** A `convert` to long of a field that is present (empty text included). */
export function longConvertAborts(text: string | undefined): boolean {
  return text !== undefined && convertToLong(text) === undefined;
}

/** Renaming UserSid onto a UID that is there but empty throws (a rename onto an existing field). */
export function userRenameAborts(uid: string | undefined, userSid: string | undefined): boolean {
  return uid === '' && userSid !== undefined;
}
