// How much the consumer may run ahead of Elasticsearch and the dead-letter topic: records accepted and alerts/letters held, each bounded.

export interface DeliveryLimits {
  /** Records accepted whose batches are not yet delivered (what a crash would make the group read again). */
  maxRecords: number;
  /** Alerts and dead letters held in memory until acknowledged. */
  maxItems: number;
}

export interface Held {
  records: number;
  items: number;
}

/**
 * Admission is checked before a batch is added, so one batch may overshoot a limit, and an empty
 * budget always admits: a batch larger than the limit still goes through, alone. Waiters are served
 * in arrival order, and a waiter that gives up (its partition revoked, shutdown) leaves the queue.
 */
export class DeliveryBudget {
  private records = 0;
  private items = 0;
  private readonly waiters: Array<{ admit: () => void }> = [];

  constructor(
    private readonly limits: DeliveryLimits,
    private readonly onChange: (held: Held) => void = () => undefined,
  ) {}

  get held(): Held {
    return { records: this.records, items: this.items };
  }

  /** Takes the batch in when it fits now (the common case, no promise, no timer); false when it has to wait. */
  tryAdmit(held: Held): boolean {
    if (this.waiters.length > 0 || !this.fits()) return false;
    this.add(held);
    return true;
  }

  /** Resolves once the batch fits; rejects with `signal`'s reason when it aborts first. */
  async admit(held: Held, signal: AbortSignal): Promise<void> {
    if (this.tryAdmit(held)) return;
    signal.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        admit: () => {
          signal.removeEventListener('abort', onAbort);
          this.add(held);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(signal.reason as Error);
        this.wake();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(held: Held): void {
    this.add({ records: -held.records, items: -held.items });
    this.wake();
  }

  private fits(): boolean {
    const empty = this.records === 0 && this.items === 0;
    return empty || (this.records < this.limits.maxRecords && this.items < this.limits.maxItems);
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.fits()) this.waiters.shift()!.admit();
  }

  private add(held: Held): void {
    this.records += held.records;
    this.items += held.items;
    this.onChange(this.held);
  }
}
