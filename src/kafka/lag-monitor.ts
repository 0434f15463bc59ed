// Polls the group's committed offsets against the high watermarks: lag keeps growing while paused.
import type { Admin } from 'kafkajs';
import type { Events } from '../telemetry/events.js';

export class LagMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>,
    private readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly events: Pick<Events, 'lagObserved' | 'lagPollFailed'>,
    /** Each partition's lag as polled: stall detection learns of records waiting where no batch arrives. */
    private readonly onLag: (topic: string, partition: number, lag: number) => void = () => undefined,
    private readonly intervalMs = 5_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.poll().finally(() => {
        this.running = undefined;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Lag = high watermark - committed offset (a partition never committed counts from its low watermark). */
  async poll(): Promise<void> {
    try {
      const committed = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [...this.topics] });
      for (const topic of this.topics) {
        const watermarks = await this.admin.fetchTopicOffsets(topic);
        const groupOffsets = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
        for (const mark of watermarks) {
          const committedOffset = Number(groupOffsets.find((p) => p.partition === mark.partition)?.offset ?? '-1');
          const start = committedOffset >= 0 ? committedOffset : Number(mark.low);
          const lag = Math.max(0, Number(mark.high) - start);
          this.events.lagObserved(topic, mark.partition, lag);
          this.onLag(topic, mark.partition, lag);
        }
      }
    } catch (error) {
      this.events.lagPollFailed(error);
    }
  }
}
