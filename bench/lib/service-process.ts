// Runs the compiled service (dist/src/main.js) as a child process, as in production, and watches it: logs, metrics, memory, CPU.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packagePath } from '../../src/package-root.js';

interface AlertAck {
  alertId: string;
  /** When the service logged the acknowledgement (epoch ms; the log line's own @timestamp). */
  ackedAtMs: number;
}

export interface RunningService {
  child: ChildProcess;
  metricsUrl: string;
  /** 'alert written' log lines seen so far. */
  readonly acks: AlertAck[];
  /** The last lines of output, for error reports. */
  tail(): string;
  stop(): Promise<void>;
}

export interface ProcessSample {
  rssBytes: number;
  /** Peak resident set (VmHWM) so far. */
  peakRssBytes: number;
  /** User + system CPU seconds so far. */
  cpuSeconds: number;
}

const CLOCK_TICKS = 100;

/** Memory and CPU of a live process from /proc (Linux); undefined once it is gone. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    // Fields after the command name (which may hold spaces) in /proc/<pid>/stat: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM'), cpuSeconds };
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Spawns the service through bin/start.sh with `env` (on top of a minimal environment) and resolves once /readyz
 * answers 200. `root` runs another built checkout instead of this one (the benchmark's baseline).
 */
export async function startService(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; readyTimeoutMs?: number; root?: string } = {},
): Promise<RunningService> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const root = options.root ?? packagePath();
  // The launcher `npm start` and the image run, so the service runs with their memory settings; `node` on its
  // PATH is this Node. It execs node, so the child's pid is the service's own.
  const child = spawn('sh', [join(root, 'bin', 'start.sh'), ...(options.nodeArgs ?? [])], {
    cwd: root,
    env: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: AlertAck[] = [];
  const recent: string[] = [];
  let metricsPort: number | undefined;
  let pending = '';
  const onData = (chunk: Buffer): void => {
    pending += chunk.toString('utf8');
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (recent.push(line) > 40) recent.shift();
      // Only two kinds of line matter here; parsing every one would cost the benchmark's own CPU.
      if (line.includes('"alert written"')) {
        const entry = JSON.parse(line) as { alertId: string; '@timestamp': string };
        acks.push({ alertId: entry.alertId, ackedAtMs: Date.parse(entry['@timestamp']) });
      } else if (metricsPort === undefined && line.includes('operations endpoint listening')) {
        metricsPort = Number((JSON.parse(line) as { port: number }).port);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tail = () => recent.join('\n');

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service did not become ready:\n${tail()}`);
    }
    if (metricsPort !== undefined) {
      const ready = await fetch(`http://127.0.0.1:${metricsPort}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) break;
    }
    await sleep(100);
  }
  return {
    child,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    acks,
    tail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One counter or gauge summed over its label sets, from a /metrics text. */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match && match[1] === name) sum += Number(match[3]);
  }
  return sum;
}

/** One sample's value by a label (e.g. nodejs_gc_duration_seconds_sum by kind), summed over the other labels. */
export function metricByLabel(text: string, name: string, label: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const value = new RegExp(`(?:^|,)${label}="([^"]*)"`).exec(match[2]!)?.[1] ?? '';
    values.set(value, (values.get(value) ?? 0) + Number(match[3]));
  }
  return values;
}

/** Cumulative histogram buckets (upper bound in seconds -> count), summed over label sets. */
export function histogramBuckets(text: string, name: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\}\\s+(\\S+)`).exec(line);
    if (!match) continue;
    const bound = match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  return new Map([...buckets].sort((a, b) => a[0] - b[0]));
}

/** A quantile estimated from cumulative buckets as Prometheus' histogram_quantile does (linear within a bucket). */
export function bucketQuantile(buckets: ReadonlyMap<number, number>, q: number): number {
  const entries = [...buckets];
  const count = entries.at(-1)?.[1] ?? 0;
  if (count === 0) return Number.NaN;
  const rank = q * count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, cumulative] of entries) {
    if (cumulative >= rank) {
      if (!Number.isFinite(bound)) return lowerBound;
      return lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / Math.max(1, cumulative - lowerCount);
    }
    lowerBound = bound;
    lowerCount = cumulative;
  }
  return lowerBound;
}

export async function metricsText(metricsUrl: string): Promise<string> {
  return (await fetch(`${metricsUrl}/metrics`)).text();
}
