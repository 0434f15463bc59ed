import { describe, expect, it } from 'vitest';
import { InputPauses } from '../../../src/kafka/input-pauses.js';
import { FakePauseTarget, ManualTimers } from './fake-consumer.js';

function setup() {
  const target = new FakePauseTarget();
  const timers = new ManualTimers();
  let changes = 0;
  const pauses = new InputPauses(
    target,
    ['a', 'b'],
    () => changes++,
    timers,
    () => timers.now,
  );
  return { target, timers, pauses, changes: () => changes };
}

describe('InputPauses', () => {
  it('pauses every topic while any sink lease is held, and resumes when the last one is released', () => {
    const { target, pauses } = setup();
    const first = pauses.holdForSink();
    const second = pauses.holdForSink();
    expect(target.isPaused('a', 0) && target.isPaused('b', 7)).toBe(true);
    first.release();
    first.release();
    expect(pauses.pausedForSink).toBe(true);
    expect(target.isPaused('a', 0)).toBe(true);
    second.release();
    expect(pauses.pausedForSink).toBe(false);
    expect(target.isPaused('a', 0) || target.isPaused('b', 7)).toBe(false);
  });

  it("a lease released twice does not release another holder's", () => {
    const { pauses } = setup();
    const first = pauses.holdForSink();
    pauses.holdForSink();
    first.release();
    first.release();
    expect(pauses.pausedForSink).toBe(true);
  });

  it('backs one partition off and resumes it by timer, with no batch needed', () => {
    const { target, timers, pauses } = setup();
    pauses.backOff('a', 1, 4_000);
    expect(target.isPaused('a', 1)).toBe(true);
    expect(target.isPaused('a', 0)).toBe(false);
    expect(
      pauses.pausedCount([
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 1 },
      ]),
    ).toBe(1);
    timers.advance(3_999);
    expect(target.isPaused('a', 1)).toBe(true);
    timers.advance(1);
    expect(target.isPaused('a', 1)).toBe(false);
    expect(pauses.isBackingOff('a', 1)).toBe(false);
  });

  it("keeps a backoff through a sink pause (kafkajs' topic-wide resume would clear it) and the sink pause through a backoff ending", () => {
    const { target, timers, pauses } = setup();
    pauses.backOff('a', 1, 10_000);
    const lease = pauses.holdForSink();
    lease.release();
    expect(target.isPaused('a', 1)).toBe(true);
    expect(target.isPaused('a', 0)).toBe(false);

    const again = pauses.holdForSink();
    timers.advance(10_000);
    expect(target.isPaused('a', 1)).toBe(true);
    expect(
      pauses.pausedCount([
        { topic: 'a', partition: 0 },
        { topic: 'b', partition: 0 },
      ]),
    ).toBe(2);
    again.release();
    expect(target.isPaused('a', 1)).toBe(false);
  });

  it('reapply() restores the pauses kafkajs forgot and lifts any it kept that are no longer ours', () => {
    const { target, pauses } = setup();
    const lease = pauses.holdForSink();
    target.forget();
    pauses.reapply();
    expect(target.isPaused('b', 3)).toBe(true);
    lease.release();
    target.pause([{ topic: 'a' }]);
    pauses.reapply();
    expect(target.isPaused('a', 0)).toBe(false);
  });

  it('close() stops the backoff timers', () => {
    const { timers, pauses } = setup();
    pauses.backOff('a', 0, 1_000);
    pauses.backOff('a', 0, 2_000);
    expect(timers.count).toBe(1);
    pauses.close();
    expect(timers.count).toBe(0);
  });
});
