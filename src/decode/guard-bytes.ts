// Guard fields of a scanned record read from their bytes: their values for a verdict, or at a glance that they are plain.
import type avro from 'avsc';
import type { AvroRecord, PlainText } from '../vendors/types.js';
import type { ProjectionScan } from './projection-scan.js';

/**
 * Fields that matter to a derived outcome only through a predicate (e.g. "this time aborts
 * Elastic's pipeline"): top-level fields, kept in the projection, and `classify` of their values
 * (0-255) joins the remembered outcome's key in place of their bytes.
 */
export interface Guard {
  readonly fields: readonly string[];
  classify(record: AvroRecord): number;
  /** Per field, texts for which (all fields absent or such) `classify` gives 0: see EcsFieldsGuard. */
  readonly plain?: readonly PlainText[];
}

/** The guard fields of the record the scan just ran over, read from their bytes (the writer's types equal the reader's). */
export function guardRecord(
  guard: Guard,
  readers: readonly ((buf: Buffer, start: number) => unknown)[],
  bytes: Buffer,
  scan: ProjectionScan,
): AvroRecord {
  const record: AvroRecord = {};
  const spans = scan.guardSpans;
  for (let i = 0; i < readers.length; i++) record[guard.fields[i]!] = readers[i]!(bytes, spans[2 * i]!);
  return record;
}

/**
 * Reads one guard value from its located bytes. Text fields (a string, or a union of null and
 * string, the usual shape of a vendor's optional text) are read straight from the buffer, the rest
 * through avsc; a guard runs on every record, remembered or not.
 */
export function guardReader(type: avro.Type): (buf: Buffer, start: number) => unknown {
  const text = textAt(type);
  if (text === undefined) return (buf, start) => type.decode(buf, start).value as unknown;
  return (buf, start) => {
    const at = text(buf, start);
    return at === undefined ? null : buf.toString('utf8', at.start, at.end);
  };
}

/** For a string or a null/string union: where the text of a located value lies (undefined for null). */
function textAt(type: avro.Type): ((buf: Buffer, start: number) => { start: number; end: number } | undefined) | undefined {
  const branches =
    type.typeName === 'union:unwrapped' ? (type as avro.types.UnwrappedUnionType).types.map((branch) => branch.typeName) : undefined;
  const textBranch =
    branches?.length === 2 && branches.includes('null') && branches.includes('string') ? branches.indexOf('string') : undefined;
  if (type.typeName !== 'string' && textBranch === undefined) return undefined;
  const at = { start: 0, end: 0 };
  return (buf, start) => {
    let pos = start;
    // The scan checked these bytes; a branch index is a one-byte zig-zag varint, 0 or 2 (1 decoded).
    if (textBranch !== undefined && buf[pos++]! >>> 1 !== textBranch) return undefined;
    let length = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = buf[pos++]!;
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    at.start = pos;
    at.end = pos + (length % 2 === 0 ? length / 2 : -(length + 1) / 2);
    return at;
  };
}

/** Whether each guard text is absent or plain (EcsFieldsGuard.plain), read on the bytes; undefined when a guard is not text. */
export function plainGuards(
  types: readonly avro.Type[],
  plain: readonly PlainText[],
): ((buf: Buffer, spans: Int32Array) => boolean) | undefined {
  const texts = types.map(textAt);
  if (texts.some((text) => text === undefined) || plain.length !== types.length) return undefined;
  return (buf, spans) => {
    for (let i = 0; i < texts.length; i++) {
      const at = texts[i]!(buf, spans[2 * i]!);
      if (at !== undefined && !isPlain(buf, at.start, at.end, plain[i]!)) return false;
    }
    return true;
  };
}

function isPlain(buf: Buffer, start: number, end: number, plain: PlainText): boolean {
  if (start === end) return plain.empty === true;
  if (plain.anyText === true) return true;
  let pos = start;
  while (pos < end && buf[pos]! >= 0x30 && buf[pos]! <= 0x39) pos++;
  const digits = pos - start;
  if (digits === 0 || digits > plain.digits) return false;
  if (pos === end) return true;
  if (plain.fraction === 0 || buf[pos] !== 0x2e) return false;
  const dot = ++pos;
  while (pos < end && buf[pos]! >= 0x30 && buf[pos]! <= 0x39) pos++;
  return pos === end && pos > dot && pos - dot <= plain.fraction;
}
