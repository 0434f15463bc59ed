// In-process throughput of decode -> ECS -> match per vendor and for the mixed stream, beside avsc full decode.
import { basename } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
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
import { createBaselinePipeline, type BaselinePipeline } from './lib/baseline-pipeline.js';
import { profileWhile, selfTimeByArea, topSelfTime, type SelfTime } from './lib/profile.js';
import { BENCH_MIX, encodedSamples } from './lib/samples.js';
import { median, ratio, round, spreadPercent, thousands } from './lib/stats.js';

export interface InProcessOptions {
  recordsPerVendor: number;
  rounds: number;
  batchSize: number;
  /** Each measurement repeats its stream until at least this long, so timer and GC noise average out. */
  minPassMs: number;
  /** Also record a CPU profile of the mixed pipeline (bench/results/profiles/inprocess-mixed.cpuprofile). */
  profile: boolean;
  /** Rules directory (default: the bundled rules/); each feed runs the rules that apply to it, as the service does. */
  rulesDir?: string;
}

export const DEFAULT_INPROCESS: InProcessOptions = { recordsPerVendor: 20_000, rounds: 7, batchSize: 1_000, minPassMs: 250, profile: false };

/** What each row measures: avsc alone, the path before this work, and the service's own code path. */
const MODES = ['avscFullDecode', 'baseline', 'pipeline'] as const;
type Mode = (typeof MODES)[number];

interface Batch {
  runtime: FeedRuntime;
  messages: KafkaMessage[];
  expectedAlerts: number;
}

interface Stream {
  name: string;
  batches: Batch[];
  records: number;
  expectedAlerts: number;
  averageBytes: number;
}

interface Pass {
  records: number;
  wallSeconds: number;
  cpuSeconds: number;
}

function kafkaMessage(value: Buffer, offset: number, timestampMs: number): KafkaMessage {
  return { key: null, value, timestamp: String(timestampMs), attributes: 0, offset: String(offset), size: value.length, headers: {} } as unknown as KafkaMessage;
}

function buildStreams(rules: LoadedRules, options: InProcessOptions): Stream[] {
  const decoders = createFeedDecoders(VENDORS, { format: 'confluent', fieldsRead: rules.fieldsRead });
  const perVendor: Stream[] = [];
  const now = Date.now();
  VENDORS.forEach((vendor, index) => {
    const samples = encodedSamples(vendor, options.recordsPerVendor, 1_000 + index, now);
    const runtime: FeedRuntime = { vendor, topic: vendor.defaultTopic, decoder: decoders.get(vendor.id)!, rules: rulesForFeed(rules.rules, vendor) };
    const batches: Batch[] = [];
    for (let start = 0; start < samples.values.length; start += options.batchSize) {
      const values = samples.values.slice(start, start + options.batchSize);
      batches.push({
        runtime,
        messages: values.map((value, i) => kafkaMessage(value, start + i, now)),
        expectedAlerts: samples.alerting.slice(start, start + options.batchSize).filter(Boolean).length,
      });
    }
    perVendor.push({ name: vendor.id, batches, records: samples.values.length, expectedAlerts: samples.expectedAlerts, averageBytes: samples.averageBytes });
  });
  // The mixed stream: every vendor's batches interleaved, as partitions of four topics arrive.
  const mixed: Batch[] = [];
  const longest = Math.max(...perVendor.map((stream) => stream.batches.length));
  for (let i = 0; i < longest; i++) for (const stream of perVendor) if (stream.batches[i]) mixed.push(stream.batches[i]!);
  const records = perVendor.reduce((sum, stream) => sum + stream.records, 0);
  perVendor.push({
    name: 'mixed',
    batches: mixed,
    records,
    expectedAlerts: perVendor.reduce((sum, stream) => sum + stream.expectedAlerts, 0),
    averageBytes: perVendor.reduce((sum, stream) => sum + stream.averageBytes * stream.records, 0) / records,
  });
  return perVendor;
}

/** One sweep over the stream in `mode`; returns the alerts found, which must equal the expected count. */
function sweep(mode: Mode, stream: Stream, baseline: BaselinePipeline, detectedAt: Date): number {
  let alerts = 0;
  for (const batch of stream.batches) {
    const vendor: VendorFeed = batch.runtime.vendor;
    if (mode === 'pipeline') {
      const result = evaluateBatch(batch.runtime, 0, batch.messages, detectedAt);
      if (result.deadLetters.length > 0) throw new Error(`${vendor.id}: ${result.deadLetters.length} dead letters: ${result.deadLetters[0]!.error.message}`);
      alerts += result.alerts.length;
    } else if (mode === 'baseline') {
      alerts += baseline.evaluate(vendor, batch.messages, detectedAt);
    } else {
      const type = bundledType(vendor);
      for (const message of batch.messages) {
        const decoded = type.decode(message.value!, CONFLUENT_HEADER_BYTES);
        if (decoded.offset !== message.value!.length) throw new Error(`${vendor.id}: avsc decode failed`);
      }
      alerts += batch.expectedAlerts;
    }
  }
  if (alerts !== stream.expectedAlerts) throw new Error(`${stream.name} ${mode}: ${alerts} alerts, expected ${stream.expectedAlerts}`);
  return alerts;
}

function measure(mode: Mode, stream: Stream, baseline: BaselinePipeline, minPassMs: number): Pass {
  const detectedAt = new Date();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  let records = 0;
  do {
    sweep(mode, stream, baseline, detectedAt);
    records += stream.records;
  } while (performance.now() - started < minPassMs);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { records, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

export interface InProcessRow {
  stream: string;
  averageBytes: number;
  records: number;
  expectedAlerts: number;
  /** Median records per CPU-second (all threads of the process), i.e. per core. */
  perCore: Record<Mode, number>;
  /** Median records per wall-clock second of the one JS thread. */
  wall: Record<Mode, number>;
  /** Max-min spread of the rounds around the median, percent. */
  spreadPercent: Record<Mode, number>;
  rounds: Record<Mode, number[]>;
  pipelineVsAvsc: number;
  pipelineVsBaseline: number;
}

export interface InProcessReport {
  kind: 'inprocess';
  description: string;
  options: InProcessOptions;
  mix: typeof BENCH_MIX;
  fieldsRead: readonly string[];
  rows: InProcessRow[];
  /** Rules loaded and, per feed, how many apply to it. */
  rules: { loaded: number; byFeed: Record<string, number> };
  targets: { mixedPerCore: number; mixedVsAvsc: number; metPerCore: boolean; metVsAvsc: boolean };
  profile?: { file: string; byArea: ReturnType<typeof selfTimeByArea>; topSelfTime: SelfTime[] };
}

export async function runInProcess(options: InProcessOptions = DEFAULT_INPROCESS): Promise<InProcessReport> {
  const rules = await loadRules(options.rulesDir ?? packagePath('rules'));
  const streams = buildStreams(rules, options);
  const baseline = createBaselinePipeline(VENDORS, rules.rules, rules.fieldsRead);
  // Warm-up: JIT tiers, decoder plans, projections; every path once on every stream.
  for (const stream of streams) for (const mode of MODES) measure(mode, stream, baseline, 50);

  const rounds = new Map(streams.map((stream) => [stream.name, Object.fromEntries(MODES.map((mode) => [mode, [] as Pass[]])) as Record<Mode, Pass[]>]));
  for (let round = 0; round < options.rounds; round++) {
    // Interleaved so that drift and neighbours on the shared machine hit every case alike.
    for (const stream of streams) for (const mode of MODES) rounds.get(stream.name)![mode].push(measure(mode, stream, baseline, options.minPassMs));
  }

  const rows: InProcessRow[] = streams.map((stream) => {
    const passes = rounds.get(stream.name)!;
    const perCoreRounds = (mode: Mode) => passes[mode].map((pass) => pass.records / pass.cpuSeconds);
    const perCore = Object.fromEntries(MODES.map((mode) => [mode, round(median(perCoreRounds(mode)))])) as Record<Mode, number>;
    const wall = Object.fromEntries(MODES.map((mode) => [mode, round(median(passes[mode].map((pass) => pass.records / pass.wallSeconds)))])) as Record<Mode, number>;
    return {
      stream: stream.name,
      averageBytes: Math.round(stream.averageBytes),
      records: stream.records,
      expectedAlerts: stream.expectedAlerts,
      perCore,
      wall,
      spreadPercent: Object.fromEntries(MODES.map((mode) => [mode, round(spreadPercent(perCoreRounds(mode)), 1)])) as Record<Mode, number>,
      rounds: Object.fromEntries(MODES.map((mode) => [mode, perCoreRounds(mode).map((value) => round(value))])) as Record<Mode, number[]>,
      pipelineVsAvsc: round(perCore.pipeline / perCore.avscFullDecode, 2),
      pipelineVsBaseline: round(perCore.pipeline / perCore.baseline, 2),
    };
  });

  const mixed = rows.find((row) => row.stream === 'mixed')!;
  const report: InProcessReport = {
    kind: 'inprocess',
    description:
      'Records per CPU-second (= per core) of: avscFullDecode, avsc decoding every whole record (the schemas as the project parses them); baseline, the match path before the performance work (avsc projection + the vendor toEcs + rules, full decode and alert on a match); pipeline, the service code path (evaluateBatch with the real FeedDecoder and the compiled rule from rules/). Confluent-framed values from scripts/samples/sample-stream.ts, batches of one vendor, the mixed stream interleaves the four vendors batch by batch. Medians of interleaved rounds.',
    // Only the directory's name: a results file never records a path on the machine that ran it.
    options: options.rulesDir === undefined ? options : { ...options, rulesDir: basename(options.rulesDir) },
    rules: { loaded: rules.rules.length, byFeed: Object.fromEntries(VENDORS.map((vendor) => [vendor.id, rulesForFeed(rules.rules, vendor).length])) },
    mix: BENCH_MIX,
    fieldsRead: rules.fieldsRead,
    rows,
    targets: {
      mixedPerCore: mixed.perCore.pipeline,
      mixedVsAvsc: mixed.pipelineVsAvsc,
      metPerCore: mixed.perCore.pipeline >= 1_000_000,
      metVsAvsc: mixed.pipelineVsAvsc >= 3,
    },
  };

  if (options.profile) {
    // Raw profiles stay out of git (dist/ is ignored); the summary goes into the results.
    const file = packagePath('dist', 'bench', 'profiles', 'inprocess-mixed.cpuprofile');
    const { profile } = await profileWhile(file, () => measure('pipeline', streams.at(-1)!, baseline, 3_000));
    report.profile = { file: 'dist/bench/profiles/inprocess-mixed.cpuprofile', byArea: selfTimeByArea(profile), topSelfTime: topSelfTime(profile, 20) };
  }
  return report;
}

export function inProcessTable(report: InProcessReport): Record<string, string | number>[] {
  return report.rows.map((row) => ({
    stream: row.stream,
    'bytes/rec': row.averageBytes,
    'avsc full decode rec/s/core': thousands(row.perCore.avscFullDecode),
    'baseline rec/s/core': thousands(row.perCore.baseline),
    'pipeline rec/s/core': thousands(row.perCore.pipeline),
    'pipeline / avsc': ratio(row.pipelineVsAvsc, 1),
    'pipeline / baseline': ratio(row.pipelineVsBaseline, 1),
    'spread (pipeline)': `±${(row.spreadPercent.pipeline / 2).toFixed(0)}%`,
  }));
}
