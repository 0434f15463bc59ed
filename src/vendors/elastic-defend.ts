// Elastic Defend process events: the record already is the ECS document, so mapping restores `@timestamp` and prunes empties.
import type { EcsEvent } from '../ecs/event.js';
import { readingLineage, subsetMapper, type FieldValue } from './shared/field-subset.js';
import { readSchemaJson, type AvroSchemaJson } from './shared/schema-file.js';
import type { AvroRecord, VendorFeed } from './types.js';

const SCHEMA_FILE = 'elastic-defend.avsc';
const DATASET = 'endpoint.events.process';
const MODULE = 'endpoint';

// Avro names cannot hold `@`, so the schema spells ECS `@timestamp` as a top-level `timestamp`.
const AVRO_TIMESTAMP = 'timestamp';
const ECS_TIMESTAMP = '@timestamp';

type SchemaJson = AvroSchemaJson;
interface SchemaField {
  name: string;
  type: unknown;
}

let schemaJson: SchemaJson | undefined;
function schema(): SchemaJson {
  schemaJson ??= readSchemaJson(SCHEMA_FILE);
  return schemaJson;
}

function recordFields(type: unknown): SchemaField[] | undefined {
  if (Array.isArray(type)) {
    for (const branch of type) {
      const fields = recordFields(branch);
      if (fields) return fields;
    }
    return undefined;
  }
  if (type !== null && typeof type === 'object' && (type as { type?: unknown }).type === 'record') {
    return (type as { fields: SchemaField[] }).fields;
  }
  return undefined;
}

/** Every leaf of the schema as a dotted Avro path: the ECS field it carries has the same path. */
function leafPaths(type: unknown, prefix: string): string[] {
  const paths: string[] = [];
  for (const field of recordFields(type) ?? []) {
    const path = prefix + field.name;
    const children = recordFields(field.type);
    if (children) paths.push(...leafPaths(field.type, path + '.'));
    else paths.push(path);
  }
  return paths;
}

function ecsPathOf(avroPath: string): string {
  return avroPath === AVRO_TIMESTAMP ? ECS_TIMESTAMP : avroPath;
}

let lineageTable: Readonly<Record<string, readonly string[]>> | undefined;
function lineage(): Readonly<Record<string, readonly string[]>> {
  lineageTable ??= Object.freeze(Object.fromEntries(leafPaths(schema(), '').map((path) => [ecsPathOf(path), Object.freeze([path])])));
  return lineageTable;
}

/**
 * A plain copy of a decoded value without nulls, empty arrays and empty objects (undefined when
 * nothing is left). Empty strings are kept: Defend sends them (a parent without a command line)
 * and Elastic indexes them as sent.
 */
function pruned(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.filter((item) => item !== null && item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const kept = pruned(child);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

function child(record: AvroRecord | undefined, key: string): AvroRecord | undefined {
  const value = record?.[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as AvroRecord) : undefined;
}

function toEcs(record: AvroRecord): EcsEvent {
  const body = (pruned(record) ?? {}) as Record<string, unknown>;
  const doc: Record<string, unknown> = {};
  const timestamp = body[AVRO_TIMESTAMP];
  if (timestamp !== undefined) doc[ECS_TIMESTAMP] = timestamp;
  for (const [key, value] of Object.entries(body)) {
    if (key !== AVRO_TIMESTAMP) doc[key] = value;
  }
  // The integration's data stream fixes dataset and module even when the agent left them out.
  const event = (doc['event'] ?? {}) as Record<string, unknown>;
  if (typeof event['dataset'] !== 'string' || event['dataset'] === '') event['dataset'] = DATASET;
  if (typeof event['module'] !== 'string' || event['module'] === '') event['module'] = MODULE;
  doc['event'] = event;
  return doc;
}

/** A non-empty string is kept; anything else gives way to the data stream's constant. */
function streamConstant(record: AvroRecord, key: string, constant: string): string {
  const value = child(record, 'event')?.[key];
  return typeof value === 'string' && value !== '' ? value : constant;
}

/**
 * The match fast path: every ECS field is its Avro field, pruned as toEcs prunes it; dataset and
 * module fall back to their constants as in toEcs.
 */
let fieldValueTable: Readonly<Record<string, FieldValue>> | undefined;
function fieldValues(): Readonly<Record<string, FieldValue>> {
  if (fieldValueTable) return fieldValueTable;
  const table: Record<string, FieldValue['value']> = {};
  for (const [ecsPath, [avroPath]] of Object.entries(lineage())) {
    const keys = (avroPath as string).split('.');
    table[ecsPath] = (record) => {
      let node: unknown = record;
      for (const key of keys) {
        if (node === null || typeof node !== 'object') return undefined;
        node = (node as AvroRecord)[key];
      }
      return pruned(node);
    };
  }
  table['event.dataset'] = (record) => streamConstant(record, 'dataset', DATASET);
  table['event.module'] = (record) => streamConstant(record, 'module', MODULE);
  return (fieldValueTable = readingLineage(lineage(), table));
}

/**
 * Defend's event.id is unique per endpoint, not across the fleet; the agent id (else host id) in
 * front keeps two hosts' events from sharing an alert id and one of them being dropped as a 409.
 */
function eventIdentity(record: AvroRecord): string | undefined {
  const id = child(record, 'event')?.['id'];
  if (typeof id !== 'string' || id === '') return undefined;
  const agentId = child(record, 'agent')?.['id'];
  const hostId = child(record, 'host')?.['id'];
  const scope = typeof agentId === 'string' && agentId !== '' ? agentId : typeof hostId === 'string' ? hostId : '';
  return scope ? `${scope}|${id}` : id;
}

export const elasticDefend: VendorFeed = {
  id: 'elastic-defend',
  title: 'Elastic Defend',
  topicVariable: 'TOPIC_ELASTIC_DEFEND',
  defaultTopic: 'edr.elastic-defend',
  schemaFile: SCHEMA_FILE,
  bundledSchemaId: 1001,
  dataset: DATASET,
  module: MODULE,
  toEcs,
  toEcsFields: (fields) => subsetMapper(fields, fieldValues()),
  eventIdentity,
  // Identity: each ECS field is read from the Avro field of the same path (`@timestamp` from `timestamp`).
  // Computed from the schema on first use so the two can never disagree.
  get lineage() {
    return lineage();
  },
};
