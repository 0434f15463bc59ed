// Composition root: configuration -> detection set -> service -> signals (SIGHUP reloads) -> graceful stop.
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, redactedConfig, type Config } from './config/load.js';
import { isDetectorError } from './errors.js';
import { packagePath } from './package-root.js';
import type { DetectionSet } from './ruleset/detection-set.js';
import { loadDetectionSet } from './ruleset/load-detection-set.js';
import { startService } from './service.js';
import { createLogger } from './telemetry/logger.js';
import { VENDORS } from './vendors/index.js';

/** Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration or rules (fix before restarting). */
const EXIT_RUNTIME = 1;
const EXIT_CONFIG = 2;
/** Up to this many loaded rules are named in the start-up log line. */
const LOGGED_RULES = 50;

function fail(message: string, code: number): never {
  process.stderr.write(`edr-dbdump-detector: ${message}\n`);
  process.exit(code);
}

/**
 * Node prints process warnings as plain text on stderr, which breaks a JSON log stream. They go
 * through the logger instead. (kafkajs' negative timer, which used to warn on every start, is fixed
 * at its cause: src/kafka/kafkajs-timer-fix.ts.)
 */
function routeProcessWarnings(logger: ReturnType<typeof createLogger>): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    logger.warn({ warning: { name: warning.name, message: warning.message } }, 'process warning');
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, VENDORS);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, EXIT_CONFIG);
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  routeProcessWarnings(logger);
  const version = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;

  let detection: DetectionSet;
  try {
    detection = await loadDetectionSet(config);
  } catch (error) {
    if (isDetectorError(error)) fail(error.message, EXIT_CONFIG);
    throw error;
  }
  const rules = detection.loaded;
  const refused = rules.verdicts.filter((verdict) => verdict.status !== 'loaded');
  for (const verdict of refused) {
    logger.warn(
      {
        rule: { file: verdict.file, id: verdict.ruleId, name: verdict.name },
        status: verdict.status,
        reasonCode: verdict.reasonCode,
        reason: verdict.reason,
      },
      'rule refused; it will not run',
    );
  }
  logger.info(
    {
      version,
      config: redactedConfig(config),
      rules: {
        loaded: rules.rules.length,
        refused: refused.length,
        notRules: rules.notRules.length,
        // Named when few (a whole detection-rules tree would make this line enormous; rules check lists them).
        ...(rules.rules.length <= LOGGED_RULES
          ? { names: rules.rules.map((r) => ({ id: r.rule.id, name: r.rule.name, version: r.rule.version })) }
          : {}),
      },
      fieldsRead: rules.fieldsRead,
      exceptionLists: detection.exceptions.lists.size,
      fingerprint: detection.fingerprint,
    },
    'starting',
  );

  let service: Awaited<ReturnType<typeof startService>> | undefined;
  // Registered before start-up: Node's default for SIGHUP is to exit, which a reload must never do.
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading rules, exceptions and suppression settings');
    void service?.reload('SIGHUP');
  });
  try {
    service = await startService(config, detection, logger, { version });
  } catch (error) {
    // A coded error is a known condition with a message that says what to do: no stack trace.
    if (isDetectorError(error)) logger.fatal({ 'error.code': error.code, 'error.stage': error.stage }, `start-up failed: ${error.message}`);
    else logger.fatal({ error }, 'start-up failed');
    const code = isDetectorError(error) && error.code === 'CONFIG_INVALID' ? EXIT_CONFIG : EXIT_RUNTIME;
    fail(error instanceof Error ? error.message : String(error), code);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(EXIT_RUNTIME);
    }
    logger.info({ signal, boundMs: config.SHUTDOWN_TIMEOUT_MS }, 'stopping: finishing in-flight batches');
    const deadline = setTimeout(() => {
      logger.error({ boundMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown bound exceeded; exiting without a clean stop');
      process.exit(EXIT_RUNTIME);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    void service.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  fail(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, EXIT_RUNTIME);
});
