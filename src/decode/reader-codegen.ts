// Generates the JavaScript of a projection reader from a writer schema: straight-line reads, skips and scans.
import type avro from 'avsc';

/*
 * The generated code sees `buf` (the Kafka value), `pos` (the read position), `H` (the reader
 * runtime, reader-runtime.ts) and `K` (constants: avsc types, enum symbols). It returns undefined
 * for bytes that are not a valid record: the same verdicts as avsc with the hardened readers of
 * harden.ts (block counts checked against the bytes left, ints held to 32 bits), which the unit
 * tests hold it to.
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

export class Generator {
  private next = 0;
  readonly constants: unknown[] = [];
  stringFields = 0;
  spanSites = 0;

  variable(): string {
    return `v${this.next++}`;
  }

  constant(value: unknown): string {
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }

  /** Statements leaving the zig-zag varint at `pos` in `target`; the one-byte case stays inline. */
  varint(target: string): string {
    return `${target} = buf[pos]; if (${target} < 128) { pos++; ${target} = (${target} >>> 1) ^ -(${target} & 1); } else { ${target} = H.long(buf, pos); pos = H.pos; }\n`;
  }

  /**
   * Statements moving `pos` past a value of `type`. `asRead` walks arrays and maps item by item as
   * the readers do, instead of jumping over sized blocks: a scan of kept values must end exactly
   * where their read would, even when a block's byte size lies.
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

  /**
   * Statements that walk `type` like `read` but, instead of building the kept values, note the
   * byte range of each (H.span): equal ranges mean an equal projected record. A union on a
   * projection path notes its branch index and goes on inside the branch; anything else kept is
   * noted whole.
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
        const cases = (type as avro.types.UnwrappedUnionType).types.map((branch, i) => `case ${i}: {\n${this.scan(branch, node)}break;\n}\n`).join('');
        return `const ${start} = pos;\nlet ${index};\n${this.varint(index)}H.span(${start}, pos);\nswitch (${index}) {\n${cases}default: return undefined;\n}\n`;
      }
      if (name.startsWith('logical')) return this.scan((type as avro.types.LogicalType).underlyingType, node);
    }
    const start = this.variable();
    this.spanSites++;
    return `const ${start} = pos;\n${this.skip(type, true)}H.span(${start}, pos);\n`;
  }

  /** Statements setting `target` to the value of `type`, pruned to `node` (undefined or whole: everything). */
  read(type: avro.Type, node: PathNode | undefined, target: string): string {
    const name = type.typeName;
    switch (name) {
      case 'null':
        return `${target} = null;\n`;
      case 'boolean':
        return `${target} = !!buf[pos++];\n`;
      case 'int':
        // harden.ts: an int outside 32 bits invalidates the record.
        return `${this.varint(target)}if (${target} < -2147483648 || ${target} > 2147483647) return undefined;\n`;
      case 'string': {
        const n = this.variable();
        return `let ${n};\n${this.varint(n)}if (${n} < 0 || pos + ${n} > buf.length) return undefined;\n${target} = H.str(buf, pos, ${n}, ${this.stringFields++});\npos += ${n};\n`;
      }
      case 'abstract:long': {
        // Up to six bytes the value is exact as a double either way; longer ones go through avsc's unpacking.
        const start = this.variable();
        return `const ${start} = pos;\n${this.varint(target)}if (pos - ${start} > 6) { ${target} = H.viaAvsc(${this.constant(type)}, buf, ${start}); pos = H.pos; if (pos < 0) return undefined; }\n`;
      }
      case 'enum': {
        const index = this.variable();
        const symbols = this.constant((type as avro.types.EnumType).symbols);
        return `let ${index};\n${this.varint(index)}${target} = ${symbols}[${index}];\nif (${target} === undefined) return H.fail(${JSON.stringify(`invalid ${type.name ?? ''} enum index: `)} + ${index});\n`;
      }
      case 'record':
      case 'error':
        return this.readRecord(type as avro.types.RecordType, node, target);
      case 'array':
        return this.readArray(type as avro.types.ArrayType, node, target);
      case 'union:unwrapped':
        return this.branches(type as avro.types.UnwrappedUnionType, (branch) => this.read(branch, node, target));
      default:
        if (name.startsWith('logical')) return this.read((type as avro.types.LogicalType).underlyingType, node, target);
        if (node !== undefined && !node.whole && name !== 'map') throw new Unsupported(`${name} on a projection path`);
        // map, bytes, fixed, float, double, plain long, wrapped unions: exactly as avsc reads them.
        return `${target} = H.viaAvsc(${this.constant(type)}, buf, pos);\npos = H.pos;\nif (pos < 0) return undefined;\n`;
    }
  }

  private readRecord(type: avro.types.RecordType, node: PathNode | undefined, target: string): string {
    const partial = node !== undefined && !node.whole;
    let code = '';
    const kept: string[] = [];
    for (const field of type.fields) {
      // An object literal key "__proto__" would set the prototype instead of a field.
      if (field.name === '__proto__') throw new Unsupported('a field named __proto__');
      const child = partial ? node.children.get(field.name) : undefined;
      if (partial && !child) {
        code += this.skip(field.type);
        continue;
      }
      const value = this.variable();
      code += `let ${value};\n${this.read(field.type, child?.whole ? undefined : child, value)}`;
      kept.push(`${JSON.stringify(field.name)}: ${value}`);
    }
    return `${code}${target} = { ${kept.join(', ')} };\n`;
  }

  /** harden.ts's readArray: block counts checked against the bytes left. */
  private readArray(type: avro.types.ArrayType, node: PathNode | undefined, target: string): string {
    const count = this.variable();
    const item = this.variable();
    return (
      `${target} = [];\nfor (;;) {\nif (pos > buf.length) break;\nlet ${count};\n${this.varint(count)}` +
      `if (${count} < 0) { ${count} = -${count}; while (buf[pos++] & 128) {} }\n` +
      `if (${count} > buf.length - pos + ${ZERO_WIDTH_ALLOWANCE}) return undefined;\nif (${count} === 0) break;\n` +
      `while (${count}--) {\nlet ${item};\n${this.read(type.itemsType, node, item)}${target}.push(${item});\n}\n}\n`
    );
  }

  private branches(type: avro.types.UnwrappedUnionType, code: (branch: avro.Type) => string): string {
    const index = this.variable();
    const cases = type.types.map((branch, i) => `case ${i}: {\n${code(branch)}break;\n}\n`).join('');
    return `let ${index};\n${this.varint(index)}switch (${index}) {\n${cases}default: return H.fail('invalid union index: ' + ${index});\n}\n`;
  }
}

