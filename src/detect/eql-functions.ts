// EQL's functions as the Elasticsearch EQL function reference defines them, null in -> null out.
import { parseCidr, parseIp, type Scalar } from './eql-values.js';

type Arg = Scalar | null;

export interface EqlFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Has a `~` form (case-insensitive matching). */
  readonly tilde: boolean;
  readonly run: (args: readonly Arg[], caseInsensitive: boolean) => Arg;
}

const str = (value: Arg): string | null => (typeof value === 'string' ? value : null);
const num = (value: Arg): number | null => (typeof value === 'number' ? value : null);
const fold = (text: string, caseInsensitive: boolean): string => (caseInsensitive ? text.toLowerCase() : text);

function arithmetic(op: (a: number, b: number) => number | null): EqlFunction {
  return {
    minArgs: 2,
    maxArgs: 2,
    tilde: false,
    run: ([a, b]) => {
      const x = num(a ?? null);
      const y = num(b ?? null);
      return x === null || y === null ? null : op(x, y);
    },
  };
}

/** Two strings in, a boolean out (startsWith, endsWith, stringContains). */
function stringTest(test: (source: string, part: string) => boolean): EqlFunction {
  return {
    minArgs: 2,
    maxArgs: 2,
    tilde: true,
    run: ([source, part], ci) => {
      const s = str(source ?? null);
      const p = str(part ?? null);
      return s === null || p === null ? null : test(fold(s, ci), fold(p, ci));
    },
  };
}

/**
 * Integer operands (integral values of integer-typed expressions: `integer` false only when one
 * side is written or typed as a float) divide as Java's integers do, truncating; a zero divisor is
 * an error in Elasticsearch and null here.
 */
export function divide(a: number, b: number, integer = true): number | null {
  if (b === 0) return null;
  return integer && Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
}

export function modulo(a: number, b: number): number | null {
  return b === 0 ? null : a % b;
}

/** Python-style slicing: negative positions count from the end; out-of-range positions clamp. */
function slice(source: string, start: number, end: number | undefined): string {
  const length = source.length;
  const clamp = (position: number): number => Math.min(length, Math.max(0, position < 0 ? length + position : position));
  const from = clamp(Math.trunc(start));
  const to = end === undefined ? length : clamp(Math.trunc(end));
  return from >= to ? '' : source.slice(from, to);
}

function between(source: string, left: string, right: string, greedy: boolean, ci: boolean): string {
  const haystack = fold(source, ci);
  const start = haystack.indexOf(fold(left, ci));
  if (start < 0) return '';
  const from = start + left.length;
  const needle = fold(right, ci);
  const end = greedy ? haystack.lastIndexOf(needle) : haystack.indexOf(needle, from);
  return end < from ? '' : source.slice(from, end);
}

function indexOf(source: string, part: string, start: number, ci: boolean): number | null {
  if (start > source.length) return null;
  const found = fold(source, ci).indexOf(fold(part, ci), Math.max(0, Math.trunc(start)));
  return found < 0 ? null : found;
}

function toNumber(text: string, base: number | null): number | null {
  const trimmed = text.trim();
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const body = trimmed.replace(/^[+-]/, '');
  const hex = /^0x/i.test(body);
  const radix = base ?? (hex ? 16 : 10);
  const digits = hex && radix === 16 ? body.slice(2) : body;
  if (radix === 10 && /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(digits)) return sign * Number(digits);
  if (!Number.isInteger(radix) || radix < 2 || radix > 36 || digits === '') return null;
  const valid = [...digits.toLowerCase()].every((ch) => {
    const value = Number.parseInt(ch, 36);
    return !Number.isNaN(value) && value < radix;
  });
  return valid ? sign * Number.parseInt(digits, radix) : null;
}

export const EQL_FUNCTIONS: Readonly<Record<string, EqlFunction>> = {
  add: arithmetic((a, b) => a + b),
  subtract: arithmetic((a, b) => a - b),
  multiply: arithmetic((a, b) => a * b),
  divide: arithmetic(divide),
  modulo: arithmetic(modulo),
  between: {
    minArgs: 3,
    maxArgs: 4,
    tilde: true,
    run: ([source, left, right, greedy], ci) => {
      const s = str(source ?? null);
      const l = str(left ?? null);
      const r = str(right ?? null);
      if (s === null || l === null || r === null) return null;
      return between(s, l, r, greedy === true, ci);
    },
  },
  cidrmatch: {
    minArgs: 2,
    maxArgs: Number.POSITIVE_INFINITY,
    tilde: false,
    run: ([address, ...blocks]) => {
      const ip = typeof address === 'string' ? parseIp(address) : undefined;
      if (ip === undefined || blocks.some((block) => block === null)) return null;
      return blocks.some((block) => {
        const cidr = typeof block === 'string' ? parseCidr(block) : undefined;
        return cidr !== undefined && (cidr.bits === 0 || ip >> BigInt(128 - cidr.bits) === cidr.network);
      });
    },
  },
  concat: {
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    tilde: false,
    run: (args) => (args.some((arg) => arg === null) ? null : args.map((arg) => String(arg)).join('')),
  },
  endswith: stringTest((source, part) => source.endsWith(part)),
  startswith: stringTest((source, part) => source.startsWith(part)),
  // Elasticsearch's reference: an empty substring is contained in nothing, not even "".
  stringcontains: stringTest((source, part) => part !== '' && source.includes(part)),
  indexof: {
    minArgs: 2,
    maxArgs: 3,
    tilde: true,
    run: ([source, part, start], ci) => {
      const s = str(source ?? null);
      const p = str(part ?? null);
      const from = start === undefined ? 0 : num(start);
      return s === null || p === null || from === null ? null : indexOf(s, p, from, ci);
    },
  },
  length: { minArgs: 1, maxArgs: 1, tilde: false, run: ([source]) => str(source ?? null)?.length ?? null },
  number: {
    minArgs: 1,
    maxArgs: 2,
    tilde: false,
    run: ([text, base]) => {
      const s = str(text ?? null);
      return s === null ? null : toNumber(s, num(base ?? null));
    },
  },
  string: { minArgs: 1, maxArgs: 1, tilde: false, run: ([value]) => (value === null || value === undefined ? null : String(value)) },
  substring: {
    minArgs: 2,
    maxArgs: 3,
    tilde: false,
    run: ([source, start, end]) => {
      const s = str(source ?? null);
      const from = num(start ?? null);
      const to = end === undefined ? undefined : num(end);
      return s === null || from === null || to === null ? null : slice(s, from, to);
    },
  },
};
