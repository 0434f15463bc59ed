// Per writer schema, a generated scan that locates a projection's values, and a table of outcomes keyed by their bytes.
import type avro from 'avsc';
import { pathTree, ScanGenerator, Unsupported } from './scan-codegen.js';

/*
 * Why: nearly every record fails every rule, and the fields the rules read (OS, action, category,
 * process name) take few distinct values, so most records carry projected bytes seen moments ago.
 * Under one writer schema equal bytes mean an equal projected record, hence an equal outcome of
 * anything pure computed from it (mapping + matching). The scan finds those bytes without building
 * a value; a table keyed by them answers most records; a miss decodes the projection with avsc's
 * resolver and computes the outcome once. Where values never repeat, every record is a miss: the
 * scan and a key copy are the whole overhead.
 */

/** A generated scan of one writer schema; `spans` and `spanCount` describe its last run. */
export interface ProjectionScan {
  /** End of the record body at `offset`, or undefined when the scan can tell the bytes are not a valid record. */
  run(buf: Buffer, offset: number): number | undefined;
  /** Start and end of each kept value of the last run, flat. */
  readonly spans: Int32Array;
  readonly spanCount: number;
  /** Start and end of each guard field of the last run (compileProjectionScan's `guards`, in that order), flat. */
  readonly guardSpans: Int32Array;
}

class ScanState implements ProjectionScan {
  /** Read position handed back by `long`. */
  pos = 0;
  spanCount = 0;
  readonly spans: Int32Array;
  readonly guardSpans: Int32Array;
  run: (buf: Buffer, offset: number) => number | undefined = () => undefined;

  constructor(spanSites: number, guards: number) {
    this.spans = new Int32Array(2 * spanSites);
    this.guardSpans = new Int32Array(2 * guards);
  }

  /** avsc's Tap#readLong, to the bit: 7-bit groups, float arithmetic past 28 bits, zig-zag. */
  long(buf: Buffer, start: number): number {
    let pos = start;
    let n = 0;
    let k = 0;
    let b: number;
    let h: number;
    do {
      b = buf[pos++]!;
      h = b & 0x80;
      n |= (b & 0x7f) << k;
      k += 7;
    } while (h && k < 28);
    if (h) {
      let f = n;
      let fk = 268435456;
      do {
        b = buf[pos++]!;
        f += (b & 0x7f) * fk;
        fk *= 128;
      } while (b & 0x80);
      this.pos = pos;
      return (f % 2 ? -(f + 1) : f) / 2;
    }
    this.pos = pos;
    return (n >> 1) ^ -(n & 1);
  }

  span(start: number, end: number): void {
    this.spans[this.spanCount++] = start;
    this.spans[this.spanCount++] = end;
  }

  guard(index: number, start: number, end: number): void {
    this.guardSpans[2 * index] = start;
    this.guardSpans[2 * index + 1] = end;
  }
}

/**
 * The scan of `writer` bodies for the values at `paths`, or undefined when the schema holds
 * something it does not generate. `guards` are top-level fields whose bytes are located apart
 * (guardSpans), for a caller that keys on a predicate of their values rather than on the bytes.
 */
export function compileProjectionScan(
  writer: avro.Type,
  paths: Iterable<string>,
  guards: readonly string[] = [],
): ProjectionScan | undefined {
  if (writer.typeName !== 'record') return undefined;
  const fields = (writer as avro.types.RecordType).fields;
  if (guards.some((guard) => !fields.some((field) => field.name === guard))) return undefined;
  const generator = new ScanGenerator();
  const tree = pathTree(paths);
  let body = '';
  try {
    for (const field of fields) {
      const child = tree.children.get(field.name);
      const code = child
        ? generator.scan(field.type, child.whole ? undefined : child)
        : generator.skip(field.type, guards.includes(field.name));
      const guard = guards.indexOf(field.name);
      body += guard < 0 ? code : `{\nconst g = pos;\n${code}H.guard(${guard}, g, pos);\n}\n`;
    }
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const state = new ScanState(generator.spanSites, guards.length);
  const source = `return function scanProjection(buf, pos) {\nH.spanCount = 0;\n${body}return pos > buf.length ? undefined : pos;\n};`;
  // oxlint-disable-next-line typescript/no-implied-eval -- a generated scanner, measured faster in bench/ (README: how the hot path works).
  state.run = new Function('H', source)(state) as ScanState['run'];
  return state;
}

/** Outcomes kept per table: distinct projected values of one writer schema (a collision replaces a slot). */
const SLOTS = 8_192;
const FNV_PRIME = 0x01000193;

/** What `OutcomeTable.get` returns for projected bytes it does not hold. */
export const ABSENT: unique symbol = Symbol('absent');

/** A direct-mapped table from the kept bytes of a scan to an outcome. */
export class OutcomeTable<T> {
  // oxlint-disable-next-line unicorn/no-new-array -- preallocated slots, as measured (bench/).
  private readonly keys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
  // oxlint-disable-next-line unicorn/no-new-array -- preallocated slots, as measured (bench/).
  private readonly outcomes: (T | undefined)[] = new Array<T | undefined>(SLOTS).fill(undefined);
  /** Bytes of each slot's key in use, 0 for an empty slot: a key keeps its buffer when replaced by one that fits (allocating one per miss cost more than the rules). */
  private readonly lengths = new Int32Array(SLOTS);
  private slot = 0;
  private keyLength = 0;

  /**
   * The outcome remembered for the bytes `scan` last noted in `buf` and `verdict` (a guard
   * predicate's result, 0-255), or ABSENT; then `set` (before any other run of that scan, with the
   * same verdict) remembers one. The slot comes from a hash of each value's length
   * and a few of its bytes; the key is compared on every byte, so a collision is only a miss.
   */
  get(buf: Buffer, scan: ProjectionScan, verdict = 0): T | typeof ABSENT {
    const spans = scan.spans;
    const count = scan.spanCount;
    let hash = Math.imul(0x811c9dc5 ^ verdict, FNV_PRIME);
    // The verdict is the key's last byte.
    let length = 1;
    for (let k = 0; k < count; k += 2) {
      const start = spans[k]!;
      const end = spans[k + 1]!;
      length += end - start;
      hash = Math.imul(hash ^ (end - start), FNV_PRIME);
      // Values differ mostly at their ends (names, paths); the middle is compared, not hashed.
      if (end - start > 1) hash = Math.imul(hash ^ (buf[start + 1]! | (buf[end - 1]! << 8) | (buf[end - 2]! << 16)), FNV_PRIME);
    }
    const slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
    this.slot = slot;
    this.keyLength = length;
    if (this.lengths[slot] !== length) return ABSENT;
    const key = this.keys[slot]!;
    if (key[length - 1] !== verdict) return ABSENT;
    let j = 0;
    for (let k = 0; k < count; k += 2) {
      for (let i = spans[k]!, end = spans[k + 1]!; i < end; i++) if (key[j++] !== buf[i]) return ABSENT;
    }
    return this.outcomes[slot] as T;
  }

  set(buf: Buffer, scan: ProjectionScan, outcome: T, verdict = 0): void {
    const length = this.keyLength;
    let key = this.keys[this.slot];
    if (key === undefined || key.length < length) this.keys[this.slot] = key = new Uint8Array(roundedUp(length));
    key[length - 1] = verdict;
    let j = 0;
    const spans = scan.spans;
    for (let k = 0; k < scan.spanCount; k += 2) {
      for (let i = spans[k]!, end = spans[k + 1]!; i < end; i++) key[j++] = buf[i]!;
    }
    this.lengths[this.slot] = length;
    this.outcomes[this.slot] = outcome;
  }
}

/** A key buffer's size: room for somewhat longer keys, so that a slot rarely reallocates. */
function roundedUp(length: number): number {
  return (length + 63) & ~63;
}
