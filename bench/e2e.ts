// End to end through the local Kafka: the service draining a backlog, beside bare kafkajs and @platformatic/kafka consumers and kcat on the same topics.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import { packagePath } from '../src/package-root.js';
import { VENDORS } from '../src/vendors/index.js';
import { readProfile, selfTimeByArea, topSelfTime, type SelfTime } from './lib/profile.js';
import { BENCH_MIX, encodedSamples } from './lib/samples.js';
import type { SampleMix } from '../scripts/samples/sample-stream.js';
import { produceBacklog } from './lib/produce.js';
import { metricsText, metricSum, sampleProcess, sleep, startService } from './lib/service-process.js';
import { createTestFeeds } from '../test/integration/harness/feeds.js';
import { TEST_STACK } from '../test/integration/harness/stack.js';
import { committedTotal, ensureStack, recordsOn } from './lib/stack.js';
import { median, mib, ratio, round, thousands } from './lib/stats.js';

export interface E2eOptions {
  recordsPerVendor: number;
  /**
   * Distinct pre-encoded values per vendor, produced over and over. The decoder remembers outcomes
   * by the bytes of the rule fields, which repeat far more often than whole records do, so the pool
   * size hardly matters to it; the mix (and `--dump-share`) does.
   */
  poolPerVendor: number;
  /** The sample mix (dump-tool runs, near misses). */
  mix: SampleMix;
  rounds: number;
  pollMs: number;
  /** Extra environment for the service (tuning: KAFKA_MAX_BYTES, ...). */
  serviceEnv: Record<string, string>;
  /** After the measured rounds, one more service drain under `node --cpu-prof`, summarised. */
  profile: boolean;
  /** Another built checkout of the service, drained in each round right after this one (`service (baseline)`). */
  baselineDir?: string;
}

export const DEFAULT_E2E: E2eOptions = {
  recordsPerVendor: 500_000,
  poolPerVendor: 10_000,
  rounds: 3,
  pollMs: 100,
  serviceEnv: {},
  profile: false,
  mix: BENCH_MIX,
};

const DRAIN_TIMEOUT_MS = 180_000;

type AreaTime = ReturnType<typeof selfTimeByArea>[number];

const CONSUMERS = ['service', 'service (baseline)', 'bare kafkajs', 'bare @platformatic/kafka', 'kcat'] as const;
type Consumer = (typeof CONSUMERS)[number];
/** The bare consumers, each a child process printing the same JSON lines (bench/lib/bare-*.js). */
const BARE_SCRIPTS: Record<'bare kafkajs' | 'bare @platformatic/kafka', string> = {
  'bare kafkajs': 'bare-consumer.js',
  'bare @platformatic/kafka': 'bare-platformatic.js',
};

interface Drain {
  consumer: Consumer;
  records: number;
  /** Records per second from the first record consumed (kcat: from its start) to the last offset committed. */
  recordsPerSecond: number;
  /** Records per second from the first to the last record consumed (commit interval left out); not for kcat. */
  consumeRecordsPerSecond: number | undefined;
  seconds: number;
  peakRssBytes: number | undefined;
  cpuSeconds: number | undefined;
}

interface Progress {
  firstAt: number | undefined;
  consumed: number;
  lastConsumedAt: number | undefined;
}

/** Polls until the group has committed every record, sampling the process; returns when it had. */
async function waitCommitted(
  admin: Admin,
  groupId: string,
  topics: string[],
  records: number,
  pollMs: number,
  watch: () => Promise<void> | void,
): Promise<number> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    await watch();
    if ((await committedTotal(admin, groupId, topics)) >= records) return Date.now();
    if (Date.now() > deadline) throw new Error(`group ${groupId} did not commit all ${records} records in time`);
    await sleep(pollMs);
  }
}

function drainOf(
  consumer: Drain['consumer'],
  records: number,
  progress: Progress,
  committedAt: number,
  pid: number | undefined,
  peakRss: number | undefined,
  cpu: number | undefined,
): Drain {
  const startedAt = progress.firstAt ?? committedAt;
  const seconds = (committedAt - startedAt) / 1000;
  const consumeSeconds = ((progress.lastConsumedAt ?? committedAt) - startedAt) / 1000;
  void pid;
  return {
    consumer,
    records,
    recordsPerSecond: round(records / seconds),
    consumeRecordsPerSecond: consumeSeconds > 0 ? round(records / consumeSeconds) : undefined,
    seconds: round(seconds, 2),
    peakRssBytes: peakRss,
    cpuSeconds: cpu === undefined ? undefined : round(cpu, 2),
  };
}

async function drainWithService(
  admin: Admin,
  env: Record<string, string>,
  topics: string[],
  records: number,
  options: E2eOptions,
  nodeArgs: string[] = [],
  root?: string,
): Promise<Drain> {
  const groupId = `bench-e2e-service-${randomUUID().slice(0, 8)}`;
  const service = await startService(
    { ...env, KAFKA_GROUP_ID: groupId, ...options.serviceEnv },
    { nodeArgs, ...(root === undefined ? {} : { root }) },
  );
  const pid = service.child.pid!;
  const progress: Progress = { firstAt: undefined, consumed: 0, lastConsumedAt: undefined };
  let last = sampleProcess(pid);
  let scrapedAt = 0;
  try {
    const committedAt = await waitCommitted(admin, groupId, topics, records, options.pollMs, async () => {
      // Scraping /metrics costs the service CPU: often until the first record, then once a second.
      if (progress.firstAt !== undefined && Date.now() - scrapedAt < 1_000) return;
      scrapedAt = Date.now();
      const consumed = metricSum(await metricsText(service.metricsUrl), 'edr_detector_records_consumed_total');
      const now = Date.now();
      if (consumed > 0 && progress.firstAt === undefined) progress.firstAt = now;
      if (consumed > progress.consumed) {
        progress.consumed = consumed;
        progress.lastConsumedAt = now;
      }
      last = sampleProcess(pid) ?? last;
    });
    last = sampleProcess(pid) ?? last;
    return drainOf(
      root === undefined ? 'service' : 'service (baseline)',
      records,
      progress,
      committedAt,
      pid,
      last?.peakRssBytes,
      last?.cpuSeconds,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${service.tail()}`);
  } finally {
    await service.stop();
  }
}

async function drainWithBareConsumer(
  client: keyof typeof BARE_SCRIPTS,
  admin: Admin,
  topics: string[],
  records: number,
  options: E2eOptions,
  nodeArgs: string[] = [],
): Promise<Drain> {
  const groupId = `bench-e2e-bare-${randomUUID().slice(0, 8)}`;
  const child = spawn(process.execPath, [...nodeArgs, packagePath('dist', 'bench', 'lib', BARE_SCRIPTS[client])], {
    env: {
      PATH: process.env.PATH ?? '',
      KAFKA_BROKERS: TEST_STACK.kafkaBroker,
      BENCH_GROUP_ID: groupId,
      BENCH_TOPICS: topics.join(','),
      ...options.serviceEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const progress: Progress = { firstAt: undefined, consumed: 0, lastConsumedAt: undefined };
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = JSON.parse(pending.slice(0, newline)) as { type: string; at: number; consumed?: number };
      pending = pending.slice(newline + 1);
      if (line.type === 'first') progress.firstAt = line.at;
      else if ((line.consumed ?? 0) > progress.consumed) {
        progress.consumed = line.consumed!;
        progress.lastConsumedAt = line.at;
      }
    }
  });
  const pid = child.pid!;
  let last = sampleProcess(pid);
  try {
    const committedAt = await waitCommitted(admin, groupId, topics, records, options.pollMs, () => {
      last = sampleProcess(pid) ?? last;
    });
    last = sampleProcess(pid) ?? last;
    return drainOf(client, records, progress, committedAt, pid, last?.peakRssBytes, last?.cpuSeconds);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** kcat in a consumer group from the beginning, to /dev/null, exiting at the end: the wall time of the whole run. */
async function drainWithKcat(admin: Admin, topics: string[], records: number): Promise<Drain | undefined> {
  const groupId = `bench-e2e-kcat-${randomUUID().slice(0, 8)}`;
  const started = Date.now();
  const child = spawn('kcat', ['-C', '-b', TEST_STACK.kafkaBroker, '-G', groupId, ...topics, '-o', 'beginning', '-e', '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null | 'missing'>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve('missing') : reject(error)));
    child.once('exit', resolve);
  });
  if (code === 'missing') {
    console.warn('kcat is not installed (Debian package kcat): its row is left out');
    return undefined;
  }
  const endedAt = Date.now();
  if (code !== 0) throw new Error(`kcat exited with ${code}: ${stderr.slice(-2000)}`);
  // kcat commits on close; the group's offsets confirm it read everything.
  const committed = await committedTotal(admin, groupId, topics);
  if (committed < records) throw new Error(`kcat committed ${committed} of ${records} records`);
  return drainOf(
    'kcat',
    records,
    { firstAt: started, consumed: records, lastConsumedAt: undefined },
    endedAt,
    undefined,
    undefined,
    undefined,
  );
}

export interface E2eReport {
  kind: 'e2e';
  description: string;
  options: E2eOptions;
  records: number;
  produceRecordsPerSecond: number;
  rounds: Drain[][];
  median: Record<Consumer, { recordsPerSecond: number; consumeRecordsPerSecond: number | undefined; peakRssBytes: number | undefined }>;
  ratios: { serviceVsBare: number; serviceVsKcat: number; bareVsKcat: number; platformaticVsBare: number; platformaticVsKcat: number };
  serviceRecordsPerCpuSecond: number;
  bareRecordsPerCpuSecond: number;
  platformaticRecordsPerCpuSecond: number;
  targets: { serviceVsBare: number; metServiceVsBare: boolean; drainPeakRssBytes: number; metDrainPeakRss: boolean };
  /** CPU profiles of one more drain each (under the profiler, so slower), summarised by self time. */
  profile?: Record<'service' | 'bare kafkajs', { file: string; drain: Drain; byArea: AreaTime[]; topSelfTime: SelfTime[] }>;
}

export async function runE2e(options: E2eOptions = DEFAULT_E2E): Promise<E2eReport> {
  ensureStack();
  const feeds = await createTestFeeds('bench-e2e');
  try {
    const topics = VENDORS.map((vendor) => feeds.topicOf.get(vendor.id)!);
    const now = Date.now();
    const pools = VENDORS.map((vendor, index) => encodedSamples(vendor, options.poolPerVendor, 7_000 + index, now, options.mix).values);
    console.log(
      `producing ${thousands(options.recordsPerVendor * topics.length)} records (${options.poolPerVendor} distinct values per vendor) ...`,
    );
    const produceRate = await produceBacklog(
      feeds.kafka,
      topics.map((topic, index) => ({ topic, next: (i: number) => pools[index]![i % options.poolPerVendor]! })),
      options.recordsPerVendor,
    );
    const records = await recordsOn(feeds.admin, topics);
    const env = feeds.env;
    const rounds: Drain[][] = [];
    for (let round = 0; round < options.rounds; round++) {
      // Alternated, so that whatever else the machine does hits all three alike.
      const drains = [
        await drainWithService(feeds.admin, env, topics, records, options),
        options.baselineDir === undefined
          ? undefined
          : await drainWithService(feeds.admin, env, topics, records, options, [], options.baselineDir),
        await drainWithBareConsumer('bare kafkajs', feeds.admin, topics, records, options),
        await drainWithBareConsumer('bare @platformatic/kafka', feeds.admin, topics, records, options),
        await drainWithKcat(feeds.admin, topics, records),
      ].filter((drain): drain is Drain => drain !== undefined);
      for (const drain of drains)
        console.log(`  round ${round + 1}: ${drain.consumer}: ${thousands(drain.recordsPerSecond)} records/s (${drain.seconds} s)`);
      rounds.push(drains);
    }
    const of = (consumer: Consumer) => rounds.flatMap((drains) => drains.filter((drain) => drain.consumer === consumer));
    const summary = (consumer: Consumer) => {
      const drains = of(consumer);
      const consume = drains.map((drain) => drain.consumeRecordsPerSecond).filter((value): value is number => value !== undefined);
      const peaks = drains.map((drain) => drain.peakRssBytes).filter((value): value is number => value !== undefined);
      return {
        recordsPerSecond: round(median(drains.map((drain) => drain.recordsPerSecond))),
        consumeRecordsPerSecond: consume.length > 0 ? round(median(consume)) : undefined,
        peakRssBytes: peaks.length > 0 ? Math.max(...peaks) : undefined,
      };
    };
    const medians = Object.fromEntries(CONSUMERS.map((consumer) => [consumer, summary(consumer)])) as E2eReport['median'];
    const cpuOf = (consumer: Consumer) => median(of(consumer).map((drain) => drain.cpuSeconds ?? Number.NaN));
    let profile: E2eReport['profile'];
    if (options.profile) {
      // Raw profiles stay out of git (dist/ is ignored); the summaries go into the results.
      const dir = packagePath('dist', 'bench', 'profiles');
      const profiled = async (name: string, drain: (args: string[]) => Promise<Drain>) => {
        rmSync(`${dir}/${name}`, { force: true });
        const result = await drain(['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', name]);
        const cpuProfile = readProfile(`${dir}/${name}`);
        return {
          file: `dist/bench/profiles/${name}`,
          drain: result,
          byArea: selfTimeByArea(cpuProfile),
          topSelfTime: topSelfTime(cpuProfile, 25),
        };
      };
      profile = {
        service: await profiled('e2e-service.cpuprofile', (args) => drainWithService(feeds.admin, env, topics, records, options, args)),
        'bare kafkajs': await profiled('e2e-bare.cpuprofile', (args) =>
          drainWithBareConsumer('bare kafkajs', feeds.admin, topics, records, options, args),
        ),
      };
    }
    const serviceVsBare = round(medians.service.recordsPerSecond / medians['bare kafkajs'].recordsPerSecond, 2);
    return {
      kind: 'e2e',
      description:
        'A backlog of mixed records (four vendor topics, 3 partitions each) drained from the beginning by: the compiled service (child process; first record consumed -> all offsets committed, from its metrics and the group offsets), a bare kafkajs consumer with the same client and consumer settings doing no work (same measure), the same bare consumer written with @platformatic/kafka (same settings where that client has them: fetch sizes, fetch wait, session, commit every second), kcat -G ... -o beginning -e -q > /dev/null (process wall time, join included). Medians of alternated rounds on the same topics, fresh groups. consumeRecordsPerSecond leaves out the wait for the periodic offset commit (autoCommitInterval 1 s).',
      options,
      records,
      produceRecordsPerSecond: round(produceRate),
      rounds,
      median: medians,
      ratios: {
        serviceVsBare,
        serviceVsKcat: round(medians.service.recordsPerSecond / medians.kcat.recordsPerSecond, 2),
        bareVsKcat: round(medians['bare kafkajs'].recordsPerSecond / medians.kcat.recordsPerSecond, 2),
        platformaticVsBare: round(medians['bare @platformatic/kafka'].recordsPerSecond / medians['bare kafkajs'].recordsPerSecond, 2),
        platformaticVsKcat: round(medians['bare @platformatic/kafka'].recordsPerSecond / medians.kcat.recordsPerSecond, 2),
      },
      serviceRecordsPerCpuSecond: round(records / cpuOf('service')),
      bareRecordsPerCpuSecond: round(records / cpuOf('bare kafkajs')),
      platformaticRecordsPerCpuSecond: round(records / cpuOf('bare @platformatic/kafka')),
      // Issue 16's targets: 0.9x bare kafkajs, and a backlog drained inside 400 MiB with the launcher's memory settings.
      targets: {
        serviceVsBare: 0.9,
        metServiceVsBare: serviceVsBare >= 0.9,
        drainPeakRssBytes: 400 * 1024 * 1024,
        metDrainPeakRss: medians.service.peakRssBytes !== undefined && medians.service.peakRssBytes < 400 * 1024 * 1024,
      },
      ...(profile ? { profile } : {}),
    };
  } finally {
    await feeds.cleanup();
  }
}

export function e2eTable(report: E2eReport): Record<string, string>[] {
  const measured = CONSUMERS.filter((consumer) => report.rounds.some((drains) => drains.some((drain) => drain.consumer === consumer)));
  return measured.map((consumer) => ({
    consumer,
    'records/s (to last commit)': thousands(report.median[consumer].recordsPerSecond),
    'records/s (consuming)':
      report.median[consumer].consumeRecordsPerSecond === undefined ? '-' : thousands(report.median[consumer].consumeRecordsPerSecond!),
    'vs bare kafkajs': ratio(report.median[consumer].recordsPerSecond / report.median['bare kafkajs'].recordsPerSecond),
    'peak RSS': report.median[consumer].peakRssBytes === undefined ? '-' : mib(report.median[consumer].peakRssBytes!),
  }));
}
