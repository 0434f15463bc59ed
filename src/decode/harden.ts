// Makes avsc's readers fail fast on hostile bytes instead of looping or allocating on a forged count.
import avro from 'avsc';

/*
 * avsc trusts the counts it reads: an array or map block claiming 2^40 items makes it loop (and
 * allocate) that many times even when the buffer holds ten bytes, and a negative block size in a
 * skipped array moves the read position backwards. One corrupt Kafka value must cost microseconds,
 * so array and map reads/skips are replaced (through avsc's typeHook) with versions that reject a count
 * the remaining bytes cannot hold, and int reads reject values outside 32 bits (avsc would return
 * them, giving a record its own schema calls invalid). Rejection marks the tap invalid, which
 * `Type.decode` reports as offset -1; valid data reads exactly as before.
 */

/** Items that encode in zero bytes (null, empty records) may legitimately outnumber the bytes left. */
const ZERO_WIDTH_ALLOWANCE = 1024;

interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  skipString(): void;
  _invalidate(): void;
}
interface Reader {
  _read(tap: Tap): unknown;
  _skip(tap: Tap): void;
}
interface ArrayLike extends Reader {
  itemsType: Reader;
}
interface MapLike extends Reader {
  valuesType: Reader;
}

const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;

/** Reads a block count; 0 ends the collection, -1 means the data is corrupt (tap invalidated). */
function readBlockCount(tap: Tap): number {
  if (tap.pos > tap.buf.length) return 0;
  let count = tap.readLong();
  if (count < 0) {
    count = -count;
    tap.skipLong(); // the block's byte size, only useful when skipping
  }
  if (count > tap.buf.length - tap.pos + ZERO_WIDTH_ALLOWANCE) {
    tap._invalidate();
    return -1;
  }
  return count;
}

function readArray(this: ArrayLike, tap: Tap): unknown[] {
  const items = this.itemsType;
  const values: unknown[] = [];
  for (let count = readBlockCount(tap); count > 0; count = readBlockCount(tap)) {
    while (count--) values.push(items._read(tap));
  }
  return values;
}

/** Blocks written with a byte size can be jumped over; a negative size would move backwards. */
function skipBlocks(tap: Tap, skipItem: () => void): void {
  for (;;) {
    if (tap.pos > tap.buf.length) return;
    const count = tap.readLong();
    if (count === 0) return;
    if (count < 0) {
      const size = tap.readLong();
      if (size < 0) return tap._invalidate();
      tap.pos += size;
      continue;
    }
    if (count > tap.buf.length - tap.pos + ZERO_WIDTH_ALLOWANCE) return tap._invalidate();
    for (let i = 0; i < count; i++) skipItem();
  }
}

function skipArray(this: ArrayLike, tap: Tap): void {
  const items = this.itemsType;
  skipBlocks(tap, () => items._skip(tap));
}

function readMap(this: MapLike, tap: Tap): Record<string, unknown> {
  const values = this.valuesType;
  const map: Record<string, unknown> = {};
  for (let count = readBlockCount(tap); count > 0; count = readBlockCount(tap)) {
    while (count--) {
      const key = tap.readString();
      const value = values._read(tap);
      // A plain assignment to "__proto__" would silently drop the entry.
      if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
      else map[key] = value;
    }
  }
  return map;
}

function skipMap(this: MapLike, tap: Tap): void {
  const values = this.valuesType;
  skipBlocks(tap, () => {
    tap.skipString();
    values._skip(tap);
  });
}

function readInt(tap: Tap): number {
  const value = tap.readLong();
  if (value < INT_MIN || value > INT_MAX) tap._invalidate();
  return value;
}

type TypeConstructor = new (schema: unknown, opts: unknown) => avro.Type;

// avsc freezes every type it builds, so the hardened readers live on subclasses' prototypes.
class HardenedArrayType extends (avro.types.ArrayType as unknown as TypeConstructor) {}
class HardenedMapType extends (avro.types.MapType as unknown as TypeConstructor) {}
class HardenedIntType extends (avro.types.IntType as unknown as TypeConstructor) {}
Object.assign(HardenedArrayType.prototype, { _read: readArray, _skip: skipArray });
Object.assign(HardenedMapType.prototype, { _read: readMap, _skip: skipMap });
Object.assign(HardenedIntType.prototype, { _read: readInt });

/**
 * avsc `typeHook` building hardened array, map and int types. It also routes an object-form
 * `{"type": "long"}` to `longType`: avsc's registry only catches the bare name `"long"`, and the
 * project's tolerant long must apply to both spellings.
 */
export function hardenedTypeHook(longType: avro.Type): (schema: avro.Schema, opts: avro.ForSchemaOptions) => avro.Type | undefined {
  return (schema, opts) => {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
    switch ((schema as { type?: unknown }).type) {
      case 'array':
        return new HardenedArrayType(schema, opts);
      case 'map':
        return new HardenedMapType(schema, opts);
      case 'int':
        return new HardenedIntType(schema, opts);
      case 'long':
        return longType;
      default:
        return undefined;
    }
  };
}
