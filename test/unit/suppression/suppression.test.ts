import { describe, expect, it } from 'vitest';
import { suppressionGroup } from '../../../src/suppression/suppression-group.js';
import { resolveSuppression, type SuppressionSettings } from '../../../src/suppression/suppression-settings.js';
import { addContributions, readState, suppressionFields } from '../../../src/suppression/suppression-state.js';

const BY_HOST: SuppressionSettings = { groupBy: ['host.name', 'process.name'], durationMs: 60_000, missingFieldsStrategy: 'suppress' };
const T = Date.parse('2026-11-28T10:00:30Z');

describe('suppressionGroup', () => {
  it('groups by the field values and a window tiled from the epoch', () => {
    const a = suppressionGroup('r', { host: { name: 'db-7' }, process: { name: 'pg_dump' } }, T, BY_HOST)!;
    const b = suppressionGroup('r', { host: { name: 'db-7' }, process: { name: 'pg_dump' } }, T + 29_000, BY_HOST)!;
    const nextWindow = suppressionGroup('r', { host: { name: 'db-7' }, process: { name: 'pg_dump' } }, T + 30_000, BY_HOST)!;
    const otherHost = suppressionGroup('r', { host: { name: 'db-8' }, process: { name: 'pg_dump' } }, T, BY_HOST)!;
    const otherRule = suppressionGroup('s', { host: { name: 'db-7' }, process: { name: 'pg_dump' } }, T, BY_HOST)!;
    expect(a.terms).toEqual([
      { field: 'host.name', value: 'db-7' },
      { field: 'process.name', value: 'pg_dump' },
    ]);
    expect(new Date(a.windowStartMs).toISOString()).toBe('2026-11-28T10:00:00.000Z');
    expect(b.id).toBe(a.id);
    expect(new Set([a.id, nextWindow.id, otherHost.id, otherRule.id]).size).toBe(4);
  });

  it('sorts array values so their order does not split a group', () => {
    const settings: SuppressionSettings = { ...BY_HOST, groupBy: ['event.type'] };
    const a = suppressionGroup('r', { event: { type: ['start', 'info'] } }, T, settings)!;
    const b = suppressionGroup('r', { event: { type: ['info', 'start'] } }, T, settings)!;
    expect(a.terms).toEqual([{ field: 'event.type', value: ['info', 'start'] }]);
    expect(b.id).toBe(a.id);
  });

  it('missing fields: one group of their own with suppress, no suppression with doNotSuppress', () => {
    const missing = suppressionGroup('r', { process: { name: 'pg_dump' } }, T, BY_HOST)!;
    expect(missing.terms[0]).toEqual({ field: 'host.name', value: null });
    expect(suppressionGroup('r', { process: { name: 'pg_dump' } }, T + 1, BY_HOST)!.id).toBe(missing.id);
    expect(
      suppressionGroup('r', { process: { name: 'pg_dump' } }, T, { ...BY_HOST, missingFieldsStrategy: 'doNotSuppress' }),
    ).toBeUndefined();
  });
});

describe('addContributions', () => {
  const at = (partition: number, offset: string, timeMs = T) => ({ topic: 't', partition, offset, timeMs });

  it('counts matches after the first, with first and last time', () => {
    const { state, added } = addContributions(undefined, [at(0, '5', T + 10), at(0, '6', T), at(1, '2', T + 20)]);
    expect(added).toBe(3);
    expect(state).toEqual({ docsCount: 2, startMs: T, endMs: T + 20, positions: { 't/0': '6', 't/1': '2' } });
  });

  it('ignores a replayed record: same count, same times', () => {
    const first = addContributions(undefined, [at(0, '5'), at(0, '6')]).state;
    const replay = addContributions(first, [at(0, '5', T + 999), at(0, '6', T + 999), at(0, '7', T + 5)]);
    expect(replay.added).toBe(1);
    expect(replay.state.docsCount).toBe(2);
    expect(replay.state.endMs).toBe(T + 5);
  });

  it('round-trips through the document fields', () => {
    const group = suppressionGroup('r', { host: { name: 'h' }, process: { name: 'p' } }, T, BY_HOST)!;
    const { state } = addContributions(undefined, [at(0, '1'), at(0, '9', T + 1)]);
    const document = JSON.parse(JSON.stringify(suppressionFields(group, state))) as Record<string, unknown>;
    expect(readState(document)).toEqual(state);
    expect(document).toMatchObject({ kibana: { alert: { instance: { id: group.id }, suppression: { docs_count: 1 } } } });
  });
});

describe('resolveSuppression', () => {
  it('prefers the rule, falls back to the deployment default, lists every problem', () => {
    expect(resolveSuppression(undefined, BY_HOST).settings).toBe(BY_HOST);
    expect(
      resolveSuppression({ groupBy: ['host.name'], duration: { value: 2, unit: 'h' }, missingFieldsStrategy: 'doNotSuppress' }, BY_HOST)
        .settings,
    ).toEqual({
      groupBy: ['host.name'],
      durationMs: 7_200_000,
      missingFieldsStrategy: 'doNotSuppress',
    });
    expect(
      resolveSuppression({ groupBy: ['host.name'], duration: undefined, missingFieldsStrategy: 'suppress' }, undefined).settings
        ?.durationMs,
    ).toBe(300_000);
    expect(
      resolveSuppression({ groupBy: ['a', 'b', 'c', 'd'], duration: undefined, missingFieldsStrategy: 'never' }, undefined).problems,
    ).toHaveLength(2);
  });
});
