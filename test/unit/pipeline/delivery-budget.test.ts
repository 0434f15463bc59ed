// The delivery budget: admits at once under its limits, queues batches in order beyond them, lets a revoked waiter go.
import { describe, expect, it } from 'vitest';
import { DeliveryBudget } from '../../../src/pipeline/delivery-budget.js';

const open = new AbortController().signal;

describe('DeliveryBudget', () => {
  it('admits while under both limits (one batch may overshoot), then waits until enough is released', async () => {
    const seen: number[] = [];
    const budget = new DeliveryBudget({ maxRecords: 100, maxItems: 10 }, (held) => seen.push(held.records));
    await budget.admit({ records: 150, items: 0 }, open); // empty: admitted although larger than the limit
    let second = false;
    const waiting = budget.admit({ records: 10, items: 1 }, open).then(() => (second = true));
    await Promise.resolve();
    expect(second).toBe(false);
    budget.release({ records: 150, items: 0 });
    await waiting;
    expect(budget.held).toEqual({ records: 10, items: 1 });
    expect(seen).toEqual([150, 0, 10]);
  });

  it('alerts and letters held count on their own limit', async () => {
    const budget = new DeliveryBudget({ maxRecords: 1_000, maxItems: 5 });
    expect(budget.tryAdmit({ records: 1, items: 5 })).toBe(true);
    expect(budget.tryAdmit({ records: 1, items: 0 })).toBe(false);
    let admitted = false;
    const waiting = budget.admit({ records: 1, items: 0 }, open).then(() => (admitted = true));
    await Promise.resolve();
    expect(admitted).toBe(false);
    budget.release({ records: 1, items: 5 });
    await waiting;
    expect(admitted).toBe(true);
  });

  it('serves waiters in arrival order, and one that gives up leaves the queue without blocking the next', async () => {
    const budget = new DeliveryBudget({ maxRecords: 1, maxItems: 1 });
    await budget.admit({ records: 1, items: 0 }, open);
    const revoked = new AbortController();
    const order: string[] = [];
    const a = budget.admit({ records: 1, items: 0 }, revoked.signal).then(
      () => order.push('a'),
      () => order.push('a gave up'),
    );
    const b = budget.admit({ records: 1, items: 0 }, open).then(() => order.push('b'));
    revoked.abort(new Error('revoked'));
    await a;
    budget.release({ records: 1, items: 0 });
    await b;
    expect(order).toEqual(['a gave up', 'b']);
  });

  it('an already aborted signal is refused only when it would have to wait', async () => {
    const budget = new DeliveryBudget({ maxRecords: 1, maxItems: 1 });
    const aborted = AbortSignal.abort(new Error('stopping'));
    await budget.admit({ records: 1, items: 0 }, aborted);
    await expect(budget.admit({ records: 1, items: 0 }, aborted)).rejects.toThrow('stopping');
  });
});
