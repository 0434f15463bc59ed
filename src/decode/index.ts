// The decode stage's public surface: what the Kafka pipeline, producers and benchmarks import.
export { createDecoder, createProjectedDecoder, type DecoderOptions, type ProjectionFields, type RecordDecoder } from './decoder.js';
export { encodeRecord, type EncodeOptions } from './encoder.js';
export { CONFLUENT_HEADER_BYTES, CONFLUENT_MAGIC, frameConfluent, type ValueFormat } from './framing.js';
export { lineagePaths, projectedType, projectSchema } from './projection.js';
export { SchemaRegistryClient, type CachedSchema, type SchemaRegistryClientOptions } from './schema-registry-client.js';
export { bundledType, parseSchema, readSchemaJson } from './schemas.js';
export { SCHEMA_PENDING, type DecodableFeed, type SchemaPending } from './writer-schemas.js';
