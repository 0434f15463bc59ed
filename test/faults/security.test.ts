// Secured servers: Elasticsearch over TLS with file-realm credentials, Kafka over SASL_SSL with SCRAM-SHA-512.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENDORS } from '../../src/vendors/index.js';
import { alertCensus, censusLine, groupLag, readBack } from '../integration/harness/alert-census.js';
import { expectEveryAlertOnce } from './expect-census.js';
import { eventually, metricValue, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { writeFileRealm } from '../integration/harness/es-file-realm.js';
import { createTestFeeds, readTopic, type TestFeeds } from '../integration/harness/feeds.js';
import { sideElasticsearch, sideKafka } from '../integration/harness/side-stack.js';
import { STREAM_HEADERS, TelemetryStream } from '../integration/harness/telemetry-stream.js';
import { createTlsMaterial } from '../integration/harness/tls-material.js';

const ES_PORT = 9260;
const KAFKA_PORT = 9392;
const KAFKA_INTERNAL_PORT = 9394;
const DETECTOR_USER = 'edr-detector';
const ADMIN_USER = 'edr-admin';

const secret = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;
/** Every secret of this suite; none may ever show up in a log line or in /metrics. */
const SECRETS = {
  scramPassword: secret('scram'),
  elasticsearchPassword: secret('espw'),
  adminPassword: secret('admin'),
  keystorePassword: secret('store'),
  wrongScramPassword: secret('wrong-scram'),
  wrongElasticsearchPassword: secret('wrong-espw'),
  // The encoded form of "id:api_key", as Elasticsearch hands API keys out.
  badApiKey: Buffer.from(`${randomBytes(10).toString('hex')}:${randomBytes(11).toString('hex')}`).toString('base64'),
};

/**
 * Least privilege for the detector: its template, its alerts data stream, nothing else. `read` and
 * `delete` serve the look-up of alerts in earlier backing indices (no duplicate across rollovers).
 */
const ROLES_YAML = `edr_detector_writer:
  cluster: [ 'manage_index_templates', 'monitor' ]
  indices:
    - names: [ 'logs-edr_test.alert-*' ]
      privileges: [ 'create_index', 'create_doc', 'auto_configure', 'view_index_metadata', 'read', 'delete' ]
`;

const dir = mkdtempSync(join(tmpdir(), 'edr-security-'));
const tls = createTlsMaterial(dir);
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, `${content}\n`, { mode: 0o600 });
  return path;
};

const elasticsearch = sideElasticsearch({
  name: 'security-es',
  port: ES_PORT,
  env: {
    EDR_STACK_ES_SECURITY: 'true',
    EDR_STACK_ES_SCHEME: 'https',
    EDR_STACK_ES_CURL_AUTH: `${ADMIN_USER}:${SECRETS.adminPassword}`,
    EDR_STACK_ES_EXTRA_CONFIG_DIR: join(dir, 'es-config'),
    EDR_STACK_ES_EXTRA_SETTINGS: [
      'xpack.security.http.ssl.enabled: true',
      'xpack.security.http.ssl.key: server.key',
      'xpack.security.http.ssl.certificate: server.crt',
      'xpack.security.http.ssl.certificate_authorities: [ ca.crt ]',
      'xpack.security.transport.ssl.enabled: true',
      'xpack.security.transport.ssl.key: server.key',
      'xpack.security.transport.ssl.certificate: server.crt',
      'xpack.security.transport.ssl.certificate_authorities: [ ca.crt ]',
      'xpack.security.transport.ssl.verification_mode: certificate',
    ].join('\n'),
  },
});

const kafka = sideKafka({
  name: 'security-kafka',
  port: KAFKA_PORT,
  env: {
    // Clients only get SASL_SSL; the broker talks to itself over a loopback plaintext listener.
    EDR_STACK_KAFKA_LISTENERS: `SASL_SSL://127.0.0.1:${KAFKA_PORT},INTERNAL://127.0.0.1:${KAFKA_INTERNAL_PORT}`,
    EDR_STACK_KAFKA_ADVERTISED: `SASL_SSL://127.0.0.1:${KAFKA_PORT},INTERNAL://127.0.0.1:${KAFKA_INTERNAL_PORT}`,
    EDR_STACK_KAFKA_PROTOCOL_MAP: 'SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    EDR_STACK_KAFKA_INTER_BROKER: 'INTERNAL',
    // The SCRAM credential is written into the metadata log when the storage is formatted.
    EDR_STACK_KAFKA_FORMAT_ARGS: `--add-scram SCRAM-SHA-512=[name=${DETECTOR_USER},password=${SECRETS.scramPassword}]`,
    EDR_STACK_KAFKA_EXTRA_PROPERTIES: [
      'sasl.enabled.mechanisms=SCRAM-SHA-512',
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'ssl.keystore.type=PKCS12',
      `ssl.keystore.location=${tls.pkcs12(SECRETS.keystorePassword)}`,
      `ssl.keystore.password=${SECRETS.keystorePassword}`,
      `ssl.key.password=${SECRETS.keystorePassword}`,
    ].join('\n'),
  },
});

/** The detector's secure settings: CA and credentials from files, as from mounted Secrets. */
function secureEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: tls.caCert,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: DETECTOR_USER,
    KAFKA_SASL_PASSWORD_FILE: file('kafka-password', SECRETS.scramPassword),
    ELASTICSEARCH_CA_FILE: tls.caCert,
    ELASTICSEARCH_USERNAME: DETECTOR_USER,
    ELASTICSEARCH_PASSWORD_FILE: file('es-password', SECRETS.elasticsearchPassword),
    ...overrides,
  };
}

describe('secure connections', () => {
  let feeds: TestFeeds;
  const started: RunningDetector[] = [];

  async function run(env: Record<string, string>, waitReady: boolean): Promise<RunningDetector> {
    const detector = await startDetector({ ...feeds.env, ...env }, { waitReady });
    started.push(detector);
    return detector;
  }

  beforeAll(async () => {
    const esConfig = join(dir, 'es-config');
    mkdirSync(esConfig);
    for (const name of ['ca.crt', 'server.crt', 'server.key']) copyFileSync(join(dir, name), join(esConfig, name));
    writeFileRealm(
      esConfig,
      [
        { name: ADMIN_USER, password: SECRETS.adminPassword, roles: ['superuser'] },
        { name: DETECTOR_USER, password: SECRETS.elasticsearchPassword, roles: ['edr_detector_writer'] },
      ],
      ROLES_YAML,
    );
    await Promise.all([elasticsearch.start(), kafka.start()]);
    feeds = await createTestFeeds('secure', 3, VENDORS, {
      kafka: {
        brokers: [kafka.broker],
        ssl: { ca: [tls.caPem] },
        sasl: { mechanism: 'scram-sha-512', username: DETECTOR_USER, password: SECRETS.scramPassword },
      },
      elasticsearch: { node: elasticsearch.url, auth: { username: ADMIN_USER, password: SECRETS.adminPassword }, tls: { ca: tls.caPem } },
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(started.map((d) => d.stop('SIGKILL')));
    await feeds?.cleanup();
    await Promise.all([elasticsearch.clean(), kafka.clean()]);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('refuses plaintext: Elasticsearch answers only https with credentials, Kafka only SASL_SSL', async () => {
    const plain = await fetch(`http://127.0.0.1:${ES_PORT}/`).then(
      (r) => r.status,
      (error: Error) => error.name,
    );
    expect(plain).not.toBe(200);
    const anonymous = new Client({ node: elasticsearch.url, tls: { ca: tls.caPem } });
    const status = await anonymous.info().then(
      () => 200,
      (error: { meta?: { statusCode?: number } }) => error.meta?.statusCode,
    );
    await anonymous.close();
    expect(status).toBe(401);
  });

  it('carries alerts and dead letters end to end over TLS, SCRAM-SHA-512 and a least-privilege user', async () => {
    const detector = await run(secureEnv(), true);
    const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 61 });
    await stream.connect();
    await stream.send(400);
    const producer = feeds.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: feeds.topicOf.get('endgame') as string,
      messages: [
        { key: 'poison', value: Buffer.alloc(0), headers: { [STREAM_HEADERS.expectAlert]: '0', [STREAM_HEADERS.vendor]: 'endgame' } },
      ],
    });
    await producer.disconnect();
    await stream.disconnect();
    const topics = [...feeds.topicOf.values()];
    await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);

    const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, await readBack(feeds.kafka, topics));
    console.info(censusLine('TLS + SCRAM-SHA-512 + file-realm user', census));
    expectEveryAlertOnce(census);
    expect(census.expected).toBeGreaterThan(10);
    const letters = await readTopic(feeds.kafka, feeds.dlqTopic, 1);
    expect(letters.map((l) => l.headers['edr.dlq.error.code'])).toEqual(['DECODE_EMPTY_VALUE']);
    expect(await metricValue(detector.metricsUrl, 'edr_detector_ready')).toBe(1);
  });

  it('stops at start-up with exit 2 and a clear message on a wrong SCRAM password', async () => {
    const detector = await run(secureEnv({ KAFKA_SASL_PASSWORD_FILE: file('kafka-wrong', SECRETS.wrongScramPassword) }), false);
    expect(await detector.exited).toBe(2);
    expect(detector.output()).toMatch(/Kafka refused the SASL credentials .*KAFKA_SASL_USERNAME.*KAFKA_SASL_PASSWORD/);
  });

  it('stops at start-up with exit 2 and a clear message on a wrong Elasticsearch password', async () => {
    const detector = await run(secureEnv({ ELASTICSEARCH_PASSWORD_FILE: file('es-wrong', SECRETS.wrongElasticsearchPassword) }), false);
    expect(await detector.exited).toBe(2);
    expect(detector.output()).toMatch(/Elasticsearch refused our credentials at https:\/\/127\.0\.0\.1:9260/);
  });

  it('stops at start-up with exit 2 and a clear message on a bad API key', async () => {
    const detector = await run(
      secureEnv({
        ELASTICSEARCH_USERNAME: '',
        ELASTICSEARCH_PASSWORD_FILE: '',
        ELASTICSEARCH_API_KEY_FILE: file('es-api-key', SECRETS.badApiKey),
      }),
      false,
    );
    expect(await detector.exited).toBe(2);
    expect(detector.output()).toMatch(/Elasticsearch refused our credentials at https:\/\/127\.0\.0\.1:9260: check ELASTICSEARCH_API_KEY/);
  });

  it('never prints a secret: not in any log line, not in /metrics', async () => {
    const detector = await run(secureEnv(), true);
    const metrics = await (await fetch(`${detector.metricsUrl}/metrics`)).text();
    const texts = [metrics, ...started.map((d) => d.output())];
    // The start-up line shows the configuration, with secrets redacted.
    expect(detector.output()).toContain('"starting"');
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const text of texts) expect(text.includes(value), `${name} leaked`).toBe(false);
    }
  });
});
