// `npm run backfill`: the loaded rules over a past window of the feed topics, alerts into the alerts data stream.
import { pino } from 'pino';
import { elasticsearchSettings, kafkaSettings } from '../config/client-settings.js';
import { ConfigError, loadConfig, type Config } from '../config/load.js';
import { isDetectorError } from '../errors.js';
import { createKafka } from '../kafka/client.js';
import type { DetectionSet } from '../ruleset/detection-set.js';
import { buildFeedRuntimes } from '../ruleset/feed-runtimes.js';
import { loadDetectionSet } from '../ruleset/load-detection-set.js';
import { AlertSink } from '../sinks/elasticsearch/alert-sink.js';
import { createElasticsearchClient } from '../sinks/elasticsearch/client.js';
import { installAlertTemplateWhenReachable } from '../sinks/elasticsearch/install-template.js';
import { createLogger } from '../telemetry/logger.js';
import { VENDORS } from '../vendors/index.js';
import { BackfillArgsError, parseBackfillArgs, type BackfillArgs } from './args.js';
import { runBackfill } from './backfill.js';
import { BackfillProgress } from './progress.js';
import { planWindows } from '../kafka/offset-window.js';

/** Exit codes: 0 the whole window done; 1 interrupted, failed, or alerts refused; 2 bad arguments, settings or rules. */
const EXIT_INCOMPLETE = 1;
const EXIT_CONFIG = 2;
const REFUSED_SHOWN = 20;

function fail(message: string, code: number): never {
  process.stderr.write(`edr-dbdump-detector backfill: ${message}\n`);
  process.exit(code);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function setUp(): Promise<{ args: BackfillArgs; config: Config; detection: DetectionSet }> {
  let args: BackfillArgs;
  let config: Config;
  try {
    args = parseBackfillArgs(process.argv.slice(2), Date.now());
    config = loadConfig(process.env, VENDORS);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, EXIT_CONFIG);
    if (error instanceof BackfillArgsError) fail(`invalid arguments:\n${error.message}`, EXIT_CONFIG);
    throw error;
  }
  try {
    // The live service's detection set: rules, their exception lists and suppression (--rules replaces RULES_DIR only).
    return { args, config, detection: await loadDetectionSet({ ...config, RULES_DIR: args.rulesDir ?? config.RULES_DIR }) };
  } catch (error) {
    if (isDetectorError(error)) fail(error.message, EXIT_CONFIG);
    throw error;
  }
}

/**
 * Node prints process warnings as plain text; kafkajs triggers one (a negative timer delay, clamped to
 * 1 ms) whenever its request queue idles. That one is noise; others go to stderr on one line.
 */
function quietProcessWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning')
      process.stderr.write(`edr-dbdump-detector backfill: ${warning.name}: ${warning.message}\n`);
  });
}

async function main(): Promise<void> {
  quietProcessWarnings();
  const { args, config, detection } = await setUp();
  // Progress goes to stdout for people; the structured log (warnings and worse) to stderr.
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, pino.destination(2));
  const elasticsearch = createElasticsearchClient(elasticsearchSettings(config));
  const kafka = createKafka({ ...kafkaSettings(config), clientId: `${config.KAFKA_CLIENT_ID}-backfill` }, logger);

  const alertStream = { dataStream: config.ALERTS_DATA_STREAM, retention: config.ALERTS_RETENTION };
  await installAlertTemplateWhenReachable(elasticsearch, alertStream, config.ELASTICSEARCH_STARTUP_TIMEOUT_MS, (error, attempt) =>
    logger.warn({ error, attempt }, 'Elasticsearch not ready for the alerts template yet; retrying'),
  ).catch((error: unknown) =>
    fail(
      error instanceof Error ? error.message : String(error),
      isDetectorError(error) && error.code === 'CONFIG_INVALID' ? EXIT_CONFIG : EXIT_INCOMPLETE,
    ),
  );

  const topics = config.feeds.map((feed) => feed.topic);
  const admin = kafka.admin();
  await admin.connect();
  let windows: Awaited<ReturnType<typeof planWindows>>;
  try {
    windows = await planWindows(admin, topics, args.fromMs, args.toMs);
  } finally {
    await admin.disconnect();
  }
  const startedMs = Date.now();
  const progress = new BackfillProgress(windows, startedMs);
  const { byTopic: runtimes, idle } = buildFeedRuntimes(config.feeds, detection, {
    format: config.VALUE_FORMAT,
    registryUrl: config.SCHEMA_REGISTRY_URL,
    registryUsername: config.SCHEMA_REGISTRY_USERNAME,
    registryPassword: config.SCHEMA_REGISTRY_PASSWORD,
  });

  const to = args.toMs === undefined ? "the partitions' end offsets as of now" : new Date(args.toMs).toISOString();
  say(
    `backfill: ${new Date(args.fromMs).toISOString()} to ${to}: ${topics.length} topic(s), ${windows.length} partition(s), ${progress.total.toLocaleString('en-US')} offsets`,
  );
  const running = detection.rules.filter((rule) => !idle.includes(rule));
  const described =
    running
      .map(({ rule }) => `"${rule.name}"`)
      .slice(0, 10)
      .join(', ') + (running.length > 10 ? ` and ${running.length - 10} more` : '');
  say(`backfill: rules ${described}; alerts to ${config.ALERTS_DATA_STREAM}`);
  say(
    `backfill: detection set ${detection.fingerprint}: ${detection.exceptions.lists.size} exception list(s), ${running.filter((rule) => rule.suppression !== undefined).length} rule(s) suppressing, ${idle.length} rule(s) matching no enabled feed`,
  );

  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(EXIT_INCOMPLETE);
    say('backfill: stopping (a second signal exits at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ticker = setInterval(() => say(progress.progressLine(Date.now())), args.progressEverySeconds * 1000);

  const writer = new AlertSink(elasticsearch, {
    dataStream: config.ALERTS_DATA_STREAM,
    maxBackoffMs: config.ELASTICSEARCH_RETRY_MAX_BACKOFF_MS,
    hooks: {
      onBackedUp: (reason, attempt, delayMs) =>
        say(`backfill: Elasticsearch is not accepting alerts (${reason}); attempt ${attempt}, next in ${delayMs} ms`),
    },
  });
  let failure: unknown;
  let result: Awaited<ReturnType<typeof runBackfill>> = { interrupted: true, refused: [] };
  try {
    result = await runBackfill({
      kafka,
      groupId: `${config.KAFKA_GROUP_ID}-backfill-${startedMs}`,
      runtimesByTopic: runtimes,
      sink: writer,
      progress,
      maxBytesPerPartition: config.KAFKA_MAX_BYTES_PER_PARTITION,
      signal: abort.signal,
    });
  } catch (error) {
    failure = error;
  } finally {
    clearInterval(ticker);
    await elasticsearch.close().catch(() => undefined);
  }

  for (const line of progress.summaryLines(Date.now(), result.interrupted || failure !== undefined)) say(line);
  for (const refused of result.refused.slice(0, REFUSED_SHOWN)) {
    say(
      `  refused alert ${refused.id} from ${refused.topic}/${refused.partition}@${refused.offset}: HTTP ${refused.status} ${refused.reason}`,
    );
  }
  if (result.refused.length > REFUSED_SHOWN) say(`  … and ${result.refused.length - REFUSED_SHOWN} more refused alerts`);
  if (failure !== undefined)
    fail(
      `stopped by an error: ${failure instanceof Error ? failure.message : JSON.stringify(failure)}; run it again, alerts already written are not duplicated`,
      EXIT_INCOMPLETE,
    );
  process.exit(result.interrupted || result.refused.length > 0 ? EXIT_INCOMPLETE : 0);
}

main().catch((error: unknown) => {
  fail(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, EXIT_INCOMPLETE);
});
