// In-process throughput of decode -> ECS -> match per vendor and for the mixed stream, beside avsc full decode.
import { basename } from 'node:path';
import { createFeedDecoders } from '../src/decode/feed-decoder.js';
import { CONFLUENT_HEADER_BYTES } from '../src/decode/framing.js';
import { bundledType } from '../src/decode/schemas.js';
import { rulesForFeed } from '../src/detect/feed-applicability.js';
import { loadRules, type LoadedRules } from '../src/detect/load-rules.js';
import { packagePath } from '../src/package-root.js';
import { evaluateBatch } from '../src/pipeline/evaluate-batch.js';
import type { FeedRuntime } from '../src/pipeline/feed-runtime.js';
import { VENDORS } from '../src/vendors/index.js';
import type { VendorFeed } from '../src/vendors/types.js';
import { createBaselinePipeline, type BaselinePipeline, type BatchMessage } from './lib/baseline-pipeline.js';
import { profileWhile, selfTimeByArea, topSelfTime, type SelfTime } from './lib/profile.js';
import { writeGeneratedRules } from './lib/generated-rules.js';
import { BENCH_MIX, encodedSamples } from './lib/samples.js';
import type { SampleMix } from '../scripts/samples/sample-stream.js';
import { median, ratio, round, spreadPercent, thousands } from './lib/stats.js';

export interface InProcessOptions {
  recordsPerVendor: number;
  rounds: number;
  batchSize: number;
  /** Each measurement repeats its stream until at least this long, so timer and GC noise average out. */
  minPassMs: number;
  /** Rules of the many-rules column: the bundled rule plus generated ones (bench/lib/generated-rules.ts); 1 leaves the column out. */
  manyRules: number;
  /** Rules directory of the pipeline column (default: the bundled rules/); each feed runs the rules that apply to it, as the service does. */
  rulesDir?: string;
  /** Also record a CPU profile of the mixed pipeline (dist/bench/profiles/inprocess-<stream>.cpuprofile). */
  profile: boolean;
  /** What the profile runs: the pipeline (default) or its many-rules column, on the mixed stream (default) or another. */
  profileOf?: { stream: string; many: boolean };
}

export const DEFAULT_INPROCESS: InProcessOptions = {
  recordsPerVendor: 20_000,
  rounds: 7,
  batchSize: 1_000,
  minPassMs: 250,
  manyRules: 300,
  profile: false,
};

/** What each column measures: avsc alone, the path before the performance work, the service's own code path, and that path with the many-rules ruleset. */
const MODES = ['avscFullDecode', 'baseline', 'pipeline', 'pipelineMany'] as const;
type Mode = (typeof MODES)[number];
const ONE_RULE_MODES: readonly Mode[] = ['avscFullDecode', 'baseline', 'pipeline'];
/**
 * The never-repeating stream is this many times longer than the others: a sweep repeats its
 * records, and it must be long enough that the outcome table (8,192 slots per writer schema) has
 * forgotten them by then (a key survives 3 x 20,000 others with probability e^-7, about 0.1%).
 */
const DISTINCT_LENGTH = 3;

interface Ruleset {
  rules: LoadedRules;
  runtimes: Map<string, FeedRuntime>;
  baseline: BaselinePipeline;
}

interface Batch {
  vendor: VendorFeed;
  messages: BatchMessage[];
  expectedAlerts: number;
}

interface Stream {
  name: string;
  batches: Batch[];
  records: number;
  expectedAlerts: number;
  averageBytes: number;
  modes: readonly Mode[];
}

interface Pass {
  records: number;
  wallSeconds: number;
  cpuSeconds: number;
}

function kafkaMessage(value: Buffer, offset: number, timestampMs: number): BatchMessage {
  return {
    key: null,
    value,
    timestamp: String(timestampMs),
    attributes: 0,
    offset: String(offset),
    size: value.length,
    headers: {},
  } as unknown as BatchMessage;
}

function ruleset(rules: LoadedRules): Ruleset {
  const decoders = createFeedDecoders(VENDORS, { format: 'confluent', fieldsRead: rules.fieldsRead });
  const runtimes = new Map(
    VENDORS.map(
      (vendor) =>
        [
          vendor.id,
          { vendor, topic: vendor.defaultTopic, decoder: decoders.get(vendor.id)!, rules: rulesForFeed(rules.rules, vendor) },
        ] as const,
    ),
  );
  return { rules, runtimes, baseline: createBaselinePipeline(VENDORS, rules.rules, rules.fieldsRead) };
}

/** One stream per vendor, and the mixed stream: every vendor's batches interleaved, as partitions of four topics arrive. */
function vendorStreams(options: InProcessOptions, mix: SampleMix, suffix: string, seed: number): { perVendor: Stream[]; mixed: Stream } {
  const perVendor: Stream[] = [];
  const now = Date.now();
  VENDORS.forEach((vendor, index) => {
    const samples = encodedSamples(vendor, options.recordsPerVendor, seed + index, now, mix);
    const batches: Batch[] = [];
    for (let start = 0; start < samples.values.length; start += options.batchSize) {
      const values = samples.values.slice(start, start + options.batchSize);
      batches.push({
        vendor,
        messages: values.map((value, i) => kafkaMessage(value, start + i, now)),
        expectedAlerts: samples.alerting.slice(start, start + options.batchSize).filter(Boolean).length,
      });
    }
    perVendor.push({
      name: `${vendor.id}${suffix}`,
      batches,
      records: samples.values.length,
      expectedAlerts: samples.expectedAlerts,
      averageBytes: samples.averageBytes,
      modes: options.manyRules > 1 ? MODES : ONE_RULE_MODES,
    });
  });
  const mixed: Batch[] = [];
  const longest = Math.max(...perVendor.map((stream) => stream.batches.length));
  for (let i = 0; i < longest; i++) for (const stream of perVendor) if (stream.batches[i]) mixed.push(stream.batches[i]!);
  const records = perVendor.reduce((sum, stream) => sum + stream.records, 0);
  return {
    perVendor,
    mixed: {
      name: `mixed${suffix}`,
      batches: mixed,
      records,
      expectedAlerts: perVendor.reduce((sum, stream) => sum + stream.expectedAlerts, 0),
      averageBytes: perVendor.reduce((sum, stream) => sum + stream.averageBytes * stream.records, 0) / records,
      modes: options.manyRules > 1 ? MODES : ONE_RULE_MODES,
    },
  };
}

/** The per-vendor streams, the mixed stream, and the mixed stream whose ordinary process names never repeat. */
function buildStreams(options: InProcessOptions): Stream[] {
  const repeating = vendorStreams(options, BENCH_MIX, '', 1_000);
  const distinct = vendorStreams(
    { ...options, recordsPerVendor: options.recordsPerVendor * DISTINCT_LENGTH },
    { ...BENCH_MIX, distinctNames: true },
    '-distinct',
    2_000,
  );
  return [...repeating.perVendor, repeating.mixed, distinct.mixed];
}

/** One sweep over the stream in `mode`; returns the alerts found, which must equal the expected count. */
function sweep(mode: Mode, stream: Stream, one: Ruleset, many: Ruleset, detectedAt: Date): number {
  let alerts = 0;
  const set = mode.endsWith('Many') ? many : one;
  for (const batch of stream.batches) {
    const vendor = batch.vendor;
    if (mode === 'avscFullDecode') {
      const type = bundledType(vendor);
      for (const message of batch.messages) {
        const decoded = type.decode(message.value!, CONFLUENT_HEADER_BYTES);
        if (decoded.offset !== message.value!.length) throw new Error(`${vendor.id}: avsc decode failed`);
      }
      alerts += batch.expectedAlerts;
    } else if (mode === 'baseline') {
      alerts += set.baseline.evaluate(vendor, batch.messages, detectedAt);
    } else {
      const runtime = set.runtimes.get(vendor.id)!;
      const result = evaluateBatch(runtime, 0, batch.messages, detectedAt);
      if (result.deadLetters.length > 0)
        throw new Error(`${vendor.id}: ${result.deadLetters.length} dead letters: ${result.deadLetters[0]!.error.message}`);
      alerts += result.alerts.length;
    }
  }
  if (alerts !== stream.expectedAlerts) throw new Error(`${stream.name} ${mode}: ${alerts} alerts, expected ${stream.expectedAlerts}`);
  return alerts;
}

function measure(mode: Mode, stream: Stream, one: Ruleset, many: Ruleset, minPassMs: number): Pass {
  const detectedAt = new Date();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  let records = 0;
  do {
    sweep(mode, stream, one, many, detectedAt);
    records += stream.records;
  } while (performance.now() - started < minPassMs);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { records, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

interface InProcessRow {
  stream: string;
  averageBytes: number;
  records: number;
  expectedAlerts: number;
  /** Median records per CPU-second (all threads of the process), i.e. per core. */
  perCore: Partial<Record<Mode, number>>;
  /** Median records per wall-clock second of the one JS thread. */
  wall: Partial<Record<Mode, number>>;
  /** Max-min spread of the rounds around the median, percent. */
  spreadPercent: Partial<Record<Mode, number>>;
  rounds: Partial<Record<Mode, number[]>>;
  /** Median of the per-round ratios (each round measures both sides back to back). */
  ratios: Record<string, number>;
}

export interface InProcessReport {
  kind: 'inprocess';
  description: string;
  options: InProcessOptions;
  mix: typeof BENCH_MIX;
  fieldsRead: readonly string[];
  manyRules: { rules: number; fieldsRead: readonly string[]; sampleQueries: string[] };
  /** Rules of the pipeline column and, per feed, how many apply to it. */
  rules: { loaded: number; byFeed: Record<string, number> };
  rows: InProcessRow[];
  targets: {
    mixedPerCore: number;
    mixedVsAvsc: number;
    metPerCore: boolean;
    metVsAvsc: boolean;
    manyVsOneMixed: number;
    manyVsOneDistinct: number;
  };
  profile?: { file: string; byArea: ReturnType<typeof selfTimeByArea>; topSelfTime: SelfTime[] };
}

/** Ratios of columns, taken round by round and then the median, so drift on the shared machine cancels out. */
const RATIOS: Record<string, [Mode, Mode]> = {
  pipelineVsAvsc: ['pipeline', 'avscFullDecode'],
  pipelineVsBaseline: ['pipeline', 'baseline'],
  pipelineManyVsOne: ['pipelineMany', 'pipeline'],
};

export async function runInProcess(options: InProcessOptions = DEFAULT_INPROCESS): Promise<InProcessReport> {
  const one = ruleset(await loadRules(options.rulesDir ?? packagePath('rules')));
  let many = one;
  let queries: string[] = [];
  if (options.manyRules > 1) {
    const generated = writeGeneratedRules(options.manyRules);
    queries = generated.queries;
    try {
      many = ruleset(await loadRules(generated.directory));
    } finally {
      generated.remove();
    }
  }
  const streams = buildStreams(options);
  // Warm-up: JIT tiers, decoder plans, projections; every path once on every stream.
  for (const stream of streams) for (const mode of stream.modes) measure(mode, stream, one, many, 50);

  const passes = new Map(streams.map((stream) => [stream.name, new Map(stream.modes.map((mode) => [mode, [] as Pass[]]))]));
  for (let round = 0; round < options.rounds; round++) {
    // Interleaved so that drift and neighbours on the shared machine hit every case alike.
    for (const stream of streams)
      for (const mode of stream.modes)
        passes
          .get(stream.name)!
          .get(mode)!
          .push(measure(mode, stream, one, many, options.minPassMs));
  }

  const rows: InProcessRow[] = streams.map((stream) => {
    const byMode = passes.get(stream.name)!;
    const perCoreRounds = (mode: Mode) => byMode.get(mode)!.map((pass) => pass.records / pass.cpuSeconds);
    const perMode = <T>(value: (mode: Mode) => T) =>
      Object.fromEntries(stream.modes.map((mode) => [mode, value(mode)])) as Partial<Record<Mode, T>>;
    const ratios: Record<string, number> = {};
    for (const [name, [top, bottom]] of Object.entries(RATIOS)) {
      if (!stream.modes.includes(top) || !stream.modes.includes(bottom)) continue;
      const a = perCoreRounds(top);
      const b = perCoreRounds(bottom);
      ratios[name] = round(median(a.map((value, i) => value / b[i]!)), 2);
    }
    return {
      stream: stream.name,
      averageBytes: Math.round(stream.averageBytes),
      records: stream.records,
      expectedAlerts: stream.expectedAlerts,
      perCore: perMode((mode) => round(median(perCoreRounds(mode)))),
      wall: perMode((mode) => round(median(byMode.get(mode)!.map((pass) => pass.records / pass.wallSeconds)))),
      spreadPercent: perMode((mode) => round(spreadPercent(perCoreRounds(mode)), 1)),
      rounds: perMode((mode) => perCoreRounds(mode).map((value) => round(value))),
      ratios,
    };
  });

  const mixed = rows.find((row) => row.stream === 'mixed')!;
  const distinct = rows.find((row) => row.stream === 'mixed-distinct')!;
  const report: InProcessReport = {
    kind: 'inprocess',
    description:
      "Records per CPU-second (= per core) of: avscFullDecode, avsc decoding every whole record (the schemas as the project parses them); baseline, the match path before the performance work (avsc projection + the vendor toEcs + rules, full decode and alert on a match); pipeline, the service code path (evaluateBatch with the real FeedDecoder and the compiled rule from rules/: generated scan, outcome table keyed by the projected bytes, avsc resolver on a miss); pipelineMany, the same with the bundled rule plus generated rules of the shapes of Elastic's Linux process rules (bench/lib/generated-rules.ts), on every stream. Confluent-framed values from scripts/samples/sample-stream.ts, batches of one vendor, the mixed streams interleave the four vendors batch by batch; mixed-distinct gives every ordinary record a process name never seen before (and has 3x the records, so that when a sweep repeats them the outcome table has forgotten them). Medians of interleaved rounds; ratios are medians of per-round ratios.",
    // Only the directory's name: a results file never records a path on the machine that ran it.
    options: options.rulesDir === undefined ? options : { ...options, rulesDir: basename(options.rulesDir) },
    rules: {
      loaded: one.rules.rules.length,
      byFeed: Object.fromEntries(VENDORS.map((vendor) => [vendor.id, rulesForFeed(one.rules.rules, vendor).length])),
    },
    mix: BENCH_MIX,
    fieldsRead: one.rules.fieldsRead,
    manyRules: { rules: many.rules.rules.length, fieldsRead: many.rules.fieldsRead, sampleQueries: queries.slice(0, 8) },
    rows,
    targets: {
      mixedPerCore: mixed.perCore.pipeline!,
      mixedVsAvsc: mixed.ratios.pipelineVsAvsc!,
      metPerCore: mixed.perCore.pipeline! >= 1_000_000,
      metVsAvsc: mixed.ratios.pipelineVsAvsc! >= 3,
      manyVsOneMixed: mixed.ratios.pipelineManyVsOne ?? Number.NaN,
      manyVsOneDistinct: distinct.ratios.pipelineManyVsOne ?? Number.NaN,
    },
  };

  if (options.profile) {
    const target = options.profileOf ?? { stream: 'mixed', many: false };
    const stream = streams.find((candidate) => candidate.name === target.stream);
    if (stream === undefined) throw new Error(`no stream ${target.stream} to profile (${streams.map((s) => s.name).join(', ')})`);
    const name = `inprocess-${target.stream}${target.many ? '-many' : ''}.cpuprofile`;
    // Raw profiles stay out of git (dist/ is ignored); the summary goes into the results.
    const file = packagePath('dist', 'bench', 'profiles', name);
    const { profile } = await profileWhile(file, () => measure(target.many ? 'pipelineMany' : 'pipeline', stream, one, many, 3_000));
    report.profile = {
      file: `dist/bench/profiles/${name}`,
      byArea: selfTimeByArea(profile),
      topSelfTime: topSelfTime(profile, 20),
    };
  }
  return report;
}

export function inProcessTable(report: InProcessReport): Record<string, string | number>[] {
  return report.rows.map((row) => ({
    stream: row.stream,
    'bytes/rec': row.averageBytes,
    ...Object.fromEntries(MODES.filter((mode) => row.perCore[mode] !== undefined).map((mode) => [mode, thousands(row.perCore[mode]!)])),
    ...Object.fromEntries(Object.entries(row.ratios).map(([name, value]) => [name, ratio(value, 2)])),
    'spread (pipeline)': `±${(row.spreadPercent.pipeline! / 2).toFixed(0)}%`,
  }));
}
