// Where the tests (and the demo) find the local stack that test/global-setup.ts brings up (scripts/stack/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../../../src/package-root.js';

const pom = readFileSync(packagePath('scripts', 'stack', 'pom.xml'), 'utf8');
const stackDir = process.env.EDR_STACK_DIR ?? packagePath('.stack');

function pomProperty(name: string): string {
  const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(pom)?.[1];
  if (!value) throw new Error(`scripts/stack/pom.xml has no <${name}>`);
  return value;
}

/** The stack's Kafka port (EDR_STACK_KAFKA_PORT); the registry's default port and the suites' side ports follow it. */
const kafkaPort = Number(process.env.EDR_STACK_KAFKA_PORT ?? 9092);
const registryPort = Number(process.env.EDR_STACK_REGISTRY_PORT ?? kafkaPort - 11);

/**
 * A port for a server a suite starts beside the stack: `offset` above the stack's Kafka port, so two
 * stacks on one machine (each moved with EDR_STACK_KAFKA_PORT) do not collide; `variable` overrides it.
 */
export function portBesideStack(offset: number, variable: string): number {
  const fixed = process.env[variable];
  return fixed ? Number(fixed) : kafkaPort + offset;
}

export const TEST_STACK = {
  kafkaBroker: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  elasticsearchUrl: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200',
  /** The Confluent API of the stack's registry (scripts/stack/registry.sh), unless SCHEMA_REGISTRY_URL names another. */
  schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? `http://127.0.0.1:${registryPort}/apis/ccompat/v7`,
  /** False when the stack runs without its registry (EDR_STACK_REGISTRY=false). */
  schemaRegistryEnabled: (process.env.EDR_STACK_REGISTRY ?? 'true') === 'true',
  kafkaVersion: pomProperty('kafka.version'),
  elasticsearchVersion: pomProperty('elasticsearch.version'),
  registryVersion: pomProperty('apicurio.version'),
  kafkaServerLog: join(stackDir, 'run', 'default', 'kafka', 'logs', 'server.log'),
} as const;
