// Start-up step for the operator's view: metrics, named events, the service state and the /metrics, /healthz, /readyz server.
import { Registry } from 'prom-client';
import { liveness, readiness, type ServiceState } from '../readiness.js';
import { createEvents, type Events } from '../telemetry/events.js';
import { startOperationsServer } from '../telemetry/http-server.js';
import type { Logger } from '../telemetry/logger.js';
import { createMetrics, type Metrics } from '../telemetry/metrics.js';

/** Reads one part of the state from the component that owns it (the consumer, the registry client). */
type StateProbe = (state: ServiceState) => void;

export interface Operations extends AsyncDisposable {
  port: number;
  metrics: Metrics;
  events: Events;
  state: ServiceState;
  /** Later steps add what the probes read; each probe answer refreshes the state from them first. */
  addProbe: (probe: StateProbe) => void;
  refresh: () => ServiceState;
}

export async function startOperations(settings: { host: string; port: number; version: string }, logger: Logger): Promise<Operations> {
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: settings.version });
  const events = createEvents(metrics, logger);
  const state: ServiceState = {
    consumerJoined: false,
    consumerCrashed: false,
    elasticsearchReachable: false,
    templateInstalled: false,
    stopping: false,
    pausedForSink: false,
    stalledPartitions: [],
  };
  const probes: StateProbe[] = [];
  const refresh = (): ServiceState => {
    for (const probe of probes) probe(state);
    events.healthObserved({
      ready: readiness(state).ok,
      stalledPartitions: state.stalledPartitions.length,
      elasticsearchReachable: state.elasticsearchReachable,
    });
    return state;
  };
  const server = await startOperationsServer(
    { registry, liveness: () => liveness(refresh()), readiness: () => readiness(refresh()) },
    settings.host,
    settings.port,
  );
  logger.info({ port: server.port }, 'operations endpoint listening (/metrics, /healthz, /readyz)');
  return {
    port: server.port,
    metrics,
    events,
    state,
    addProbe: (probe) => probes.push(probe),
    refresh,
    [Symbol.asyncDispose]: () => server.close(),
  };
}
