// Where the tests find the local stack that test/global-setup.ts brings up (scripts/stack/).
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
  kafkaVersion: pomProperty('kafka.version'),
  elasticsearchVersion: pomProperty('elasticsearch.version'),
  kafkaServerLog: join(stackDir, 'run', 'default', 'kafka', 'logs', 'server.log'),
} as const;
