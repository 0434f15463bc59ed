import { describe, expect, it } from 'vitest';
import { alertId, type AlertIdInput } from '../../../src/alerts/alert-id.js';

const BASE: AlertIdInput = {
  ruleId: '47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5',
  vendorId: 'crowdstrike-fdr',
  eventIdentity: '123|aid|cid',
  topic: 'edr.crowdstrike.fdr',
  partition: 3,
  offset: '1042',
};

describe('alertId', () => {
  it('is a sha256 hex digest', () => {
    expect(alertId(BASE)).toMatch(/^[0-9a-f]{64}$/);
  });

  // Pinned: a change here re-alerts every redelivered record after an upgrade.
  it('is stable across releases', () => {
    expect(alertId(BASE)).toBe('5c5b14f3691fcceccbc4b6b73eb36401361fc95d75c3b5727d58884654550272');
    expect(alertId({ ...BASE, eventIdentity: undefined })).toBe('8b3591e1509a691b0930fc03f7522ef6d71dc4ded6476b030beb3601651529fb');
  });

  it('uses the event identity and ignores the Kafka position when the vendor has one', () => {
    expect(alertId({ ...BASE, topic: 'other', partition: 0, offset: '7' })).toBe(alertId(BASE));
    expect(alertId({ ...BASE, eventIdentity: '124|aid|cid' })).not.toBe(alertId(BASE));
    expect(alertId({ ...BASE, vendorId: 'elastic-defend' })).not.toBe(alertId(BASE));
  });

  it('falls back to topic, partition and offset without an identity (or with an empty one)', () => {
    const positional = { ...BASE, eventIdentity: undefined };
    expect(alertId({ ...BASE, eventIdentity: '' })).toBe(alertId(positional));
    expect(alertId({ ...positional, offset: '1043' })).not.toBe(alertId(positional));
    expect(alertId({ ...positional, partition: 4 })).not.toBe(alertId(positional));
    expect(alertId({ ...positional, topic: 'edr.other' })).not.toBe(alertId(positional));
  });

  it('differs per rule', () => {
    expect(alertId({ ...BASE, ruleId: 'another-rule' })).not.toBe(alertId(BASE));
  });

  it('cannot be forged by moving separators between parts', () => {
    const a = alertId({ ...BASE, eventIdentity: undefined, topic: 'a', offset: '1' });
    const b = alertId({ ...BASE, eventIdentity: undefined, topic: 'a",3,"1', offset: '' });
    expect(a).not.toBe(b);
  });
});
