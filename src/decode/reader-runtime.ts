// What generated projection readers call at run time: varints off the fast path, interned strings, remembered records.
import type avro from 'avsc';
import type { AvroRecord } from '../vendors/types.js';

/** Node's undocumented but stable Buffer method (avsc uses it too): no argument checks, unlike toString. */
type Utf8Buffer = Buffer & { utf8Slice(start: number, end: number): string };

/** Strings up to this many bytes are interned: projected fields are short and repeat (names, actions, OS types). */
const INTERN_MAX_BYTES = 32;
const INTERN_SLOTS = 4096;
/** Records remembered per reader: distinct combinations of the projected fields. */
const RECORD_SLOTS = 4096;
/** Interning strings or records is judged over this many reads (kept while at least half are hits) ... */
const WINDOW = 1024;
/** ... and once given up, tried again after this many. */
const RETRY_AFTER = 65_536;
const FNV_PRIME = 0x01000193;

/** Bytes and fixed values are Buffers, which cannot be frozen: records holding one are not shared. */
function shareable(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (ArrayBuffer.isView(value)) return false;
  return Object.values(value).every(shareable);
}

function deepFreeze(value: unknown): void {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
}

/** Hit statistics of one cache, deciding whether it is worth its cost. */
class Usefulness {
  private lookups = 0;
  private hits = 0;
  private skipped = 0;
  off = false;

  /** Counts a lookup; false when the cache is off for now (and counts towards trying it again). */
  tryLookup(): boolean {
    if (this.off) {
      if (++this.skipped < RETRY_AFTER) return false;
      this.off = false;
      this.skipped = 0;
    }
    if (++this.lookups >= WINDOW) {
      this.off = this.hits * 2 < this.lookups;
      this.lookups = 0;
      this.hits = 0;
    }
    return true;
  }

  hit(): void {
    this.hits++;
  }
}

export class ReaderRuntime {
  /** Read position handed back by helpers that advance it. */
  pos = 0;
  /** End of the last record read. */
  end = -1;
  /** Why the last read failed, when the bytes said so. */
  failure: string | undefined = undefined;

  private readonly internedBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(INTERN_SLOTS).fill(undefined);
  private readonly interned: string[] = new Array<string>(INTERN_SLOTS).fill('');
  private readonly internUse: Usefulness[];
  /** Per kept string field, its last interned value and bytes. */
  private readonly lastBytes: (Uint8Array | undefined)[];
  private readonly lastText: string[];

  private readonly spans: Int32Array;
  private spanCount = 0;
  private readonly recordKeys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(RECORD_SLOTS).fill(undefined);
  private readonly records: (AvroRecord | undefined)[] = new Array<AvroRecord | undefined>(RECORD_SLOTS).fill(undefined);
  private readonly recordUse = new Usefulness();
  private keySlot = 0;
  private keyLength = 0;

  constructor(stringFields: number, spanSites: number) {
    this.internUse = Array.from({ length: stringFields }, () => new Usefulness());
    this.lastBytes = new Array<Uint8Array | undefined>(stringFields).fill(undefined);
    this.lastText = new Array<string>(stringFields).fill('');
    this.spans = new Int32Array(2 * spanSites);
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

  /** Reads a value with avsc itself (rare kept types); `pos` becomes -1 when the bytes are invalid. */
  viaAvsc(type: avro.Type, buf: Buffer, pos: number): unknown {
    const decoded = type.decode(buf, pos);
    this.pos = decoded.offset;
    return decoded.value;
  }

  fail(reason: string): undefined {
    this.failure = reason;
    return undefined;
  }

  /**
   * The UTF-8 string of `n` bytes at `pos`, for kept string field number `field`. Creating a
   * string through Buffer costs more than comparing a few bytes, so a field's last value is
   * checked first, then a direct-mapped table of recent strings (a collision replaces the slot).
   * A field whose values rarely repeat (times, ids) is read plainly for a while.
   */
  str(buf: Buffer, pos: number, n: number, field: number): string {
    const last = this.lastBytes[field];
    if (last !== undefined && last.length === n) {
      let i = 0;
      while (i < n && last[i] === buf[pos + i]) i++;
      if (i === n) return this.lastText[field]!;
    }
    const use = this.internUse[field]!;
    if (n > INTERN_MAX_BYTES || !use.tryLookup()) {
      this.lastBytes[field] = undefined;
      return (buf as Utf8Buffer).utf8Slice(pos, pos + n);
    }
    let hash = n;
    for (let i = pos, end = pos + n; i < end; i++) hash = Math.imul(hash ^ buf[i]!, FNV_PRIME);
    const slot = (hash ^ (hash >>> 15)) & (INTERN_SLOTS - 1);
    let known = this.internedBytes[slot];
    if (known !== undefined && known.length === n) {
      let i = 0;
      while (i < n && known[i] === buf[pos + i]) i++;
      if (i === n) {
        use.hit();
        this.lastBytes[field] = known;
        return (this.lastText[field] = this.interned[slot]!);
      }
    }
    const text = (buf as Utf8Buffer).utf8Slice(pos, pos + n);
    known = Uint8Array.prototype.slice.call(buf, pos, pos + n);
    this.internedBytes[slot] = known;
    this.interned[slot] = text;
    this.lastBytes[field] = known;
    this.lastText[field] = text;
    return text;
  }

  /** Notes the bytes of one kept value during a scan. */
  span(start: number, end: number): void {
    this.spans[this.spanCount++] = start;
    this.spans[this.spanCount++] = end;
  }

  startScan(): void {
    this.spanCount = 0;
  }

  /** False while remembering records does not pay (the projected fields hardly repeat). */
  get remembering(): boolean {
    return this.recordUse.tryLookup();
  }

  /**
   * The record remembered for the kept bytes the last scan noted, or undefined. The slot is
   * chosen by a hash of each value's length and first and last bytes; the match is then checked
   * on every byte, so a collision is only a miss.
   */
  recall(buf: Buffer): AvroRecord | undefined {
    const spans = this.spans;
    let hash = 0x811c9dc5 | 0;
    let length = 0;
    for (let k = 0; k < this.spanCount; k += 2) {
      const start = spans[k]!;
      const end = spans[k + 1]!;
      length += end - start;
      hash = Math.imul(hash ^ (end - start), FNV_PRIME);
      const head = Math.min(end, start + 8);
      for (let i = start; i < head; i++) hash = Math.imul(hash ^ buf[i]!, FNV_PRIME);
      for (let i = Math.max(head, end - 8); i < end; i++) hash = Math.imul(hash ^ buf[i]!, FNV_PRIME);
    }
    const slot = (hash ^ (hash >>> 16)) & (RECORD_SLOTS - 1);
    this.keySlot = slot;
    this.keyLength = length;
    const key = this.recordKeys[slot];
    if (key === undefined || key.length !== length) return undefined;
    let j = 0;
    for (let k = 0; k < this.spanCount; k += 2) {
      for (let i = spans[k]!, end = spans[k + 1]!; i < end; i++) if (key[j++] !== buf[i]) return undefined;
    }
    this.recordUse.hit();
    return this.records[slot];
  }

  /** Remembers `record` (frozen: it is handed out again) under the kept bytes of the last scan. */
  remember(buf: Buffer, record: AvroRecord): AvroRecord {
    if (!shareable(record)) return record;
    const key = new Uint8Array(this.keyLength);
    let j = 0;
    for (let k = 0; k < this.spanCount; k += 2) {
      key.set(buf.subarray(this.spans[k]!, this.spans[k + 1]!), j);
      j += this.spans[k + 1]! - this.spans[k]!;
    }
    this.recordKeys[this.keySlot] = key;
    deepFreeze(record);
    this.records[this.keySlot] = record;
    return record;
  }
}
