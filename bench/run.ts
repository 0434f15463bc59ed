// Benchmark entry point: `node dist/bench/run.js inprocess|e2e|latency|all [--profile]`; prints tables, writes bench/results/*.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { packagePath } from '../src/package-root.js';
import { DEFAULT_INPROCESS, inProcessTable, runInProcess } from './inprocess.js';
import { describeMachine } from './lib/machine.js';

const PARTS = ['inprocess', 'e2e', 'latency'] as const;
type Part = (typeof PARTS)[number];

function parseArgs(argv: readonly string[]): { parts: Part[]; profile: boolean } {
  const flags = argv.filter((arg) => arg.startsWith('--'));
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => name !== 'all' && !PARTS.includes(name as Part));
  if (unknown.length > 0 || flags.some((flag) => flag !== '--profile')) {
    console.error(`usage: node dist/bench/run.js [${PARTS.join('|')}|all]... [--profile]`);
    process.exit(2);
  }
  const parts = names.length === 0 || names.includes('all') ? [...PARTS] : PARTS.filter((part) => names.includes(part));
  return { parts, profile: flags.includes('--profile') };
}

function writeResult(kind: string, report: object, withStack: boolean): string {
  const dir = packagePath('bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${kind}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: describeMachine(withStack), ...report }, null, 2)}\n`);
  return `bench/results/${kind}.json`;
}

async function main(): Promise<void> {
  const { parts, profile } = parseArgs(process.argv.slice(2));
  const machine = describeMachine(false);
  console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryMiB} MiB, Node ${machine.node}, commit ${machine.gitCommit?.slice(0, 10) ?? '?'}${machine.gitDirty ? ' (dirty tree)' : ''}, load ${machine.loadAverage.join(' ')}`);
  for (const part of parts) {
    const started = Date.now();
    if (part === 'inprocess') {
      const report = await runInProcess({ ...DEFAULT_INPROCESS, profile });
      console.log(`\nin-process decode -> ECS -> match (median of ${report.options.rounds} interleaved rounds, records per CPU-second)`);
      console.table(inProcessTable(report));
      if (report.profile) {
        console.log(`profile of the mixed pipeline: ${report.profile.file}`);
        console.table(report.profile.topSelfTime);
      }
      console.log(`wrote ${writeResult('inprocess', report, false)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } else {
      console.log(`${part}: not implemented yet`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
