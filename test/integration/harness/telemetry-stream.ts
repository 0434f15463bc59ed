// A paced producer of sample telemetry for fault suites: every record says in its headers what it must cause.
import type avro from 'avsc';
import type { Kafka, Message, Producer } from 'kafkajs';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import type { ValueFormat } from '../../../src/decode/framing.js';
import { VENDORS } from '../../../src/vendors/index.js';
import type { VendorFeed } from '../../../src/vendors/types.js';
import { mulberry32, SampleStream } from '../../../scripts/samples/sample-stream.js';
import { sleep } from './detector.js';
import { fromNative } from '../../../scripts/native/from-native.js';

/** Headers the stream puts on every record, read back by alert-census.ts. */
export const STREAM_HEADERS = {
  vendor: 'x-vendor',
  /** "1" when the rule must alert on the record. */
  expectAlert: 'x-expect-alert',
  /** The vendor's event identity (VendorFeed.eventIdentity); absent when the record has none. */
  identity: 'x-identity',
} as const;

/** How one vendor's records are written: the Confluent id to frame with and, optionally, another writer schema. */
export interface StreamWriter {
  schemaId: number;
  /** Writer schema (default: the bundled one); `adapt` turns a bundled-shape record into its shape. */
  type?: avro.Type;
  adapt?: (record: Record<string, unknown>) => Record<string, unknown>;
}

export interface TelemetryStreamOptions {
  seed: number;
  /** Share of dump-tool runs (alerts); default 0.1. */
  dumpShare?: number;
  nearMissShare?: number;
  format?: ValueFormat;
  vendors?: readonly VendorFeed[];
  /**
   * Per vendor id, how its records are framed (registry ids, evolved schemas); read at every send,
   * so a suite can switch a producer to another writer schema mid-stream. Absent: the bundled id.
   */
  writers?: Map<string, StreamWriter>;
}

export interface PacedRun {
  /** Records per second over all vendors. */
  ratePerSecond: number;
  /** Stops when this aborts, or after maxMs, whichever is first. */
  signal?: AbortSignal;
  maxMs: number;
}

export class TelemetryStream {
  /** Records acknowledged by the broker (a retried send may have written some twice; the census reads back what is there). */
  sent = 0;
  alertsSent = 0;
  sendFailures = 0;
  private readonly producer: Producer;
  private readonly streams: SampleStream[];
  private readonly format: ValueFormat;
  private readonly writers: ReadonlyMap<string, StreamWriter> | undefined;

  constructor(
    kafka: Kafka,
    private readonly topicOf: ReadonlyMap<string, string>,
    options: TelemetryStreamOptions,
  ) {
    // Not idempotent: the broker-restart suite restarts the broker under it, and a plain producer
    // with short retries rides that out; any record written twice is read back and accounted for.
    this.producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 } });
    const random = mulberry32(options.seed);
    const mix = { dumpShare: options.dumpShare ?? 0.1, nearMissShare: options.nearMissShare ?? 0.1 };
    this.streams = (options.vendors ?? VENDORS).map((vendor) => new SampleStream(vendor, mix, random));
    this.format = options.format ?? 'confluent';
    this.writers = options.writers;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Builds `count` records spread round-robin over the vendors. */
  private messages(count: number): Array<{ topic: string; messages: Message[] }> {
    const byTopic = new Map<string, Message[]>();
    for (let i = 0; i < count; i++) {
      const stream = this.streams[(this.sent + i) % this.streams.length] as SampleStream;
      const sample = stream.next();
      const record = fromNative(sample.vendor, sample.native);
      const identity = sample.vendor.eventIdentity(record);
      const headers: Record<string, string> = {
        [STREAM_HEADERS.vendor]: sample.vendor.id,
        [STREAM_HEADERS.expectAlert]: sample.expectAlert ? '1' : '0',
      };
      if (identity !== undefined) headers[STREAM_HEADERS.identity] = identity;
      const topic = this.topicOf.get(sample.vendor.id);
      if (!topic) throw new Error(`no topic for ${sample.vendor.id}`);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: identity ?? null, value: this.encode(sample.vendor, record), headers });
      byTopic.set(topic, list);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  private encode(vendor: VendorFeed, record: Record<string, unknown>): Buffer {
    const writer = this.writers?.get(vendor.id);
    if (!writer) return encodeRecord(vendor, record, { format: this.format });
    const written = writer.adapt ? writer.adapt(record) : record;
    return encodeRecord(vendor, written, { format: this.format, schemaId: writer.schemaId, ...(writer.type ? { type: writer.type } : {}) });
  }

  /** Sends `count` records now; a failed send is retried until it succeeds or `deadline` passes. */
  async send(count: number, deadline = Date.now() + 60_000): Promise<void> {
    const topicMessages = this.messages(count);
    for (;;) {
      try {
        await this.producer.sendBatch({ topicMessages, acks: -1 });
        break;
      } catch (error) {
        this.sendFailures += 1;
        if (Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
    this.sent += count;
    this.alertsSent += topicMessages.reduce(
      (n, t) => n + t.messages.filter((m) => (m.headers as Record<string, string>)[STREAM_HEADERS.expectAlert] === '1').length,
      0,
    );
  }

  /** Produces at a steady rate in small batches until stopped; resolves with the number sent. */
  async run(run: PacedRun): Promise<number> {
    const started = Date.now();
    const tickMs = 200;
    const startCount = this.sent;
    while (!run.signal?.aborted && Date.now() - started < run.maxMs) {
      const due = Math.floor((run.ratePerSecond * (Date.now() - started)) / 1000) - (this.sent - startCount);
      if (due > 0) await this.send(Math.min(due, run.ratePerSecond), started + run.maxMs + 30_000);
      await sleep(tickMs);
    }
    return this.sent - startCount;
  }
}
