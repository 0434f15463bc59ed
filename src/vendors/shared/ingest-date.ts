// Date parsing and printing as Elasticsearch's ingest `date` processor does it (UNIX, UNIX_MS, epoch_millis, ISO8601).

/*
 * The processor parses with Java: UNIX is `(long) (Double.parseDouble(text) * 1000.0)` ms, UNIX_MS
 * is `Long.parseLong(text)` ms; it prints `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in UTC, which is
 * `Date#toISOString` for years 1..9999. Instants outside those years print differently in Java;
 * callers leave such fields out rather than guess. JS doubles are IEEE 754 like Java's, so the
 * same text gives the same millisecond (`1745953229.264 * 1000` truncates identically).
 */

const FIRST_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
const LAST_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** `ms` printed as Elastic prints a date, or undefined when it is not a printable instant. */
export function isoFromEpochMillis(ms: number): string | undefined {
  if (!Number.isInteger(ms) || ms < FIRST_MS || ms > LAST_MS) return undefined;
  return new Date(ms).toISOString();
}

/** Java's `String#trim`: strips every char up to U+0020 at both ends. */
function javaTrim(text: string): string {
  // oxlint-disable-next-line no-control-regex -- Java's String.trim removes exactly U+0000..U+0020.
  return text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
}

const JAVA_DECIMAL = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

/**
 * `Double.parseDouble` (also the grammar of `Float.parseFloat`): undefined where Java throws.
 * Hexadecimal floating literals (`0x1p3`) are treated as unparsable; Elastic never sees them in FDR.
 */
export function parseJavaDouble(text: string): number | undefined {
  const trimmed = javaTrim(text);
  if (!JAVA_DECIMAL.test(trimmed)) return undefined;
  const numeric = trimmed.replace(/[fFdD]$/, '');
  if (numeric.endsWith('NaN')) return Number.NaN;
  return Number(numeric);
}

/** Java's `(long) d`: truncation toward zero, NaN to 0, saturating at the long range. */
export function javaLongCast(value: number): number {
  if (Number.isNaN(value)) return 0;
  if (value >= 2 ** 63) return Number(LONG_MAX);
  if (value <= -(2 ** 63)) return Number(LONG_MIN);
  return Math.trunc(value);
}

/** `Long.parseLong` (decimal, optional sign): undefined where Java throws. */
export function parseJavaLong(text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value >= LONG_MIN && value <= LONG_MAX ? value : undefined;
}

/** Epoch milliseconds of a UNIX (seconds, fractions allowed) date, or undefined if Java cannot parse it. */
export function unixSecondsToMillis(text: string): number | undefined {
  const seconds = parseJavaDouble(text);
  return seconds === undefined ? undefined : javaLongCast(seconds * 1000);
}

/** Epoch milliseconds of a UNIX_MS date, or undefined if Java cannot parse it. */
export function unixMillisToMillis(text: string): number | undefined {
  const ms = parseJavaLong(text);
  return ms === undefined ? undefined : Number(ms);
}

const ISO_8601 = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/**
 * Epoch milliseconds of an ISO 8601 date in the forms Elastic's `ISO8601` format accepts
 * (`2024`, `2024-05`, `2024-05-14`, `2024-05-14T09:31:02.183456Z`, offsets `+02`, `+0200`,
 * `+02:00`; no zone means UTC), truncated to the millisecond; undefined otherwise.
 */
export function iso8601ToMillis(text: string): number | undefined {
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const zoneHours = Number(digits.slice(0, 2));
    const zoneMinutes = Number(digits.slice(2) || '0');
    if (zoneHours > 18 || zoneMinutes > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  return date.getTime() - offsetMinutes * 60_000;
}

/**
 * A date processor with formats `[ISO8601, epoch_millis]` given a number, as SentinelOne's pipeline
 * parses its epoch-ms longs: the number's text is tried as ISO 8601 first, which only succeeds for
 * a four-digit value (read as a year), then as epoch milliseconds.
 */
export function isoFromIsoOrEpochMillis(value: number): string | undefined {
  if (!Number.isSafeInteger(value)) return undefined;
  const asIso = value >= 1000 && value <= 9999 ? iso8601ToMillis(String(value)) : undefined;
  return isoFromEpochMillis(asIso ?? value);
}
