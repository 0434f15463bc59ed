// Where a Confluent schema id's writer schema comes from: the bundled ids, or a schema registry (cached).
import type avro from 'avsc';
import { DetectorError } from '../errors.js';
import type { VendorFeed } from '../vendors/types.js';
import { decodeError } from './decode-error.js';
import { peekConfluentSchemaId } from './framing.js';
import type { SchemaRegistryClient } from './schema-registry-client.js';
import { parseSchema } from './schemas.js';

/** What the decoder needs of a feed: its id (for messages), schema file and bundled schema id. */
export type DecodableFeed = Pick<VendorFeed, 'id' | 'schemaFile' | 'bundledSchemaId'>;

/** Returned instead of a record when the writer schema must first be fetched (see `prepare`). */
export const SCHEMA_PENDING: unique symbol = Symbol('SCHEMA_PENDING');
export type SchemaPending = typeof SCHEMA_PENDING;

export interface WriterSchemaSource {
  /**
   * The writer type of schema `id` without I/O, or SCHEMA_PENDING when only the registry can tell.
   * Throws DECODE_UNKNOWN_SCHEMA, DECODE_INCOMPATIBLE_SCHEMA (not Avro) or DECODE_REGISTRY_UNAVAILABLE
   * (the last `prepare` could not reach the registry for this id).
   */
  writerType(vendor: DecodableFeed, id: number): avro.Type | SchemaPending;
  /**
   * Fetches the writer schemas of these Confluent-framed values that are not cached yet. Returns
   * undefined when there is nothing to fetch (the caller can skip the await). Resolves once every
   * id has an answer (found or missing); rejects with DECODE_REGISTRY_UNAVAILABLE (retriable) when
   * the registry could not be asked, after all look-ups settled. That failure is also remembered
   * per id and thrown by `writerType` until the next `prepare` retries the id.
   */
  prepare(values: Iterable<Buffer | null | undefined>): Promise<void> | undefined;
}

/** Without a registry: an id is one of the fixed ids assigned to the bundled schemas. */
export function bundledWriterSchemas(
  vendors: readonly DecodableFeed[],
  schemaOf: (vendor: DecodableFeed) => avro.Type,
): WriterSchemaSource {
  const byId = new Map<number, DecodableFeed>();
  for (const vendor of vendors) {
    const other = byId.get(vendor.bundledSchemaId);
    if (other && other.id !== vendor.id) {
      throw new DetectorError(
        'CONFIG_INVALID',
        `bundled schema id ${vendor.bundledSchemaId} is assigned to both ${other.id} and ${vendor.id}`,
      );
    }
    byId.set(vendor.bundledSchemaId, vendor);
  }
  const known = () => [...byId].map(([id, vendor]) => `${id} ${vendor.id}`).join(', ');
  return {
    writerType(vendor, id) {
      // The feed being decoded always knows its own id, even when `vendors` was not given.
      const owner = id === vendor.bundledSchemaId ? vendor : byId.get(id);
      if (!owner) {
        throw decodeError(
          'DECODE_UNKNOWN_SCHEMA',
          vendor.id,
          `schema id ${id} is not a bundled schema id (${known() || `${vendor.bundledSchemaId} ${vendor.id}`}) and no schema registry is configured`,
        );
      }
      return schemaOf(owner);
    },
    prepare: () => undefined,
  };
}

/** Failures worth remembering per id: the schema exists but is not usable Avro. */
interface UnusableSchema {
  readonly reason: string;
  readonly cause?: unknown;
}

/** With a registry: every id is resolved through it (bundled ids may mean something else there). */
export function registryWriterSchemas(registry: SchemaRegistryClient): WriterSchemaSource {
  // Parsed once per id: registry ids are immutable.
  const parsed = new Map<number, avro.Type | UnusableSchema>();
  const unreachable = new Map<number, DetectorError>();

  const parse = (id: number, schema: string, schemaType: string): avro.Type | UnusableSchema => {
    let result: avro.Type | UnusableSchema;
    if (schemaType !== 'AVRO') {
      result = { reason: `writer schema id ${id} is a ${schemaType} schema, not Avro` };
    } else {
      try {
        result = parseSchema(schema);
      } catch (error) {
        result = {
          reason: `writer schema id ${id} from the registry is not valid Avro: ${error instanceof Error ? error.message : String(error)}`,
          cause: error,
        };
      }
    }
    parsed.set(id, result);
    return result;
  };

  const isResolved = (id: number): boolean => parsed.has(id) || registry.cached(id) !== undefined;

  return {
    writerType(vendor, id) {
      let type = parsed.get(id);
      if (type === undefined) {
        const cached = registry.cached(id);
        if (cached === undefined) {
          const failure = unreachable.get(id);
          if (failure) throw decodeError('DECODE_REGISTRY_UNAVAILABLE', vendor.id, failure.message, failure);
          return SCHEMA_PENDING;
        }
        if (cached.kind === 'missing') {
          throw decodeError('DECODE_UNKNOWN_SCHEMA', vendor.id, `schema id ${id} is not in the registry at ${registry.baseUrl}`);
        }
        type = parse(id, cached.schema, cached.schemaType);
      }
      if ('reason' in type) throw decodeError('DECODE_INCOMPATIBLE_SCHEMA', vendor.id, type.reason, type.cause);
      return type;
    },
    prepare(values) {
      const missing = new Set<number>();
      for (const value of values) {
        const id = peekConfluentSchemaId(value);
        if (id !== undefined && !isResolved(id)) missing.add(id);
      }
      if (missing.size === 0) return undefined;
      let failure: DetectorError | undefined;
      const fetches = [...missing].map((id) =>
        registry.lookup(id).then(
          () => void unreachable.delete(id),
          (error: unknown) => {
            failure =
              error instanceof DetectorError ? error : new DetectorError('DECODE_REGISTRY_UNAVAILABLE', String(error), { cause: error });
            unreachable.set(id, failure);
          },
        ),
      );
      return Promise.all(fetches).then(() => {
        if (failure) throw failure;
      });
    },
  };
}
