// Turns the process environment into a validated Config, or one error listing every problem.
import { readFileSync } from 'node:fs';
import { DetectorError } from '../errors.js';
import { packagePath } from '../package-root.js';
import { checkGroupBy } from '../suppression/suppression-settings.js';
import type { VendorFeed } from '../vendors/types.js';
import { environmentSchema, SECRET_VARIABLES, topicSchema, type Environment } from './schema.js';

export interface FeedConfig {
  vendor: VendorFeed;
  topic: string;
}

export interface Config extends Omit<Environment, 'RULES_DIR' | 'EXCEPTIONS_DIR'> {
  RULES_DIR: string;
  EXCEPTIONS_DIR: string;
  /** The enabled feeds: each vendor whose topic variable is not empty. */
  feeds: FeedConfig[];
  /** CA certificates read from the *_CA_FILE settings. */
  kafkaCa?: string;
  elasticsearchCa?: string;
}

export class ConfigError extends DetectorError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

/** Reads `<NAME>_FILE` secrets into NAME (trailing newline trimmed); both set is a problem. */
function resolveSecretFiles(env: Env, problems: string[]): Env {
  const resolved: Env = { ...env };
  for (const name of SECRET_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name]) {
      problems.push(`${name} and ${name}_FILE are both set; set only one`);
      continue;
    }
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return resolved;
}

function readCa(variable: string, file: string | undefined, problems: string[]): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

/** Treats empty strings as unset, except topics, where empty means "feed disabled". */
function withoutEmptyValues(env: Env, keepEmpty: ReadonlySet<string>): Env {
  const out: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === '' && !keepEmpty.has(key)) continue;
    out[key] = value;
  }
  return out;
}

function crossFieldProblems(env: Environment, feeds: FeedConfig[]): string[] {
  const problems: string[] = [];
  if (feeds.length === 0) problems.push('every TOPIC_* variable is empty: enable at least one feed');
  const seen = new Map<string, string>();
  for (const feed of feeds) {
    const other = seen.get(feed.topic);
    if (other) problems.push(`${feed.vendor.topicVariable}: topic "${feed.topic}" is also used by ${other}`);
    seen.set(feed.topic, feed.vendor.topicVariable);
    if (feed.topic === env.DLQ_TOPIC) problems.push(`${feed.vendor.topicVariable}: the dead-letter topic cannot be a feed`);
  }
  if (env.KAFKA_SASL_MECHANISM && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
    problems.push('KAFKA_SASL_MECHANISM is set: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or _FILE) are required');
  }
  if (!env.KAFKA_SASL_MECHANISM && (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD)) {
    problems.push('KAFKA_SASL_USERNAME/PASSWORD are set but KAFKA_SASL_MECHANISM is not');
  }
  problems.push(
    ...checkGroupBy(env.SUPPRESSION_GROUP_BY, 'SUPPRESSION_GROUP_BY').filter(
      (problem) => env.SUPPRESSION_GROUP_BY.length > 0 || !problem.includes('1 to 3'),
    ),
  );
  if (env.KAFKA_SSL_CA_FILE && !env.KAFKA_SSL) problems.push('KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true');
  if (env.ELASTICSEARCH_API_KEY && (env.ELASTICSEARCH_USERNAME || env.ELASTICSEARCH_PASSWORD)) {
    problems.push('ELASTICSEARCH_API_KEY and ELASTICSEARCH_USERNAME/PASSWORD are exclusive: choose one');
  }
  if (Boolean(env.ELASTICSEARCH_USERNAME) !== Boolean(env.ELASTICSEARCH_PASSWORD)) {
    problems.push('ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD go together');
  }
  if (env.ELASTICSEARCH_CA_FILE && !env.ELASTICSEARCH_URL.startsWith('https:')) {
    problems.push('ELASTICSEARCH_CA_FILE is set but ELASTICSEARCH_URL is not https');
  }
  return problems;
}

/**
 * Validates the whole environment at once. Throws ConfigError naming every bad variable, so an
 * operator fixes a deployment in one round instead of one crash per mistake.
 */
export function loadConfig(rawEnv: Env, vendors: readonly VendorFeed[]): Config {
  const problems: string[] = [];
  const topicVariables = new Set(vendors.map((vendor) => vendor.topicVariable));
  const env = resolveSecretFiles(withoutEmptyValues(rawEnv, topicVariables), problems);
  const schema = environmentSchema.extend(
    Object.fromEntries(vendors.map((vendor) => [vendor.topicVariable, topicSchema.default(vendor.defaultTopic)])),
  );
  const relevant: Env = {};
  for (const key of Object.keys(schema.shape)) relevant[key] = env[key];

  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const values = parsed.data as Environment & Record<string, unknown>;
  const feeds: FeedConfig[] = [];
  for (const vendor of vendors) {
    const topic = values[vendor.topicVariable];
    if (typeof topic === 'string' && topic !== '') feeds.push({ vendor, topic });
  }
  problems.push(...crossFieldProblems(values, feeds));
  if (rawEnv.ALERTS_INDEX !== undefined) {
    // Silently ignoring it would send alerts somewhere the operator does not expect.
    problems.push('ALERTS_INDEX is no longer read: alerts go to the data stream named by ALERTS_DATA_STREAM; remove ALERTS_INDEX');
  }
  const kafkaCa = readCa('KAFKA_SSL_CA_FILE', values.KAFKA_SSL_CA_FILE, problems);
  const elasticsearchCa = readCa('ELASTICSEARCH_CA_FILE', values.ELASTICSEARCH_CA_FILE, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    ...values,
    RULES_DIR: values.RULES_DIR ?? packagePath('rules'),
    EXCEPTIONS_DIR: values.EXCEPTIONS_DIR ?? packagePath('exceptions'),
    feeds,
    ...(kafkaCa ? { kafkaCa } : {}),
    ...(elasticsearchCa ? { elasticsearchCa } : {}),
  };
}

/** The configuration with every secret masked, for the start-up log line. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...config, feeds: config.feeds.map((f) => ({ vendor: f.vendor.id, topic: f.topic })) };
  for (const name of SECRET_VARIABLES) if (masked[name] !== undefined) masked[name] = '[redacted]';
  delete masked.kafkaCa;
  delete masked.elasticsearchCa;
  return masked;
}
