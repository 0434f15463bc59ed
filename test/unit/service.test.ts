// The service lifecycle with in-memory fake steps: a failed start closes what earlier steps opened, stop closes all in reverse.
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load.js';
import type { DetectionSet } from '../../src/ruleset/detection-set.js';
import { startService, type ServiceSteps } from '../../src/service.js';
import { createLogger } from '../../src/telemetry/logger.js';

type StepName = keyof ServiceSteps;
const ORDER: StepName[] = ['startOperations', 'connectElasticsearch', 'connectKafka', 'startDetection', 'startConsuming'];

/** Fake steps that record what they open and close; `failing` throws instead of opening. */
function fakeSteps(failing?: StepName) {
  const log: string[] = [];
  const part = (name: StepName) => {
    if (name === failing) throw new Error(`${name} failed`);
    log.push(`open ${name}`);
    return {
      port: 0,
      topics: [],
      reload: async () => {},
      metrics: { recordsConsumed: { get: async () => ({ values: [] }) } },
      events: { kafkaClientError: () => undefined },
      [Symbol.asyncDispose]: async () => {
        log.push(`close ${name}`);
      },
    };
  };
  const steps = Object.fromEntries(
    ORDER.map((name) => [name, name === 'startDetection' ? () => part(name) : async () => part(name)]),
  ) as unknown as ServiceSteps;
  return { steps, log };
}

const config = { KAFKA_BROKERS: ['127.0.0.1:1'], feeds: [] } as unknown as Config;
const detection = { rules: [], fingerprint: 'f' } as unknown as DetectionSet;
const logger = createLogger('silent');

describe('startService', () => {
  it('stops with the steps closed in reverse start order', async () => {
    const { steps, log } = fakeSteps();
    const service = await startService(config, detection, logger, { version: 'test' }, steps);
    expect(log).toEqual(ORDER.map((name) => `open ${name}`));
    await Promise.all([service.stop(), service.stop()]);
    expect(log.slice(ORDER.length)).toEqual([...ORDER].reverse().map((name) => `close ${name}`));
  });

  it.each(ORDER.slice(1))('closes every earlier step when %s fails, and only those', async (failing) => {
    const { steps, log } = fakeSteps(failing);
    await expect(startService(config, detection, logger, { version: 'test' }, steps)).rejects.toThrow(`${failing} failed`);
    const opened = ORDER.slice(0, ORDER.indexOf(failing));
    expect(log).toEqual([...opened.map((name) => `open ${name}`), ...[...opened].reverse().map((name) => `close ${name}`)]);
  });
});
