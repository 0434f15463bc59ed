// Alert latency under a steady load: Kafka record time -> alert acknowledged by Elasticsearch, and the service's memory.
import { randomUUID } from 'node:crypto';
import { VENDORS } from '../src/vendors/index.js';
import { encodedSamples } from './lib/samples.js';
import { producePaced } from './lib/produce.js';
import {
  bucketQuantile,
  histogramBuckets,
  metricByLabel,
  metricsText,
  metricSum,
  sampleProcess,
  sleep,
  startService,
} from './lib/service-process.js';
import { createTestFeeds } from '../test/integration/harness/feeds.js';
import { committedTotal, ensureStack, recordsOn } from './lib/stack.js';
import { median, mib, ms, quantile, round, thousands } from './lib/stats.js';

export interface LatencyOptions {
  ratePerSecond: number;
  seconds: number;
  /** Share of records that are dump-tool runs (each a distinct alert), spread evenly through the load. */
  dumpShare: number;
  /** Distinct ordinary values per vendor, produced over and over. */
  poolPerVendor: number;
  serviceEnv: Record<string, string>;
  /** Rounds, each on fresh topics; with a baseline, the two services alternate within a round. */
  rounds: number;
  /** Another built checkout of the service (its bin/start.sh) measured the same way, side by side. */
  baselineDir?: string;
}

export const DEFAULT_LATENCY: LatencyOptions = {
  ratePerSecond: 20_000,
  seconds: 30,
  dumpShare: 0.005,
  poolPerVendor: 5_000,
  serviceEnv: {},
  rounds: 1,
};

const SETTLE_TIMEOUT_MS = 60_000;
const LATENCY_METRIC = 'edr_detector_alert_latency_from_kafka_seconds';

interface LatencyRound {
  produced: { records: number; seconds: number; recordsPerSecond: number; lateTicks: number; alertingRecords: number };
  /** Exact, from each alert document's edr.source.kafka_timestamp and the service's 'alert written' log time. */
  exact: { alerts: number; p50Seconds: number; p99Seconds: number; maxSeconds: number; unmatched: number };
  /** From the service's own histogram (bucket interpolation, as histogram_quantile). */
  histogram: { count: number; p50Seconds: number; p99Seconds: number };
  memory: { peakRssBytes: number; maxSampledRssBytes: number; cpuSeconds: number };
  /** What stands behind the tail, from the service's own metrics: garbage collection by kind, event-loop delay, bulk requests. */
  service: {
    gcSecondsByKind: Record<string, number>;
    gcCountByKind: Record<string, number>;
    eventLoopLagMaxSeconds: number;
    bulkRequests: number;
    bulkP50Seconds: number;
    bulkP99Seconds: number;
  };
}

/** Medians over the rounds (peak RSS: the largest), with every round kept. */
type LatencySummary = Pick<LatencyRound, 'exact' | 'histogram' | 'memory'> & { rounds: LatencyRound[] };

export interface LatencyReport extends LatencySummary {
  kind: 'latency';
  description: string;
  options: LatencyOptions;
  /** The same measure of the baseline service, when one was given. */
  baseline?: LatencySummary;
  targets: { p99Seconds: number; peakRssBytes: number; metP99: boolean; metRss: boolean };
}

export async function runLatency(options: LatencyOptions = DEFAULT_LATENCY): Promise<LatencyReport> {
  ensureStack();
  const current: LatencyRound[] = [];
  const baseline: LatencyRound[] = [];
  for (let round = 0; round < options.rounds; round++) {
    current.push(await latencyRound(options, undefined));
    console.log(
      `  round ${round + 1}: service: p50 ${ms(current.at(-1)!.exact.p50Seconds)}, p99 ${ms(current.at(-1)!.exact.p99Seconds)}, peak RSS ${mib(current.at(-1)!.memory.peakRssBytes)}`,
    );
    if (options.baselineDir !== undefined) {
      baseline.push(await latencyRound(options, options.baselineDir));
      console.log(
        `  round ${round + 1}: baseline: p50 ${ms(baseline.at(-1)!.exact.p50Seconds)}, p99 ${ms(baseline.at(-1)!.exact.p99Seconds)}, peak RSS ${mib(baseline.at(-1)!.memory.peakRssBytes)}`,
      );
    }
  }
  const summary = summarise(current);
  return {
    kind: 'latency',
    description:
      'The compiled service (child process) under a steady produced load across the four vendor topics (3 partitions each; 50 ms ticks, record timestamp = send time), dump-tool runs spread evenly and each a distinct alert. Exact latency: alert document edr.source.kafka_timestamp (CreateTime) to the @timestamp of the service\'s "alert written" log line, written right after Elasticsearch acknowledged the bulk request. Histogram: the service\'s own edr_detector_alert_latency_from_kafka_seconds. Memory: VmHWM of the service at the end and the largest VmRSS sampled every 250 ms. Each round on fresh topics; medians over rounds, peak RSS the largest; a baseline service (another built checkout) alternates with this one.',
    options,
    ...summary,
    ...(options.baselineDir === undefined ? {} : { baseline: summarise(baseline) }),
    targets: {
      p99Seconds: 0.25,
      peakRssBytes: 256 * 1024 * 1024,
      metP99: summary.exact.p99Seconds < 0.25,
      metRss: summary.memory.peakRssBytes < 256 * 1024 * 1024,
    },
  };
}

function summarise(rounds: LatencyRound[]): LatencySummary {
  const mid = (pick: (round: LatencyRound) => number) => median(rounds.map(pick));
  return {
    exact: {
      alerts: mid((r) => r.exact.alerts),
      p50Seconds: mid((r) => r.exact.p50Seconds),
      p99Seconds: mid((r) => r.exact.p99Seconds),
      maxSeconds: mid((r) => r.exact.maxSeconds),
      unmatched: Math.max(...rounds.map((r) => r.exact.unmatched)),
    },
    histogram: {
      count: mid((r) => r.histogram.count),
      p50Seconds: mid((r) => r.histogram.p50Seconds),
      p99Seconds: mid((r) => r.histogram.p99Seconds),
    },
    memory: {
      peakRssBytes: Math.max(...rounds.map((r) => r.memory.peakRssBytes)),
      maxSampledRssBytes: Math.max(...rounds.map((r) => r.memory.maxSampledRssBytes)),
      cpuSeconds: mid((r) => r.memory.cpuSeconds),
    },
    rounds,
  };
}

async function latencyRound(options: LatencyOptions, root: string | undefined): Promise<LatencyRound> {
  const feeds = await createTestFeeds('bench-latency');
  try {
    const topics = VENDORS.map((vendor) => feeds.topicOf.get(vendor.id)!);
    const now = Date.now();
    const ordinary = VENDORS.map(
      (vendor, index) => encodedSamples(vendor, options.poolPerVendor, 11_000 + index, now, { dumpShare: 0, nearMissShare: 0.02 }).values,
    );
    // Every dump-tool run is a distinct event (its own identity), so each one is a new alert, not a 409.
    const perTopic = Math.round((options.ratePerSecond * options.seconds) / topics.length);
    const alertEvery = Math.round(1 / options.dumpShare);
    const alerting = VENDORS.map(
      (vendor, index) =>
        encodedSamples(vendor, Math.ceil(perTopic / alertEvery) + 1, 13_000 + index, now, { dumpShare: 1, nearMissShare: 0 }).values,
    );
    const valueFor = (t: number, i: number): Buffer =>
      // Offset per topic, so the four topics' alerts do not arrive in the same tick.
      (i + t * 37) % alertEvery === 0 ? alerting[t]![Math.floor(i / alertEvery)]! : ordinary[t]![i % options.poolPerVendor]!;

    const groupId = `bench-latency-${randomUUID().slice(0, 8)}`;
    const service = await startService(
      { ...feeds.env, KAFKA_GROUP_ID: groupId, ...options.serviceEnv },
      root === undefined ? {} : { root },
    );
    const pid = service.child.pid!;
    let maxRss = 0;
    const sampler = setInterval(() => {
      maxRss = Math.max(maxRss, sampleProcess(pid)?.rssBytes ?? 0);
    }, 250);
    try {
      console.log(
        `producing ${thousands(options.ratePerSecond)} records/s for ${options.seconds} s (one dump-tool run in ${alertEvery}) for the ${root === undefined ? 'service' : 'baseline'} ...`,
      );
      const produced = await producePaced(feeds.kafka, topics, valueFor, options.ratePerSecond, options.seconds);
      let alertingRecords = 0;
      for (let t = 0; t < topics.length; t++)
        for (let i = 0; i < produced.records / topics.length; i++) if ((i + t * 37) % alertEvery === 0) alertingRecords++;

      // Settle: every record committed (so every alert acknowledged).
      const records = await recordsOn(feeds.admin, topics);
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      while ((await committedTotal(feeds.admin, groupId, topics)) < records) {
        if (Date.now() > deadline) throw new Error(`the service did not commit all ${records} records in time\n${service.tail()}`);
        await sleep(200);
      }
      const final = sampleProcess(pid);
      const text = await metricsText(service.metricsUrl);
      const buckets = histogramBuckets(text, LATENCY_METRIC);
      const created = metricSum(text, 'edr_detector_alerts_written_total');
      const bulk = histogramBuckets(text, 'edr_detector_elasticsearch_bulk_duration_seconds');
      const rounded = (values: Map<string, number>) => Object.fromEntries([...values].map(([key, value]) => [key, round(value, 3)]));
      const serviceSide = {
        gcSecondsByKind: rounded(metricByLabel(text, 'nodejs_gc_duration_seconds_sum', 'kind')),
        gcCountByKind: rounded(metricByLabel(text, 'nodejs_gc_duration_seconds_count', 'kind')),
        eventLoopLagMaxSeconds: round(metricSum(text, 'nodejs_eventloop_lag_max_seconds'), 4),
        bulkRequests: bulk.get(Number.POSITIVE_INFINITY) ?? 0,
        bulkP50Seconds: round(bucketQuantile(bulk, 0.5), 4),
        bulkP99Seconds: round(bucketQuantile(bulk, 0.99), 4),
      };

      // Exact latencies: the alert document's Kafka time against the acknowledgement logged for its id.
      await feeds.elasticsearch.indices.refresh({ index: feeds.alertsIndex });
      const kafkaTimeOf = new Map<string, number>();
      let searchAfter: unknown[] | undefined;
      for (;;) {
        const page = await feeds.elasticsearch.search<{ edr?: { source?: { kafka_timestamp?: string } } }>({
          index: feeds.alertsIndex,
          size: 5_000,
          _source: ['edr.source.kafka_timestamp'],
          sort: ['_doc'],
          ...(searchAfter ? { search_after: searchAfter as never } : {}),
        });
        const hits = page.hits.hits;
        for (const hit of hits) {
          const time = hit._source?.edr?.source?.kafka_timestamp;
          if (time) kafkaTimeOf.set(hit._id!, Date.parse(time));
        }
        if (hits.length < 5_000) break;
        searchAfter = hits.at(-1)!.sort as unknown[];
      }
      const latencies: number[] = [];
      let unmatched = 0;
      for (const ack of service.acks) {
        const kafkaTime = kafkaTimeOf.get(ack.alertId);
        if (kafkaTime === undefined) unmatched++;
        else latencies.push((ack.ackedAtMs - kafkaTime) / 1000);
      }
      const p99 = quantile(latencies, 0.99);
      const peakRss = final?.peakRssBytes ?? Number.NaN;
      return {
        produced: {
          records: produced.records,
          seconds: round(produced.seconds, 1),
          recordsPerSecond: round(produced.records / produced.seconds),
          lateTicks: produced.lateTicks,
          alertingRecords,
        },
        exact: {
          alerts: latencies.length,
          p50Seconds: round(quantile(latencies, 0.5), 4),
          p99Seconds: round(p99, 4),
          maxSeconds: round(Math.max(...latencies), 4),
          unmatched,
        },
        histogram: {
          count: created,
          p50Seconds: round(bucketQuantile(buckets, 0.5), 4),
          p99Seconds: round(bucketQuantile(buckets, 0.99), 4),
        },
        memory: { peakRssBytes: peakRss, maxSampledRssBytes: maxRss, cpuSeconds: round(final?.cpuSeconds ?? Number.NaN, 1) },
        service: serviceSide,
      };
    } finally {
      clearInterval(sampler);
      await service.stop();
    }
  } finally {
    await feeds.cleanup();
  }
}

export function latencyTable(report: LatencyReport): Record<string, string>[] {
  const rows = summaryRows(report, 'service');
  return report.baseline === undefined ? rows : [...rows, ...summaryRows(report.baseline, 'baseline')];
}

function summaryRows(report: LatencySummary, who: string): Record<string, string>[] {
  return [
    {
      measure: `${who}: exact (alert docs + ack log)`,
      alerts: thousands(report.exact.alerts),
      p50: ms(report.exact.p50Seconds),
      p99: ms(report.exact.p99Seconds),
      max: ms(report.exact.maxSeconds),
    },
    {
      measure: `${who}: histogram`,
      alerts: thousands(report.histogram.count),
      p50: ms(report.histogram.p50Seconds),
      p99: ms(report.histogram.p99Seconds),
      max: '-',
    },
  ].map((row) => ({ ...row, 'peak RSS': mib(report.memory.peakRssBytes) }));
}
