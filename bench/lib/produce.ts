// Puts benchmark records on Kafka: as fast as possible (a backlog to drain) or at a steady rate (for latency).
import type { Kafka, Message, Producer } from 'kafkajs';

/** Values per vendor topic; `next` picks the value of the i-th record of a topic. */
export interface TopicValues {
  topic: string;
  next(i: number): Buffer;
}

/** Bytes of values per produce request, under the broker's 1 MiB limit (message.max.bytes) for a record batch. */
const BATCH_BYTES = 800_000;
const PARTITIONS = 3;

async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

/**
 * Produces `perTopic` records to every topic, spread evenly over the partitions, with acks=1 and
 * large batches, several requests in flight. Returns records per second.
 */
export async function produceBacklog(kafka: Kafka, topics: readonly TopicValues[], perTopic: number): Promise<number> {
  const producer = await connectedProducer(kafka);
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  const cursors = topics.map(() => 0);
  while (cursors.some((cursor) => cursor < perTopic)) {
    topics.forEach(({ topic, next }, t) => {
      const batches: Message[][] = Array.from({ length: PARTITIONS }, () => []);
      let bytes = 0;
      while (cursors[t]! < perTopic && bytes < BATCH_BYTES * PARTITIONS) {
        const i = cursors[t]!++;
        const value = next(i);
        bytes += value.length;
        batches[i % PARTITIONS]!.push({ value, partition: i % PARTITIONS });
      }
      for (const messages of batches) if (messages.length > 0) inFlight.push(producer.send({ topic, acks: 1, messages }));
    });
    if (inFlight.length >= 24) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return (perTopic * topics.length) / seconds;
}

export interface PacedResult {
  records: number;
  seconds: number;
  /** Ticks that started late by more than one tick (the producer could not keep up). */
  lateTicks: number;
}

/**
 * Produces `ratePerSecond` records in total across `topics` for `seconds`, in ticks of `tickMs`:
 * each tick sends its share to every topic (round-robin partitions) with the current time as the
 * record timestamp. `valueFor(topicIndex, i)` gives each record's value.
 */
export async function producePaced(
  kafka: Kafka,
  topics: readonly string[],
  valueFor: (topicIndex: number, i: number) => Buffer,
  ratePerSecond: number,
  seconds: number,
  tickMs = 50,
): Promise<PacedResult> {
  const producer = await connectedProducer(kafka);
  const perTickPerTopic = Math.round((ratePerSecond * tickMs) / 1000 / topics.length);
  const ticks = Math.round((seconds * 1000) / tickMs);
  const started = Date.now();
  const counters = topics.map(() => 0);
  const inFlight = new Set<Promise<unknown>>();
  let lateTicks = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const due = started + tick * tickMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    else if (wait < -tickMs) lateTicks++;
    const timestamp = String(Date.now());
    topics.forEach((topic, t) => {
      const messages: Message[] = [];
      for (let k = 0; k < perTickPerTopic; k++) {
        const i = counters[t]!++;
        messages.push({ value: valueFor(t, i), partition: i % PARTITIONS, timestamp });
      }
      const sending = producer.send({ topic, acks: 1, messages }).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    });
  }
  await Promise.all(inFlight);
  const elapsed = (Date.now() - started) / 1000;
  await producer.disconnect();
  return { records: counters.reduce((a, b) => a + b, 0), seconds: elapsed, lateTicks };
}
