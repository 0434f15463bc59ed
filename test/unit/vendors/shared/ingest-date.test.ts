// Date parsing and printing as Elasticsearch's ingest date processor does it.
import { describe, expect, it } from 'vitest';
import {
  iso8601ToMillis,
  isoFromEpochMillis,
  isoFromIsoOrEpochMillis,
  parseJavaDouble,
  parseJavaLong,
  unixMillisToMillis,
  unixSecondsToMillis,
} from '../../../../src/vendors/shared/ingest-date.js';

describe('isoFromEpochMillis', () => {
  it('prints milliseconds in UTC with a Z', () => {
    expect(isoFromEpochMillis(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoFromEpochMillis(1715679062183)).toBe('2024-05-14T09:31:02.183Z');
    expect(isoFromEpochMillis(-5000)).toBe('1969-12-31T23:59:55.000Z');
  });

  it('leaves out instants outside the years 1..9999 and non-integers', () => {
    expect(isoFromEpochMillis(253_402_300_799_999)).toBe('9999-12-31T23:59:59.999Z');
    expect(isoFromEpochMillis(253_402_300_800_000)).toBeUndefined();
    expect(isoFromEpochMillis(-62_135_596_800_000)).toBe('0001-01-01T00:00:00.000Z');
    expect(isoFromEpochMillis(-62_135_596_800_001)).toBeUndefined();
    for (const bad of [Number.NaN, Infinity, 1.5, 2 ** 63]) expect(isoFromEpochMillis(bad), String(bad)).toBeUndefined();
  });
});

describe('Java number grammars', () => {
  it('parses what Double.parseDouble parses', () => {
    expect(parseJavaDouble('1745953229.264')).toBe(1745953229.264);
    expect(parseJavaDouble(' 12 ')).toBe(12);
    expect(parseJavaDouble('+1.')).toBe(1);
    expect(parseJavaDouble('.5')).toBe(0.5);
    expect(parseJavaDouble('1e3')).toBe(1000);
    expect(parseJavaDouble('2.5f')).toBe(2.5);
    expect(parseJavaDouble('-Infinity')).toBe(-Infinity);
    expect(parseJavaDouble('NaN')).toBeNaN();
  });

  it('rejects what Double.parseDouble rejects', () => {
    for (const bad of ['', ' ', 'none', '-', '1,5', '1e', '0x10', '1_000', 'inf', '1.2.3'])
      expect(parseJavaDouble(bad), bad).toBeUndefined();
  });

  it('parses what Long.parseLong parses, within 64 bits', () => {
    expect(parseJavaLong('+42')).toBe(42n);
    expect(parseJavaLong('-9223372036854775808')).toBe(-(2n ** 63n));
    expect(parseJavaLong('9223372036854775808')).toBeUndefined();
    for (const bad of ['', ' 1', '1.0', '1e3', 'none']) expect(parseJavaLong(bad), bad).toBeUndefined();
  });
});

describe('UNIX and UNIX_MS', () => {
  it('scales the whole double and truncates, so fractions keep their millisecond', () => {
    expect(unixSecondsToMillis('1745953229.264')).toBe(1745953229264);
    expect(unixSecondsToMillis('1742799479.852')).toBe(1742799479852);
    expect(unixSecondsToMillis('-1.5')).toBe(-1500);
    expect(unixSecondsToMillis('NaN')).toBe(0);
    expect(unixSecondsToMillis('1e300')).toBe(Number(2n ** 63n - 1n));
    expect(unixSecondsToMillis('soon')).toBeUndefined();
  });

  it('reads UNIX_MS as a long only', () => {
    expect(unixMillisToMillis('1715679062183')).toBe(1715679062183);
    expect(unixMillisToMillis('1715679062183.5')).toBeUndefined();
  });
});

describe('iso8601ToMillis', () => {
  it('accepts dates with optional time, fraction and zone', () => {
    expect(iso8601ToMillis('2024')).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(iso8601ToMillis('2024-05')).toBe(Date.parse('2024-05-01T00:00:00Z'));
    expect(iso8601ToMillis('2024-05-14T09:31:02.183456789Z')).toBe(Date.parse('2024-05-14T09:31:02.183Z'));
    expect(iso8601ToMillis('2024-05-14T11:31:02,5+02:00')).toBe(Date.parse('2024-05-14T09:31:02.500Z'));
    expect(iso8601ToMillis('2024-05-14T04:01-0530')).toBe(Date.parse('2024-05-14T09:31:00Z'));
    expect(iso8601ToMillis('0099-01-01')).toBe(Date.parse('0099-01-01T00:00:00Z'));
  });

  it('rejects impossible dates and other text', () => {
    for (const bad of ['2023-02-29', '2024-13-01', '2024-05-14T24:00', '24-05-14', '2024-5-14', '20240514', 'yesterday', '']) {
      expect(iso8601ToMillis(bad), bad).toBeUndefined();
    }
    expect(iso8601ToMillis('2024-02-29')).toBe(Date.parse('2024-02-29T00:00:00Z'));
  });
});

describe('isoFromIsoOrEpochMillis', () => {
  it('reads numbers as epoch milliseconds, except four-digit ones, which ISO 8601 takes as a year', () => {
    expect(isoFromIsoOrEpochMillis(1664811149470)).toBe('2022-10-03T15:32:29.470Z');
    expect(isoFromIsoOrEpochMillis(2023)).toBe('2023-01-01T00:00:00.000Z');
    expect(isoFromIsoOrEpochMillis(999)).toBe('1970-01-01T00:00:00.999Z');
    expect(isoFromIsoOrEpochMillis(10_000)).toBe('1970-01-01T00:00:10.000Z');
    expect(isoFromIsoOrEpochMillis(-1)).toBe('1969-12-31T23:59:59.999Z');
    expect(isoFromIsoOrEpochMillis(2 ** 62)).toBeUndefined();
  });
});
