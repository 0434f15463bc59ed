// What a backfill has read and written so far, and the progress and summary lines it prints.
import type { PartitionWindow } from '../kafka/offset-window.js';

export interface AlertCounts {
  created: number;
  duplicate: number;
  /** Matches counted into an existing suppressed alert. */
  suppressed: number;
  failed: number;
}

export class BackfillProgress {
  private readonly next = new Map<string, { window: PartitionWindow; at: number }>();
  readonly total: number;
  records = 0;
  undecodable = 0;
  /** Matches an exception item silenced (no alert, as live). */
  excepted = 0;
  readonly alerts: AlertCounts = { created: 0, duplicate: 0, suppressed: 0, failed: 0 };
  /** Kafka record times seen, epoch milliseconds. */
  firstTimeMs: number | undefined;
  lastTimeMs: number | undefined;

  constructor(
    readonly windows: readonly PartitionWindow[],
    private readonly startedMs: number,
  ) {
    for (const window of windows) this.next.set(key(window.topic, window.partition), { window, at: window.start });
    this.total = windows.reduce((sum, window) => sum + (window.end - window.start), 0);
  }

  /** The window of a partition, or undefined when it is not part of the backfill. */
  windowOf(topic: string, partition: number): PartitionWindow | undefined {
    return this.next.get(key(topic, partition))?.window;
  }

  /** Records up to and including `lastOffset` of that partition are done. */
  advance(topic: string, partition: number, lastOffset: number, count: number, timesMs: readonly number[]): void {
    const entry = this.next.get(key(topic, partition));
    if (entry) entry.at = Math.max(entry.at, lastOffset + 1);
    this.records += count;
    for (const time of timesMs) {
      if (!Number.isFinite(time)) continue;
      if (this.firstTimeMs === undefined || time < this.firstTimeMs) this.firstTimeMs = time;
      if (this.lastTimeMs === undefined || time > this.lastTimeMs) this.lastTimeMs = time;
    }
  }

  /** The first offset of that partition not processed yet. */
  nextOffset(topic: string, partition: number): number {
    return this.next.get(key(topic, partition))?.at ?? Number.POSITIVE_INFINITY;
  }

  isPartitionDone(topic: string, partition: number): boolean {
    const entry = this.next.get(key(topic, partition));
    return entry === undefined || entry.at >= entry.window.end;
  }

  get isDone(): boolean {
    return [...this.next.values()].every((entry) => entry.at >= entry.window.end);
  }

  progressLine(nowMs: number): string {
    const seconds = (nowMs - this.startedMs) / 1000;
    const percent = this.total === 0 ? 100 : Math.floor((100 * this.records) / this.total);
    const upTo = this.lastTimeMs === undefined ? '' : `  up to ${iso(this.lastTimeMs)}`;
    return `[${seconds.toFixed(0).padStart(4)}s] ${count(this.records)}/${count(this.total)} records (${percent}%)${upTo}  ${count(rate(this.records, seconds))} records/s  alerts: ${this.alertText()}`;
  }

  summaryLines(nowMs: number, interrupted: boolean): string[] {
    const seconds = (nowMs - this.startedMs) / 1000;
    const span =
      this.firstTimeMs === undefined ? 'no records' : `records from ${iso(this.firstTimeMs)} to ${iso(this.lastTimeMs as number)}`;
    return [
      `backfill ${interrupted ? 'interrupted' : 'done'} in ${seconds.toFixed(1)} s: ${count(this.records)} records (window: ${count(this.total)} offsets), ${span}, ${count(rate(this.records, seconds))} records/s`,
      `  alerts: ${this.alertText()}`,
      `  undecodable records: ${count(this.undecodable)} (their dead letters are the live service's; the records stay in Kafka)`,
    ];
  }

  private alertText(): string {
    const { created, duplicate, suppressed, failed } = this.alerts;
    return `${count(created)} new, ${count(duplicate)} already written, ${count(failed)} refused by Elasticsearch, ${count(suppressed)} counted into a suppressed alert, ${count(this.excepted)} excepted`;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function rate(records: number, seconds: number): number {
  return seconds > 0 ? Math.round(records / seconds) : 0;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
