// fast-check arbitraries for any avsc type: schema-valid random records for round-trip and mapping properties.
import type avro from 'avsc';
import fc from 'fast-check';

export interface ArbitraryOptions {
  /** Strings to draw (e.g. mixed with values seen in fixtures, so mappings take their real branches). */
  readonly string?: fc.Arbitrary<string>;
  readonly maxItems?: number;
}

const INT64_MIN = -(2n ** 63n);
// The largest bigint whose nearest double is still below 2^63 (doubles there are 1024 apart).
const INT64_SAFE_MAX = 2n ** 63n - 1025n;

/** Values `type` accepts (`type.isValid`), shaped as avsc decodes them (unwrapped unions, Buffers). */
export function arbitraryFor(type: avro.Type, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const string = options.string ?? fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
  const maxLength = options.maxItems ?? 4;
  const visiting = new Set<avro.Type>();

  const build = (node: avro.Type): fc.Arbitrary<unknown> => {
    const typeName = node.typeName;
    switch (typeName) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'int':
        return fc.integer();
      case 'long':
        return fc.maxSafeInteger();
      case 'abstract:long':
        // The project's tolerant long: safe integers and FILETIME-sized ones beyond 2^53.
        return fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: INT64_MIN, max: INT64_SAFE_MAX }).map(Number));
      case 'float':
        return fc.float();
      case 'double':
        return fc.double();
      case 'string':
        return string;
      case 'bytes':
        return fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes));
      case 'fixed': {
        const size = (node as avro.types.FixedType).size;
        return fc.uint8Array({ minLength: size, maxLength: size }).map((bytes) => Buffer.from(bytes));
      }
      case 'enum':
        return fc.constantFrom(...(node as avro.types.EnumType).symbols);
      case 'array':
        return fc.array(build((node as avro.types.ArrayType).itemsType), { maxLength });
      case 'map':
        return fc.dictionary(fc.string({ maxLength: 8 }), build((node as avro.types.MapType).valuesType as avro.Type), {
          maxKeys: maxLength,
        });
      case 'union:unwrapped':
        return fc.oneof(...(node as avro.types.UnwrappedUnionType).types.map(build));
      case 'union:wrapped':
        return fc.oneof(
          ...(node as avro.types.WrappedUnionType).types.map((branch) =>
            build(branch).map((value) => (value === null ? null : { [branch.branchName ?? branch.typeName]: value })),
          ),
        );
      case 'record':
      case 'error': {
        if (visiting.has(node)) throw new Error(`recursive type ${node.name ?? ''} is not supported`);
        visiting.add(node);
        const fields = (node as avro.types.RecordType).fields;
        const shape = Object.fromEntries(fields.map((field) => [field.name, build(field.type)]));
        visiting.delete(node);
        return fc.record(shape);
      }
      default:
        if (typeName.startsWith('logical')) return build((node as avro.types.LogicalType).underlyingType);
        throw new Error(`no arbitrary for Avro type ${typeName}`);
    }
  };
  return build(type);
}
