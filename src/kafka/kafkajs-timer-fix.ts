// Stops kafkajs 2.2.4 asking Node for a negative timer (TimeoutNegativeWarning on Node 24, kafkajs issue #1751).
import { createRequire } from 'node:module';

/**
 * Root cause: a connection's RequestQueue starts with `throttledUntil = -1` ("not throttled"), and
 * scheduleCheckPendingRequests() arms `setTimeout(check, throttledUntil - Date.now())`: minus the
 * epoch. Node has always run such a timer after 1 ms; Node 24 also prints a warning for it, on every
 * new connection. kafkajs is unmaintained (the upstream fixes, PRs #1755/#1756, are not released),
 * so the method is replaced here by the same logic with the delay clamped to the 1 ms Node used
 * anyway. Applied only to the exact code it was written against: any other kafkajs version keeps
 * its own method, and the unit test that guards this (test/unit/kafka/kafkajs-timer-fix.test.ts)
 * fails, asking for the fix to be reviewed.
 */
const FIXED_VERSION = '2.2.4';
/** kafkajs' own interval for re-checking a queue that has pending requests but is not throttled. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueLike {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
}

type Scheduler = (this: RequestQueueLike) => void;

function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId) return;
  let delay = this.throttledUntil - Date.now();
  if (this.pending.length > 0 && delay <= 0) delay = CHECK_PENDING_REQUESTS_INTERVAL_MS;
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    Math.max(1, delay),
  );
}

let installed: boolean | undefined;

/** Installs the fix once; true when kafkajs is the version it fits (and now uses it). */
export function installKafkajsTimerFix(): boolean {
  if (installed !== undefined) return installed;
  const require = createRequire(import.meta.url);
  const { version } = require('kafkajs/package.json') as { version: string };
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: { scheduleCheckPendingRequests: Scheduler } };
  const original = RequestQueue.prototype.scheduleCheckPendingRequests;
  installed = version === FIXED_VERSION && String(original).includes('this.throttledUntil - Date.now()');
  if (installed) RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  return installed;
}
