// Sends records that cannot be processed to the dead-letter topic, intact, with the reason in headers.
import type { Message, Producer } from 'kafkajs';
import type { DeadLetter, DeadLetterSink } from '../pipeline/ports.js';
import { DetectorError } from '../errors.js';

/** Header names every dead letter carries; the record's own headers travel beside them. */
export const DEAD_LETTER_HEADERS = {
  vendor: 'edr.dlq.vendor',
  topic: 'edr.dlq.source.topic',
  partition: 'edr.dlq.source.partition',
  offset: 'edr.dlq.source.offset',
  code: 'edr.dlq.error.code',
  stage: 'edr.dlq.error.stage',
  reason: 'edr.dlq.error.reason',
  time: 'edr.dlq.time',
  /** Set (to the value's size in bytes) when the value was left out because the topic refused its size. */
  valueOmitted: 'edr.dlq.value.omitted.bytes',
} as const;

/** Header values are bytes on the wire; a reason is capped so a huge record cannot bloat it. */
const MAX_REASON_CHARS = 2_000;

export function toDeadLetterMessage(letter: DeadLetter, now: Date): Message {
  return {
    key: letter.key,
    value: letter.value,
    headers: {
      ...letter.headers,
      [DEAD_LETTER_HEADERS.vendor]: letter.vendor,
      [DEAD_LETTER_HEADERS.topic]: letter.source.topic,
      [DEAD_LETTER_HEADERS.partition]: String(letter.source.partition),
      [DEAD_LETTER_HEADERS.offset]: letter.source.offset,
      [DEAD_LETTER_HEADERS.code]: letter.error.code,
      [DEAD_LETTER_HEADERS.stage]: letter.error.stage,
      [DEAD_LETTER_HEADERS.reason]: letter.error.message.slice(0, MAX_REASON_CHARS),
      [DEAD_LETTER_HEADERS.time]: now.toISOString(),
    },
  };
}

export class DeadLetterPublisher implements DeadLetterSink {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  /**
   * Resolves once the broker acknowledged every letter on all in-sync replicas. A letter larger
   * than the dead-letter topic accepts is sent without its value (its size in a header): otherwise
   * the batch holding it would fail and be read again forever. The record stays at its source
   * topic, partition and offset, which the letter names.
   */
  async publish(letters: readonly DeadLetter[], now = new Date()): Promise<void> {
    if (letters.length === 0) return;
    try {
      await this.publishAll(letters, now);
    } catch (error) {
      throw new DetectorError(
        'DLQ_UNAVAILABLE',
        `dead-letter topic ${this.topic} (DLQ_TOPIC) did not acknowledge ${letters.length} letter(s): ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    }
  }

  private async publishAll(letters: readonly DeadLetter[], now: Date): Promise<void> {
    const messages = letters.map((letter) => toDeadLetterMessage(letter, now));
    try {
      await this.send(messages);
    } catch (error) {
      if (!isTooLarge(error)) throw error;
      for (const message of messages) {
        await this.send([message]).catch((single: unknown) => {
          if (!isTooLarge(single)) throw single;
          const size = Buffer.isBuffer(message.value) ? message.value.length : Buffer.byteLength(message.value ?? '');
          return this.send([
            { ...message, value: null, headers: { ...message.headers, [DEAD_LETTER_HEADERS.valueOmitted]: String(size) } },
          ]);
        });
      }
    }
  }

  private async send(messages: Message[]): Promise<void> {
    await this.producer.send({ topic: this.topic, acks: -1, messages });
  }
}

/** The broker's refusal of a record over the topic's max.message.bytes (kafkajs: a non-retriable protocol error). */
function isTooLarge(error: unknown): boolean {
  return error instanceof Error && (error as { type?: unknown }).type === 'MESSAGE_TOO_LARGE';
}
