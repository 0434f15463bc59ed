// Liveness and readiness as pure functions of the service's observable state.
import type { ProbeResult } from './telemetry/http-server.js';

export interface ServiceState {
  consumerJoined: boolean;
  consumerCrashed: boolean;
  elasticsearchReachable: boolean;
  templateInstalled: boolean;
  stopping: boolean;
  /** Every feed is paused because Elasticsearch does not accept alerts: this instance makes no progress. */
  pausedForSink: boolean;
  stalledPartitions: string[];
  /** Why the schema registry is failing look-ups, when it is; undefined when it answers or none is configured. */
  schemaRegistryProblem?: string | undefined;
}

export function liveness(state: ServiceState): ProbeResult {
  const ok = !state.consumerCrashed && state.stalledPartitions.length === 0;
  return { ok, checks: { consumerCrashed: state.consumerCrashed, stalledPartitions: state.stalledPartitions } };
}

export function readiness(state: ServiceState): ProbeResult {
  const registryOk = state.schemaRegistryProblem === undefined;
  const ok =
    state.consumerJoined &&
    state.elasticsearchReachable &&
    state.templateInstalled &&
    !state.stopping &&
    !state.pausedForSink &&
    registryOk;
  return {
    ok,
    checks: {
      kafkaJoined: state.consumerJoined,
      elasticsearchReachable: state.elasticsearchReachable,
      templateInstalled: state.templateInstalled,
      stopping: state.stopping,
      pausedForElasticsearch: state.pausedForSink,
      // Batches that need an uncached writer schema wait (and retry) until the registry answers.
      schemaRegistryReachable: registryOk,
      ...(registryOk ? {} : { schemaRegistryProblem: state.schemaRegistryProblem }),
    },
  };
}
