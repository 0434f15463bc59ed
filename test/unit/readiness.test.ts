import { describe, expect, it } from 'vitest';
import { liveness, readiness, type ServiceState } from '../../src/readiness.js';

const healthy: ServiceState = {
  consumerJoined: true,
  consumerCrashed: false,
  elasticsearchReachable: true,
  templateInstalled: true,
  stopping: false,
  pausedForSink: false,
  stalledPartitions: [],
};

describe('probes', () => {
  it('is ready only with Kafka joined, Elasticsearch reachable and the template installed', () => {
    expect(readiness(healthy).ok).toBe(true);
    for (const key of ['consumerJoined', 'elasticsearchReachable', 'templateInstalled'] as const) {
      expect(readiness({ ...healthy, [key]: false }).ok, key).toBe(false);
    }
    expect(readiness({ ...healthy, stopping: true }).ok).toBe(false);
  });

  it('is not ready while the schema registry fails look-ups, and says why; alive all the same', () => {
    const down = { ...healthy, schemaRegistryProblem: 'cannot reach schema registry at http://registry:8081/schemas/ids/7: fetch failed' };
    expect(readiness(down)).toEqual({
      ok: false,
      checks: expect.objectContaining({ schemaRegistryReachable: false, schemaRegistryProblem: down.schemaRegistryProblem }),
    });
    expect(readiness(healthy).checks).toMatchObject({ schemaRegistryReachable: true });
    expect(readiness(healthy).checks).not.toHaveProperty('schemaRegistryProblem');
    expect(liveness(down).ok).toBe(true);
  });

  it('is not ready while every feed is paused for Elasticsearch (no progress here), yet stays alive until a partition stalls', () => {
    const paused = { ...healthy, pausedForSink: true };
    expect(readiness(paused).ok).toBe(false);
    expect(readiness(paused).checks.pausedForElasticsearch).toBe(true);
    expect(liveness(paused).ok).toBe(true);
    expect(liveness({ ...paused, stalledPartitions: ['t/0'] }).ok).toBe(false);
  });

  it('stays alive while Elasticsearch is down (a restart would not help) but not when a partition stalls', () => {
    expect(liveness({ ...healthy, elasticsearchReachable: false }).ok).toBe(true);
    expect(liveness({ ...healthy, stalledPartitions: ['t/0'] }).ok).toBe(false);
    expect(liveness({ ...healthy, consumerCrashed: true }).ok).toBe(false);
  });
});
