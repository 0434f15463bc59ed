import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installKafkajsTimerFix } from '../../../src/kafka/kafkajs-timer-fix.js';

const require = createRequire(import.meta.url);

interface QueueLike {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
}

/** Runs kafkajs' scheduler on an idle, never-throttled queue and collects the process warnings it causes. */
async function warningsOfIdleQueue(): Promise<{ warnings: string[]; checked: boolean }> {
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: { scheduleCheckPendingRequests(this: QueueLike): void };
  };
  const warnings: string[] = [];
  const listener = (warning: Error): void => void warnings.push(warning.name);
  process.on('warning', listener);
  let checked = false;
  const queue: QueueLike = { throttledUntil: -1, throttleCheckTimeoutId: null, pending: [], checkPendingRequests: () => (checked = true) };
  RequestQueue.prototype.scheduleCheckPendingRequests.call(queue);
  await new Promise((resolve) => setTimeout(resolve, 20));
  process.off('warning', listener);
  return { warnings, checked };
}

describe('kafkajs timer fix (kafkajs issue #1751)', () => {
  it('fits the installed kafkajs; if this fails, kafkajs changed: review src/kafka/kafkajs-timer-fix.ts', () => {
    expect(installKafkajsTimerFix()).toBe(true);
  });

  it('an idle queue schedules its check without a negative timer, and the check still runs', async () => {
    installKafkajsTimerFix();
    const { warnings, checked } = await warningsOfIdleQueue();
    expect(warnings).not.toContain('TimeoutNegativeWarning');
    expect(checked).toBe(true);
  });
});
