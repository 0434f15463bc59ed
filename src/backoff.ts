// The one retry delay every loop uses (batch retries, the alert writers, the start-up waits): exponential, capped, jittered.

/**
 * Delay before retry number `attempt` (0-based): initialMs doubling up to maxMs, drawn from the upper
 * half of that so many clients failing together do not retry in lockstep.
 */
export function backoffDelayMs(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
