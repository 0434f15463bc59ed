// FDR text values converted the way Elastic's fdr pipeline converts them: ingest `convert` to long, Painless pid and uptime scripts.
import { javaLongCast, parseJavaDouble, parseJavaLong } from '../shared/ingest-date.js';

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * The ingest `convert` processor to long: `Long.decode` when the text starts with `0x` or `-0x`
 * (hexadecimal), else `Long.parseLong`; undefined where Elasticsearch fails.
 */
export function convertToLong(text: string): bigint | undefined {
  const hex = /^(-?)0x([0-9a-fA-F]+)$/.exec(text);
  if (!hex) return parseJavaLong(text);
  const value = BigInt(`0x${hex[2]}`) * (hex[1] === '-' ? -1n : 1n);
  return value >= LONG_MIN && value <= LONG_MAX ? value : undefined;
}

/**
 * A long as our JSON document carries it: a number when exact, else its decimal text (Falcon ids
 * such as a process group id pass 2^53; Elasticsearch indexes the text into a long field exactly).
 */
export function longValue(value: bigint): number | string {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value.toString();
}

/** `Long.parseUnsignedLong` stored in a signed long (ids past 2^63 wrap negative); undefined if unparsable or imprecise. */
export function parsePid(text: string | undefined): number | undefined {
  if (text === undefined || !/^\+?\d+$/.test(text)) return undefined;
  const unsigned = BigInt(text);
  if (unsigned >= 2n ** 64n) return undefined;
  const signed = unsigned >= 2n ** 63n ? unsigned - 2n ** 64n : unsigned;
  const pid = Number(signed);
  return Number.isSafeInteger(pid) ? pid : undefined;
}

/**
 * Elastic's `process.uptime` script: both times read with `Float.parseFloat` and, when the end is
 * not before the start, `(long) ((end - start) / 1000L)` in 32-bit float arithmetic (at epoch
 * seconds a float is only exact to 128 s, which is what Elastic stores). Undefined when the script
 * sets nothing; the caller has already ruled out the texts that make it throw.
 */
export function processUptime(start: string, end: string): number | undefined {
  const [s, e] = [Math.fround(parseJavaDouble(start)!), Math.fround(parseJavaDouble(end)!)];
  if (!(e >= s)) return undefined;
  return javaLongCast(Math.fround(Math.fround(e - s) / 1000));
}
