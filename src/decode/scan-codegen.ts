// Generates the JavaScript of a projection scan from a writer schema: skips, and the byte range of each kept value.
import type avro from 'avsc';

/*
 * The generated code sees `buf` (the Kafka value), `pos` (the read position) and `H` (the scan
 * state of projection-scan.ts: `long`, `pos`, `span`). It returns undefined for bytes that are not
 * a valid record where avsc's resolver would say so while skipping: the same checks as the
 * hardened readers of harden.ts (block counts against the bytes left), which the unit tests hold
 * it to. It never builds a value: kept values are only located.
 */

/** A node of the requested path tree; `whole` keeps the field's entire subtree. */
export interface PathNode {
  whole: boolean;
  readonly children: Map<string, PathNode>;
}

export function pathTree(paths: Iterable<string>): PathNode {
  const root: PathNode = { whole: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const segment of path.split('.')) {
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = { whole: false, children: new Map() }));
      node = child;
    }
    node.whole = true;
  }
  return root;
}

/** Thrown for a schema construct the generator leaves to avsc. */
export class Unsupported extends Error {}

/** Items that encode in zero bytes may outnumber the bytes left (same allowance as harden.ts). */
const ZERO_WIDTH_ALLOWANCE = 1024;

/** What the generated code sees as a map key. */
const STRING = { typeName: 'string' } as avro.Type;

export class ScanGenerator {
  private next = 0;
  /** How many ranges one scan notes at most. */
  spanSites = 0;

  private variable(): string {
    return `v${this.next++}`;
  }

  /** Statements leaving the zig-zag varint at `pos` in `target`; the one-byte case stays inline. */
  private varint(target: string): string {
    return `${target} = buf[pos]; if (${target} < 128) { pos++; ${target} = (${target} >>> 1) ^ -(${target} & 1); } else { ${target} = H.long(buf, pos); pos = H.pos; }\n`;
  }

  /**
   * Statements that walk `type` and note the byte range of each kept value (H.span): equal ranges
   * mean an equal projected record. A union on a projection path notes its branch index and goes
   * on inside the branch; anything else kept is noted whole.
   */
  scan(type: avro.Type, node: PathNode | undefined): string {
    const name = type.typeName;
    if (node !== undefined && !node.whole) {
      if (name === 'record' || name === 'error') {
        return (type as avro.types.RecordType).fields
          .map((field) => {
            const child = node.children.get(field.name);
            if (!child) return this.skip(field.type);
            return this.scan(field.type, child.whole ? undefined : child);
          })
          .join('');
      }
      if (name === 'union:unwrapped') {
        const start = this.variable();
        const index = this.variable();
        this.spanSites++;
        const cases = (type as avro.types.UnwrappedUnionType).types
          .map((branch, i) => `case ${i}: {\n${this.scan(branch, node)}break;\n}\n`)
          .join('');
        return `const ${start} = pos;\nlet ${index};\n${this.varint(index)}H.span(${start}, pos);\nswitch (${index}) {\n${cases}default: return undefined;\n}\n`;
      }
      if (name.startsWith('logical')) return this.scan((type as avro.types.LogicalType).underlyingType, node);
      // A path into anything else (a map, a wrapped union): its whole value is a wider key, still exact.
    }
    const start = this.variable();
    this.spanSites++;
    return `const ${start} = pos;\n${this.skip(type, true)}H.span(${start}, pos);\n`;
  }

  /**
   * Statements moving `pos` past a value of `type`. `asRead` walks arrays and maps item by item as
   * the readers do, instead of jumping over sized blocks: the range of a kept value must end
   * exactly where its read would, even when a block's byte size lies.
   */
  skip(type: avro.Type, asRead = false): string {
    const name = type.typeName;
    switch (name) {
      case 'null':
        return '';
      case 'boolean':
        return 'pos++;\n';
      case 'int':
      case 'long':
      case 'abstract:long':
      case 'enum':
        return 'while (buf[pos++] & 128) {}\n';
      case 'float':
        return 'pos += 4;\n';
      case 'double':
        return 'pos += 8;\n';
      case 'fixed':
        return `pos += ${(type as avro.types.FixedType).size};\n`;
      case 'string':
      case 'bytes': {
        const n = this.variable();
        return `let ${n};\n${this.varint(n)}if (${n} < 0) return undefined;\npos += ${n};\n`;
      }
      case 'record':
      case 'error':
        return (type as avro.types.RecordType).fields.map((field) => this.skip(field.type, asRead)).join('');
      case 'array': {
        const item = this.skip((type as avro.types.ArrayType).itemsType, asRead);
        return asRead ? this.walkBlocks(item) : this.skipBlocks(item);
      }
      case 'map': {
        const entry = this.skip(STRING) + this.skip((type as avro.types.MapType).valuesType, asRead);
        return asRead ? this.walkBlocks(entry) : this.skipBlocks(entry);
      }
      default:
        if (name.startsWith('union')) return this.branches(type as avro.types.UnwrappedUnionType, (branch) => this.skip(branch, asRead));
        if (name.startsWith('logical')) return this.skip((type as avro.types.LogicalType).underlyingType, asRead);
        throw new Unsupported(name);
    }
  }

  /** harden.ts's skipBlocks: sized blocks are jumped over, counted ones checked against the bytes left. */
  private skipBlocks(skipItem: string): string {
    const count = this.variable();
    const size = this.variable();
    const i = this.variable();
    return (
      `for (;;) {\nif (pos > buf.length) return undefined;\nlet ${count};\n${this.varint(count)}if (${count} === 0) break;\n` +
      `if (${count} < 0) { let ${size};\n${this.varint(size)}if (${size} < 0) return undefined;\npos += ${size};\ncontinue;\n}\n` +
      `if (${count} > buf.length - pos + ${ZERO_WIDTH_ALLOWANCE}) return undefined;\n` +
      `for (let ${i} = 0; ${i} < ${count}; ${i}++) {\n${skipItem}}\n}\n`
    );
  }

  /** harden.ts's readBlockCount loop: a sized block's byte size is skipped and its items walked one by one. */
  private walkBlocks(item: string): string {
    const count = this.variable();
    return (
      `for (;;) {\nif (pos > buf.length) break;\nlet ${count};\n${this.varint(count)}` +
      `if (${count} < 0) { ${count} = -${count}; while (buf[pos++] & 128) {} }\n` +
      `if (${count} > buf.length - pos + ${ZERO_WIDTH_ALLOWANCE}) return undefined;\nif (${count} === 0) break;\n` +
      `while (${count}--) {\n${item}}\n}\n`
    );
  }

  private branches(type: avro.types.UnwrappedUnionType, code: (branch: avro.Type) => string): string {
    const index = this.variable();
    const cases = type.types.map((branch, i) => `case ${i}: {\n${code(branch)}break;\n}\n`).join('');
    return `let ${index};\n${this.varint(index)}switch (${index}) {\n${cases}default: return undefined;\n}\n`;
  }
}
