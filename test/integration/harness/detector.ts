// Runs the compiled service as a real child process against the local stack, for end-to-end suites.
import { spawn, type ChildProcess } from 'node:child_process';
import { packagePath } from '../../../src/package-root.js';
import { TEST_STACK } from './stack.js';

export interface RunningDetector {
  process: ChildProcess;
  metricsPort: number;
  metricsUrl: string;
  /** Every log line so far (JSON objects as parsed, other lines as { raw }). */
  logs: Array<Record<string, unknown>>;
  /** Raw stdout + stderr text, for secret-leak assertions. */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  exited: Promise<number | string>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Resolve once the readiness probe answers 200 (default true). */
  waitReady?: boolean;
  readyTimeoutMs?: number;
}

/** What every detector a test starts gets: the test stack's addresses and an ephemeral metrics port. */
export function detectorEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    KAFKA_BROKERS: TEST_STACK.kafkaBroker,
    ELASTICSEARCH_URL: TEST_STACK.elasticsearchUrl,
    METRICS_PORT: '0',
  };
}

export async function startDetector(env: Record<string, string> = {}, options: Omit<StartOptions, 'env'> = {}): Promise<RunningDetector> {
  const child = spawn(process.execPath, [packagePath('dist', 'src', 'main.js')], {
    cwd: packagePath(),
    env: {
      ...detectorEnv(),
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let text = '';
  let pending = '';
  const onData = (chunk: Buffer): void => {
    const s = chunk.toString('utf8');
    text += s;
    pending += s;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  // A fixed port is known up front; with port 0 the service's start-up log line (info level) tells it.
  const fixedPort = Number(env.METRICS_PORT ?? 0);
  let metricsPort: number | undefined = fixedPort > 0 ? fixedPort : undefined;
  while (metricsPort === undefined) {
    const line = logs.find((entry) => entry.message === 'operations endpoint listening (/metrics, /healthz, /readyz)');
    if (line) metricsPort = Number(line.port);
    else if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`detector did not start (exit ${child.exitCode}):\n${text.slice(-4000)}`);
    } else await sleep(100);
  }
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  if (options.waitReady !== false) {
    for (;;) {
      const ready = await fetch(`${metricsUrl}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`detector did not become ready (exit ${child.exitCode}):\n${text.slice(-4000)}`);
      }
      await sleep(200);
    }
  }
  return {
    process: child,
    metricsPort,
    metricsUrl,
    logs,
    output: () => text,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads one counter or gauge value (summed over label sets matching `labels`) from /metrics. */
export async function metricValue(metricsUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const body = await (await fetch(`${metricsUrl}/metrics`)).text();
  let total = 0;
  for (const line of body.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += Number(match[3]);
  }
  return total;
}

/** Polls `check` until it returns true or the time runs out (then throws with `what`). */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
