// Builds a vendor's match fast path (VendorFeed.toEcsFields) from one value function per ECS field it can map alone.
import type { AvroRecord, EcsFieldsGuard, EcsFieldsMapping } from '../types.js';

/** Returned by a value function when this record needs fields beyond the ones it reads (rare edge values). */
export const NEEDS_WHOLE_RECORD: unique symbol = Symbol('needs the whole record');

/**
 * How one ECS field is computed on the fast path: the Avro paths it reads, and its value as toEcs
 * leaves it (after cleanup), undefined when toEcs leaves it out. `verdict` is the mapping's guard
 * verdict (0 without a guard): the only way a value may depend on fields outside `reads`.
 */
export interface FieldValue {
  readonly reads: readonly string[];
  readonly value: (record: AvroRecord, verdict: number) => unknown;
}

export interface SubsetOptions {
  /** The vendor's lineage: a field it names nowhere is one toEcs never sets, mapped as absent. */
  readonly lineage?: Readonly<Record<string, readonly string[]>>;
  readonly guard?: EcsFieldsGuard;
}

const ABSENT_FIELD: FieldValue = Object.freeze({ reads: Object.freeze([]), value: () => undefined });

/** No lineage key is the field, lies below it or above it: toEcs never sets anything there. */
function neverSet(field: string, lineage: Readonly<Record<string, readonly string[]>>): boolean {
  return Object.keys(lineage).every((key) => key !== field && !key.startsWith(`${field}.`) && !field.startsWith(`${key}.`));
}

interface Tree {
  readonly children: Map<string, Tree>;
  /** Index of the value function of a leaf. */
  value?: number;
}

function literal(tree: Tree): string {
  const entries = [...tree.children].map(
    ([key, child]) => `${JSON.stringify(key)}: ${child.value !== undefined ? `v${child.value}` : literal(child)}`,
  );
  return `{ ${entries.join(', ')} }`;
}

/**
 * A mapping that sets just `fields`, each with its value function; undefined when any field has
 * none (or one field is an object holding another), and the caller keeps the whole toEcs. The
 * document is one object literal of fixed shape, generated once: a field toEcs would leave out
 * holds undefined, which every reader of the document (the matcher included) takes as absent.
 */
export function subsetMapper(
  fields: readonly string[],
  valueOf: Readonly<Record<string, FieldValue>>,
  options: SubsetOptions = {},
): EcsFieldsMapping | undefined {
  const root: Tree = { children: new Map() };
  const values: FieldValue['value'][] = [];
  const reads = new Set<string>();
  for (const field of new Set(fields)) {
    const known = Object.hasOwn(valueOf, field)
      ? valueOf[field]!
      : options.lineage && neverSet(field, options.lineage)
        ? ABSENT_FIELD
        : undefined;
    if (known === undefined) return undefined;
    let node = root;
    for (const key of field.split('.')) {
      if (node.value !== undefined) return undefined;
      let child = node.children.get(key);
      if (!child) node.children.set(key, (child = { children: new Map() }));
      node = child;
    }
    if (node.children.size > 0) return undefined;
    node.value = values.push(known.value) - 1;
    for (const path of known.reads) reads.add(path);
  }
  const guard = options.guard;
  const computed = values.map((_, i) => `const v${i} = V[${i}](record, verdict);\nif (v${i} === N) return undefined;\n`).join('');
  const source = `return function mapFields(record) {\nconst verdict = G === undefined ? 0 : G.classify(record);\n${computed}return ${literal(root)};\n};`;
  // oxlint-disable-next-line typescript/no-implied-eval -- a generated mapper, measured faster in bench/ (README: how the hot path works).
  const map = new Function('V', 'N', 'G', source)(values, NEEDS_WHOLE_RECORD, guard) as EcsFieldsMapping['map'];
  return { reads: [...reads].sort(), map, ...(guard ? { guard } : {}) };
}

/** Value functions that read exactly their field's lineage. */
export function readingLineage(
  lineage: Readonly<Record<string, readonly string[]>>,
  values: Readonly<Record<string, FieldValue['value']>>,
): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(values).map(([field, value]) => [field, { reads: lineage[field] ?? [], value }]));
}

/** Reads the string at a dotted path of a nested record; the keys are split once, here. */
export function stringPath(path: string): (record: AvroRecord) => string | undefined {
  const keys = path.split('.');
  return (record) => {
    let node: unknown = record;
    for (let i = 0; i < keys.length; i++) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as AvroRecord)[keys[i]!];
    }
    return typeof node === 'string' ? node : undefined;
  };
}
