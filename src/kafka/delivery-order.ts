// Per-partition ordered acknowledgement: a partition's commit position passes a batch only once it and every batch before it are delivered.

export interface CommitPosition {
  topic: string;
  partition: number;
  /** The next offset to read: the last delivered one plus one. */
  offset: string;
}

/** One accepted batch of a partition, in fetch order. */
export interface DeliveryTicket {
  /** Every alert and dead letter of the batch is acknowledged. */
  delivered(): void;
  /** The batch will never be delivered by this consumer (revoked, or shutdown gave up): its partition stops here until the next assignment. */
  dropped(): void;
}

interface Ticket {
  readonly next: bigint;
  /** Records known to wait behind this batch when it was fetched. */
  readonly waitingAfter: number;
  state: 'pending' | 'delivered' | 'dropped';
}

/**
 * Kafka's commit is one position per partition, so a batch delivered ahead of an earlier one has to
 * wait for it: each partition keeps its accepted batches in fetch order and the position advances
 * over the delivered prefix. (Vector's Kafka source keeps offsets the same way: stored only once the
 * events before them are delivered.) A new assignment starts a new epoch: kafkajs reads every
 * partition again from its committed offset, so the tickets of the old one must move nothing.
 */
export class DeliveryOrder {
  private epoch = 0;
  private readonly queues = new Map<string, Ticket[]>();
  private readonly positions = new Map<string, CommitPosition>();
  private readonly changed = new Set<string>();

  constructor(
    /** The partition's position advanced; `waiting` records are known to be left behind it. */
    private readonly onAdvance: (topic: string, partition: number, waiting: number) => void = () => undefined,
  ) {}

  /** Opens the ticket of a batch accepted for delivery; call in fetch order (kafkajs hands a partition one batch at a time). */
  open(topic: string, partition: number, lastOffset: string, waitingAfter: number): DeliveryTicket {
    const key = `${topic}/${partition}`;
    const epoch = this.epoch;
    const queue = this.queues.get(key) ?? [];
    this.queues.set(key, queue);
    const ticket: Ticket = { next: BigInt(lastOffset) + 1n, waitingAfter, state: 'pending' };
    queue.push(ticket);
    const settle = (state: 'delivered' | 'dropped'): void => {
      if (ticket.state !== 'pending') return;
      ticket.state = state;
      if (epoch === this.epoch) this.advance(topic, partition, key, queue);
    };
    return { delivered: () => settle('delivered'), dropped: () => settle('dropped') };
  }

  /** Positions that moved since the last call: what the next periodic commit sends. */
  takeChanged(): CommitPosition[] {
    const changed = [...this.changed].flatMap((key) => this.positions.get(key) ?? []);
    this.changed.clear();
    return changed;
  }

  /** A commit that failed: its positions go out again with the next one. */
  restore(positions: readonly CommitPosition[]): void {
    for (const { topic, partition } of positions) {
      const key = `${topic}/${partition}`;
      if (this.positions.has(key)) this.changed.add(key);
    }
  }

  /** Every position delivered so far, for the final commit at shutdown. */
  get delivered(): CommitPosition[] {
    return [...this.positions.values()];
  }

  /**
   * A new assignment: batches accepted before it no longer move any position, and positions of
   * partitions now owned by others are forgotten (never committed by us again). Delivered positions
   * of partitions still owned stay: records before them were delivered, whoever reads them next.
   */
  reassigned(owned: ReadonlySet<string>): void {
    this.epoch++;
    this.queues.clear();
    for (const key of this.positions.keys()) {
      if (!owned.has(key)) {
        this.positions.delete(key);
        this.changed.delete(key);
      }
    }
  }

  private advance(topic: string, partition: number, key: string, queue: Ticket[]): void {
    let passed: Ticket | undefined;
    while (queue.length > 0 && queue[0]!.state === 'delivered') passed = queue.shift();
    if (passed === undefined) return;
    const known = this.positions.get(key);
    // After a new assignment kafkajs may read again from an older commit: a position never moves back.
    if (known === undefined || BigInt(known.offset) < passed.next) {
      this.positions.set(key, { topic, partition, offset: passed.next.toString() });
      this.changed.add(key);
    }
    this.onAdvance(topic, partition, passed.waitingAfter);
  }
}
