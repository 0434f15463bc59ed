// Benchmark entry point: `node dist/bench/run.js inprocess|e2e|latency|all [--profile] ...`; prints tables, writes bench/results/*.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { installKafkajsTimerFix } from '../src/kafka/kafkajs-timer-fix.js';
import { packagePath } from '../src/package-root.js';
import { DEFAULT_E2E, e2eTable, runE2e } from './e2e.js';
import { DEFAULT_INPROCESS, inProcessTable, runInProcess } from './inprocess.js';
import { DEFAULT_LATENCY, latencyTable, runLatency } from './latency.js';
import { describeMachine } from './lib/machine.js';

const PARTS = ['inprocess', 'e2e', 'latency'] as const;
type Part = (typeof PARTS)[number];

interface Args {
  parts: Part[];
  profile: boolean;
  /** `--profile=STREAM` or `--profile=STREAM:many`: the in-process stream (and column) to profile instead of the mixed pipeline. */
  profileOf: { stream: string; many: boolean } | undefined;
  /** `--rounds=N`: rounds of the chosen parts (each has its own default). */
  rounds: number | undefined;
  /** `--env=NAME=value,...`: extra environment for the service (and the bare consumer), e.g. consumer tuning. */
  serviceEnv: Record<string, string>;
  /** `--out=name`: results go to bench/results/<part>-<name>.json (experiments beside the committed figures). */
  out: string | undefined;
  /** `--dump-share=X`: share of dump-tool runs (alerts) in the end-to-end backlog instead of 0.005. */
  dumpShare: number | undefined;
  /** `--many-rules=N`: rules of the in-process many-rules column (1 leaves it out). */
  manyRules: number | undefined;
  /** `--rules=DIR`: the in-process part runs these rules (e.g. a detection-rules checkout) instead of rules/. */
  rulesDir: string | undefined;
  /** `--baseline=DIR`: another built checkout of the service, run beside this one by the e2e and latency parts. */
  baselineDir: string | undefined;
}

const USAGE = `usage: node dist/bench/run.js [${PARTS.join('|')}|all]... [--profile[=STREAM[:many]]] [--rounds=N] [--env=NAME=value,...] [--dump-share=X] [--many-rules=N] [--rules=DIR] [--baseline=DIR] [--out=suffix]`;

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    parts: [],
    profile: false,
    profileOf: undefined,
    rounds: undefined,
    serviceEnv: {},
    out: undefined,
    dumpShare: undefined,
    manyRules: undefined,
    rulesDir: undefined,
    baselineDir: undefined,
  };
  const names: string[] = [];
  for (const arg of argv) {
    const [flag, value] = arg.startsWith('--')
      ? [arg.slice(0, arg.includes('=') ? arg.indexOf('=') : undefined), arg.slice(arg.indexOf('=') + 1)]
      : [undefined, arg];
    if (flag === undefined) names.push(arg);
    else if (flag === '--profile' && !arg.includes('=')) args.profile = true;
    else if (flag === '--profile' && /^[\w-]+(:many)?$/.test(value)) {
      args.profile = true;
      args.profileOf = { stream: value.replace(/:many$/, ''), many: value.endsWith(':many') };
    } else if (flag === '--rounds' && /^\d+$/.test(value)) args.rounds = Number(value);
    else if (flag === '--out' && /^[\w.-]+$/.test(value)) args.out = value;
    else if (flag === '--dump-share' && /^(0|1|0?\.\d+)$/.test(value)) args.dumpShare = Number(value);
    else if (flag === '--many-rules' && /^[1-9]\d*$/.test(value)) args.manyRules = Number(value);
    else if (flag === '--rules' && value !== '') args.rulesDir = value;
    else if (flag === '--baseline' && value !== '') args.baselineDir = resolve(value);
    else if (flag === '--env') {
      for (const pair of value.split(',')) {
        const at = pair.indexOf('=');
        if (at <= 0) usage();
        args.serviceEnv[pair.slice(0, at)] = pair.slice(at + 1);
      }
    } else usage();
  }
  if (names.some((name) => name !== 'all' && !PARTS.includes(name as Part))) usage();
  args.parts = names.length === 0 || names.includes('all') ? [...PARTS] : PARTS.filter((part) => names.includes(part));
  return args;
}

function usage(): never {
  console.error(USAGE);
  process.exit(2);
}

function writeResult(kind: string, report: object, withStack: boolean, out: string | undefined): string {
  const dir = packagePath('bench', 'results');
  mkdirSync(dir, { recursive: true });
  const name = out ? `${kind}-${out}.json` : `${kind}.json`;
  writeFileSync(
    `${dir}/${name}`,
    `${JSON.stringify({ date: new Date().toISOString(), machine: describeMachine(withStack), command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`, ...report }, null, 2)}\n`,
  );
  return `bench/results/${name}`;
}

async function main(): Promise<void> {
  // The harness's own kafkajs clients (producer, admin) get the service's negative-timer fix too.
  installKafkajsTimerFix();
  const { parts, profile, profileOf, rounds, serviceEnv, out, dumpShare, manyRules, rulesDir, baselineDir } = parseArgs(
    process.argv.slice(2),
  );
  const machine = describeMachine(false);
  console.log(
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryMiB} MiB, Node ${machine.node}, commit ${machine.gitCommit?.slice(0, 10) ?? '?'}${machine.gitDirty ? ' (dirty tree)' : ''}, load ${machine.loadAverage.join(' ')}`,
  );
  for (const part of parts) {
    const started = Date.now();
    if (part === 'inprocess') {
      const report = await runInProcess({
        ...DEFAULT_INPROCESS,
        profile,
        ...(profileOf === undefined ? {} : { profileOf }),
        rounds: rounds ?? DEFAULT_INPROCESS.rounds,
        manyRules: manyRules ?? DEFAULT_INPROCESS.manyRules,
        ...(rulesDir === undefined ? {} : { rulesDir }),
      });
      console.log(`\nin-process decode -> ECS -> match (median of ${report.options.rounds} interleaved rounds, records per CPU-second)`);
      console.table(inProcessTable(report));
      if (report.profile) {
        console.log(`profile: ${report.profile.file}, busy time by area and top functions by self time`);
        console.table(report.profile.byArea.slice(0, 12));
        console.table(report.profile.topSelfTime);
      }
      console.log(`wrote ${writeResult('inprocess', report, false, out)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } else if (part === 'e2e') {
      const mix = dumpShare === undefined ? DEFAULT_E2E.mix : { ...DEFAULT_E2E.mix, dumpShare };
      const report = await runE2e({
        ...DEFAULT_E2E,
        profile,
        rounds: rounds ?? DEFAULT_E2E.rounds,
        serviceEnv,
        mix,
        ...(baselineDir === undefined ? {} : { baselineDir }),
      });
      console.log(`\nend to end: ${report.records.toLocaleString('en-US')} records, median of ${report.options.rounds} alternated rounds`);
      console.table(e2eTable(report));
      console.log(
        `service / bare kafkajs ${report.ratios.serviceVsBare}x (target >= ${report.targets.serviceVsBare}x; draining peak RSS ${report.targets.metDrainPeakRss ? 'meets' : 'misses'} the 400 MiB target), service / kcat ${report.ratios.serviceVsKcat}x, bare / kcat ${report.ratios.bareVsKcat}x`,
      );
      console.log(
        `bare @platformatic/kafka / bare kafkajs ${report.ratios.platformaticVsBare}x, / kcat ${report.ratios.platformaticVsKcat}x`,
      );
      console.log(
        `records per CPU-second: service ${report.serviceRecordsPerCpuSecond.toLocaleString('en-US')}, bare kafkajs ${report.bareRecordsPerCpuSecond.toLocaleString('en-US')}, bare @platformatic/kafka ${report.platformaticRecordsPerCpuSecond.toLocaleString('en-US')}`,
      );
      if (report.profile) {
        for (const [consumer, profiled] of Object.entries(report.profile)) {
          console.log(
            `profile of a ${consumer} drain (${profiled.drain.recordsPerSecond.toLocaleString('en-US')} records/s under the profiler), busy time by area: ${profiled.file}`,
          );
          console.table(profiled.byArea.slice(0, 12));
        }
        console.log('service, top functions by self time:');
        console.table(report.profile.service.topSelfTime.slice(0, 20));
      }
      console.log(`wrote ${writeResult('e2e', report, true, out)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } else {
      const report = await runLatency({
        ...DEFAULT_LATENCY,
        serviceEnv,
        rounds: rounds ?? DEFAULT_LATENCY.rounds,
        ...(baselineDir === undefined ? {} : { baselineDir }),
      });
      const [first] = report.rounds;
      console.log(
        `\nlatency at ${first!.produced.recordsPerSecond.toLocaleString('en-US')} records/s for ${first!.produced.seconds} s (${first!.produced.alertingRecords} dump-tool runs), median of ${report.options.rounds} round(s)`,
      );
      console.table(latencyTable(report));
      console.log(
        `p99 ${report.targets.metP99 ? 'meets' : 'misses'} the 250 ms target; peak RSS ${report.targets.metRss ? 'meets' : 'misses'} the 256 MiB target (largest sampled RSS ${(report.memory.maxSampledRssBytes / 1048576).toFixed(0)} MiB)`,
      );
      for (const { service } of report.rounds) {
        console.log(
          `service: GC ${JSON.stringify(service.gcSecondsByKind)} s (${JSON.stringify(service.gcCountByKind)} collections), event-loop lag max ${(service.eventLoopLagMaxSeconds * 1000).toFixed(0)} ms, ${service.bulkRequests} bulk requests p50 ${(service.bulkP50Seconds * 1000).toFixed(0)} ms p99 ${(service.bulkP99Seconds * 1000).toFixed(0)} ms`,
        );
      }
      console.log(`wrote ${writeResult('latency', report, true, out)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
