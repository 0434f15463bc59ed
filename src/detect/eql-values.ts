// How EQL sees values: a field's values as Elasticsearch indexes them for its type, and how two values compare.
import { KEYWORD_IGNORE_ABOVE, type FieldType } from './ecs-field-types.js';
import type { Literal } from './eql-ast.js';
import type { Leaf } from './field-values.js';

export type Scalar = string | number | boolean;

/**
 * The value a field holds for comparisons, as its Elasticsearch type indexes it; undefined when the
 * value is not indexed: a keyword longer than ignore_above, a number or ip that does not parse.
 * Keywords compare as strings (a number sent for `user.id` is the keyword "0"); ips as canonical
 * addresses; dates as epoch milliseconds.
 */
export function indexedValue(value: Leaf, type: FieldType): Scalar | undefined {
  switch (type) {
    case 'keyword': {
      const text = typeof value === 'string' ? value : String(value);
      return text.length > KEYWORD_IGNORE_ABOVE ? undefined : text;
    }
    case 'wildcard':
    case 'text':
      return typeof value === 'string' ? value : String(value);
    case 'long':
    case 'double':
      return toNumber(value);
    case 'ip':
      return typeof value === 'string' ? canonicalIp(value) : undefined;
    case 'date':
      return toEpochMs(value);
    case 'boolean':
      return value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
  }
}

/** A query value compared with a field of this type, converted as Elasticsearch converts it; undefined matches nothing. */
export function queryValue(value: Exclude<Literal, null>, type: FieldType): Scalar | undefined {
  switch (type) {
    case 'keyword':
    case 'wildcard':
    case 'text':
      return typeof value === 'string' ? value : String(value);
    default:
      return indexedValue(value, type);
  }
}

/**
 * A field's value as a function argument: strings for keyword-like and ip fields (an ip keeps its
 * written form), numbers for numeric fields, booleans for boolean fields; ignore_above still applies.
 */
export function argumentValue(value: Leaf, type: FieldType): Scalar | undefined {
  if (type === 'ip' || type === 'date') return typeof value === 'string' ? value : String(value);
  return indexedValue(value, type);
}

/** Elasticsearch's order: numbers numerically, strings by code point (keyword order), booleans false < true. */
export function compareScalars(a: Scalar, b: Scalar): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 0 : codePointLess(a, b) ? -1 : 1;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

function codePointLess(a: string, b: string): boolean {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!.codePointAt(0)!;
    const y = right[i]!.codePointAt(0)!;
    if (x !== y) return x < y;
  }
  return left.length < right.length;
}

export function lower(value: Scalar): Scalar {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function toNumber(value: Leaf): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function toEpochMs(value: Leaf): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An address as a 128-bit number (IPv4 mapped into ::ffff:0:0/96, as Elasticsearch stores it); undefined if not one. */
export function parseIp(text: string): bigint | undefined {
  const v4 = IPV4.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((part) => part > 255)) return undefined;
    return 0xffff00000000n | parts.reduce((sum, part) => (sum << 8n) | BigInt(part), 0n);
  }
  if (!text.includes(':') || /[^0-9a-fA-F:.]/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): bigint[] | undefined => {
    if (half === '') return [];
    const out: bigint[] = [];
    for (const piece of half.split(':')) {
      if (piece.includes('.')) {
        const tail = parseIp(piece);
        if (tail === undefined || !/^\d/.test(piece)) return undefined;
        out.push((tail >> 16n) & 0xffffn, tail & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(BigInt(`0x${piece}`));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  return [...head, ...Array<bigint>(missing).fill(0n), ...tail].reduce((sum, group) => (sum << 16n) | group, 0n);
}

export function canonicalIp(text: string): string | undefined {
  return parseIp(text)?.toString(16);
}

/** `a.b.c.d/n` or `x::/n` (a bare address is its own /32 or /128); undefined if malformed. */
export function parseCidr(text: string): { network: bigint; bits: number } | undefined {
  const [address, prefix, extra] = text.split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const ip = parseIp(address);
  if (ip === undefined) return undefined;
  const isV4 = IPV4.test(address);
  const length = prefix === undefined ? (isV4 ? 32 : 128) : Number(prefix);
  if (!Number.isInteger(length) || length < 0 || length > (isV4 ? 32 : 128) || (prefix !== undefined && !/^\d+$/.test(prefix)))
    return undefined;
  const bits = isV4 ? 96 + length : length;
  return { network: bits === 0 ? 0n : ip >> BigInt(128 - bits), bits };
}
