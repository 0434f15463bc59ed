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

export const TEST_STACK = {
  kafkaBroker: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  elasticsearchUrl: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200',
  /** The Confluent API of the stack's registry (scripts/stack/registry.sh); its port follows EDR_STACK_REGISTRY_PORT. */
  schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? `http://127.0.0.1:${process.env.EDR_STACK_REGISTRY_PORT ?? '8081'}/apis/ccompat/v7`,
  /** False when the stack runs without its registry (EDR_STACK_REGISTRY=false). */
  schemaRegistryEnabled: (process.env.EDR_STACK_REGISTRY ?? 'true') === 'true',
  kafkaVersion: pomProperty('kafka.version'),
  elasticsearchVersion: pomProperty('elasticsearch.version'),
  registryVersion: pomProperty('apicurio.version'),
  kafkaServerLog: join(stackDir, 'run', 'default', 'kafka', 'logs', 'server.log'),
} as const;
