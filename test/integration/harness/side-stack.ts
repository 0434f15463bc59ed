// Extra Kafka brokers, Elasticsearch nodes and schema registries beside the default stack, for suites that stop or secure them.
import { execFile } from 'node:child_process';
import { packagePath } from '../../../src/package-root.js';

interface SideServer {
  /** Starts the server (from a clean data folder the first time) and resolves once it answers. */
  start(): Promise<void>;
  /** Stops it; its data stays, so start() brings the same topics or indices back. */
  stop(): Promise<void>;
  /** Stops it and deletes its data and logs. */
  clean(): Promise<void>;
}

export interface SideKafka extends SideServer {
  broker: string;
  port: number;
}

export interface SideElasticsearch extends SideServer {
  url: string;
  port: number;
}

export interface SideRegistry extends SideServer {
  /** The Confluent API root (what SCHEMA_REGISTRY_URL names). */
  url: string;
  port: number;
}

export interface SideServerOptions {
  /** EDR_STACK_NAME: names the folder its data lives in; must differ from every other server's. */
  name: string;
  port: number;
  /** Further EDR_STACK_* settings (listeners, security, extra settings). */
  env?: Record<string, string>;
}

type StackScript = 'kafka' | 'elasticsearch' | 'registry';

/** Runs scripts/stack/<script>.sh with a command; rejects with the script's output tail on failure. */
function runStackScript(script: StackScript, command: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [packagePath('scripts', 'stack', `${script}.sh`), command],
      { env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${script}.sh ${command} failed: ${error.message}\n${(stdout + stderr).slice(-4000)}`));
        else resolve();
      },
    );
  });
}

function sideServer(script: StackScript, env: Record<string, string>): SideServer {
  let cleaned = false;
  return {
    async start() {
      // A data folder left by an earlier, interrupted run could hold other credentials or topics.
      if (!cleaned) {
        await runStackScript(script, 'clean', env);
        cleaned = true;
      }
      await runStackScript(script, 'start', env);
    },
    stop: () => runStackScript(script, 'stop', env),
    clean: () => runStackScript(script, 'clean', env),
  };
}

/** A second single-node Kafka (KRaft) on `port`, its controller on port + 1. */
export function sideKafka(options: SideServerOptions): SideKafka {
  const env = { EDR_STACK_NAME: options.name, EDR_STACK_KAFKA_PORT: String(options.port), ...options.env };
  return { ...sideServer('kafka', env), broker: `127.0.0.1:${options.port}`, port: options.port };
}

/** A second single-node Elasticsearch on `port`, its transport on port + 100. */
export function sideElasticsearch(options: SideServerOptions): SideElasticsearch {
  const env: Record<string, string> = { EDR_STACK_NAME: options.name, EDR_STACK_ES_PORT: String(options.port), ...options.env };
  const scheme = env.EDR_STACK_ES_SCHEME ?? 'http';
  return { ...sideServer('elasticsearch', env), url: `${scheme}://127.0.0.1:${options.port}`, port: options.port };
}

/**
 * A second schema registry on `port`, its management port on port + 1. `properties` are extra
 * application.properties lines (basic auth users, ...).
 */
export function sideRegistry(options: SideServerOptions & { properties?: string[] }): SideRegistry {
  const env: Record<string, string> = {
    EDR_STACK_NAME: options.name,
    EDR_STACK_REGISTRY: 'true',
    EDR_STACK_REGISTRY_PORT: String(options.port),
    EDR_STACK_REGISTRY_MANAGEMENT_PORT: String(options.port + 1),
    EDR_STACK_REGISTRY_EXTRA_PROPERTIES: (options.properties ?? []).join('\n'),
    ...options.env,
  };
  return { ...sideServer('registry', env), url: `http://127.0.0.1:${options.port}/apis/ccompat/v7`, port: options.port };
}
