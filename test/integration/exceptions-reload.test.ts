// Exceptions and reload against the real servers: excepted and expired items, a file change taking
// effect without a restart, and a broken file refused while the old set keeps running.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editableRulesDir } from '../../scripts/demo-soc.js';
import { groupLag } from './harness/alert-census.js';
import { defendRecord, DEFEND_VENDOR_ID, type DefendVariant } from './harness/defend-records.js';
import { eventually, metricValue, startDetector, type RunningDetector } from './harness/detector.js';
import { alertDocuments, createTestFeeds, type TestFeeds } from './harness/feeds.js';

const LIST = { list_id: 'database-backup-jobs', name: 'Database backup jobs', namespace_type: 'single', type: 'detection', os_types: [] };
const item = (itemId: string, user: string, extra: object = {}) => ({
  item_id: itemId,
  list_id: LIST.list_id,
  name: itemId,
  namespace_type: 'single',
  type: 'simple',
  os_types: ['linux'],
  entries: [
    { field: 'process.name', operator: 'included', type: 'match', value: 'mysqldump' },
    { field: 'user.name', operator: 'included', type: 'match', value: user },
  ],
  ...extra,
});
const SUMMARY = { exported_exception_list_count: 1, exported_exception_list_item_count: 2, missing_exception_lists_count: 0 };

describe('exceptions and reload, end to end', () => {
  let feeds: TestFeeds;
  let detector: RunningDetector;
  let rulesDir: string;
  let exceptionsDir: string;
  const produced: string[] = [];

  /** Writes beside, then renames: what an editor or the kubelet does, so no half-written file is ever read. */
  function writeExceptions(name: string, text: string): void {
    writeFileSync(join(exceptionsDir, `.${name}.tmp`), text);
    renameSync(join(exceptionsDir, `.${name}.tmp`), join(exceptionsDir, name));
  }
  const exportOf = (...items: object[]) => [LIST, ...items, SUMMARY].map((line) => JSON.stringify(line)).join('\n') + '\n';

  async function produce(...variants: DefendVariant[]): Promise<void> {
    const producer = feeds.kafka.producer();
    await producer.connect();
    await producer.send({ topic: feeds.topicOf.get(DEFEND_VENDOR_ID)!, messages: variants.map((variant) => defendRecord(variant)) });
    await producer.disconnect();
    produced.push(...variants.map((variant) => variant.id));
    await eventually(
      'group lag 0',
      async () =>
        (await groupLag(feeds.admin, feeds.groupId, [...feeds.topicOf.values()])) === 0 &&
        (await metricValue(detector.metricsUrl, 'edr_detector_records_consumed_total')) >= produced.length,
    );
  }

  async function alertedEventIds(): Promise<string[]> {
    return (await alertDocuments(feeds)).map(({ source }) => (source.event as { id: string }).id).sort();
  }

  async function fingerprint(): Promise<string> {
    const body = await (await fetch(`${detector.metricsUrl}/metrics`)).text();
    return /edr_detector_detection_set_info\{fingerprint="([0-9a-f]+)"\} 1/.exec(body)?.[1] ?? '';
  }

  beforeAll(async () => {
    feeds = await createTestFeeds('soc-exceptions');
    rulesDir = editableRulesDir();
    exceptionsDir = mkdtempSync(join(tmpdir(), 'edr-exceptions-'));
    writeExceptions(
      'backups.ndjson',
      exportOf(item('backup-user', 'backup'), item('old-dba', 'olddba', { expire_time: '2026-01-01T00:00:00.000Z' })),
    );
    detector = await startDetector({ ...feeds.env, RULES_DIR: rulesDir, EXCEPTIONS_DIR: exceptionsDir, RELOAD_DEBOUNCE_MS: '200' });
  });

  afterAll(async () => {
    await detector?.stop();
    await feeds?.cleanup();
    for (const directory of [rulesDir, exceptionsDir]) if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('an excepted record gives no alert; an item past its expire_time no longer excepts', async () => {
    await produce({ id: 'e-backup', user: 'backup' }, { id: 'e-olddba', user: 'olddba' }, { id: 'e-alice-1', user: 'alice' });
    expect(await alertedEventIds()).toEqual(['e-alice-1', 'e-olddba']);
    expect(await metricValue(detector.metricsUrl, 'edr_detector_exceptions_applied_total')).toBe(1);
  });

  it('a changed exception file takes effect without a restart, losing and duplicating nothing', async () => {
    const before = await fingerprint();
    writeExceptions('backups.ndjson', exportOf(item('backup-user', 'backup'), item('alice-migration', 'alice')));
    await eventually('the new set to be active', async () => (await fingerprint()) !== before && (await fingerprint()) !== '', 20_000);
    expect(
      await metricValue(detector.metricsUrl, 'edr_detector_detection_set_reloads_total', { outcome: 'success' }),
    ).toBeGreaterThanOrEqual(1);
    await produce({ id: 'e-alice-2', user: 'alice' }, { id: 'e-bob', user: 'bob' }, { id: 'e-olddba-2', user: 'olddba' });
    expect(await alertedEventIds()).toEqual(['e-alice-1', 'e-bob', 'e-olddba', 'e-olddba-2']);
  });

  it('a broken file is refused with the old set still active and /readyz still ready; SIGHUP retries', async () => {
    const active = await fingerprint();
    writeExceptions('broken.ndjson', '{"list_id": "half-written"\n');
    await eventually(
      'the reload to be refused',
      async () => (await metricValue(detector.metricsUrl, 'edr_detector_detection_set_reloads_total', { outcome: 'failed' })) >= 1,
      20_000,
    );
    expect(await metricValue(detector.metricsUrl, 'edr_detector_detection_set_last_reload_failed')).toBe(1);
    expect(await fingerprint()).toBe(active);
    expect((await fetch(`${detector.metricsUrl}/readyz`)).status).toBe(200);
    expect(
      detector.logs.some(
        (line) =>
          line.message === 'new rules/exceptions refused; the previous detection set stays active' &&
          String((line.error as { message?: string })?.message).includes('broken.ndjson:1'),
      ),
    ).toBe(true);
    await produce({ id: 'e-alice-3', user: 'alice' }, { id: 'e-carol', user: 'carol' });
    expect(await alertedEventIds()).toEqual(['e-alice-1', 'e-bob', 'e-carol', 'e-olddba', 'e-olddba-2']);

    // Fixing the file is picked up on SIGHUP as well as by the watcher; the failure flag clears.
    rmSync(join(exceptionsDir, 'broken.ndjson'));
    detector.process.kill('SIGHUP');
    await eventually(
      'the failure flag to clear',
      async () => (await metricValue(detector.metricsUrl, 'edr_detector_detection_set_last_reload_failed')) === 0,
      20_000,
    );
    expect(await fingerprint()).toBe(active);
    expect(detector.logs.some((line) => line.message === 'SIGHUP: reloading rules, exceptions and suppression settings')).toBe(true);
    const alerts = await alertDocuments(feeds);
    expect(new Set(alerts.map((alert) => alert.id)).size).toBe(alerts.length);
  });
});
