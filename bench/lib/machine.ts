// Describes where a benchmark ran: CPU, cores, memory, Node, the stack's versions and the git commit.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { packagePath } from '../../src/package-root.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryMiB: number;
  loadAverage: number[];
  platform: string;
  node: string;
  kafka: string | undefined;
  elasticsearch: string | undefined;
  gitCommit: string | undefined;
  /** True when the working tree had uncommitted changes: the figures are for that tree, not the commit alone. */
  gitDirty: boolean | undefined;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: packagePath(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The versions the local stack reports (scripts/stack/status.sh prints `kafka: running  version=...`). */
function stackVersions(): { kafka: string | undefined; elasticsearch: string | undefined } {
  let text = '';
  try {
    text = execFileSync('bash', [packagePath('scripts', 'stack', 'status.sh')], {
      cwd: packagePath(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    text = String((error as { stdout?: string }).stdout ?? '');
  }
  const version = (server: string) => new RegExp(`^${server}: running\\s+version=(\\S+)`, 'm').exec(text)?.[1];
  return { kafka: version('kafka'), elasticsearch: version('elasticsearch') };
}

export function describeMachine(withStack: boolean): Machine {
  const status = git(['status', '--porcelain']);
  const versions = withStack ? stackVersions() : { kafka: undefined, elasticsearch: undefined };
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    ...versions,
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: status === undefined ? undefined : status.length > 0,
  };
}
