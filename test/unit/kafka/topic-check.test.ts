import { describe, expect, it } from 'vitest';
import { isDetectorError } from '../../../src/errors.js';
import { checkTopicsExist } from '../../../src/kafka/topic-check.js';

describe('checkTopicsExist', () => {
  const admin = { listTopics: async () => ['edr.elastic-defend', 'edr.dead-letter'] };

  it('passes when every topic is there', async () => {
    await expect(
      checkTopicsExist(
        admin,
        [
          { topic: 'edr.elastic-defend', variable: 'TOPIC_ELASTIC_DEFEND', role: 'feed' },
          { topic: 'edr.dead-letter', variable: 'DLQ_TOPIC', role: 'dead-letter' },
        ],
        'b:9092',
      ),
    ).resolves.toBeUndefined();
  });

  it('names every missing topic with the variable that sets it, in one coded error', async () => {
    const error = await checkTopicsExist(
      { listTopics: async () => [] },
      [
        { topic: 'edr.endgame', variable: 'TOPIC_ENDGAME', role: 'feed' },
        { topic: 'edr.dead-letter', variable: 'DLQ_TOPIC', role: 'dead-letter' },
      ],
      'b:9092',
    ).catch((e: unknown) => e);
    expect(isDetectorError(error) && error.code).toBe('KAFKA_TOPIC_MISSING');
    const message = (error as Error).message;
    expect(message).toContain('b:9092');
    expect(message).toContain('feed topic "edr.endgame" (TOPIC_ENDGAME)');
    expect(message).toContain('dead-letter topic "edr.dead-letter" (DLQ_TOPIC)');
    expect(message).toContain("set a feed's variable empty");
    expect(message).not.toContain('\n');
  });
});
