// The backfill against the real servers runs the live service's detection set: excepted records give no alert, suppressed ones count once.
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackfill } from './harness/backfill-run.js';
import { editableRulesDir } from '../../scripts/demo-soc.js';
import { groupLag } from './harness/alert-census.js';
import { defendRecord, DEFEND_VENDOR_ID, type DefendVariant } from './harness/defend-records.js';
import { eventually, sleep, startDetector } from './harness/detector.js';
import { alertDocuments, createTestFeeds, type TestFeeds } from './harness/feeds.js';

/** The summary's alert line, e.g. "0 new, 5 already written, 0 refused by Elasticsearch, 4 counted into a suppressed alert, 2 excepted". */
function alertLine(stdout: string): string {
  return /^ {2}alerts: (.*)$/m.exec(stdout)?.[1] ?? `no summary in:\n${stdout}`;
}

const HOST = 'db-backfill-burst';
const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const burst = (from: number, count: number): DefendVariant[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `bf-burst-${from + i}`,
    host: HOST,
    time: new Date(hour + (from + i) * 1_000).toISOString(),
  }));
const backups = (from: number, count: number): DefendVariant[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `bf-backup-${from + i}`,
    user: 'backup',
    parent: 'backup-shop.sh',
    host: `db-backup-${from + i}`,
  }));

describe('npm run backfill with exceptions and suppression', () => {
  let feeds: TestFeeds;
  let env: Record<string, string>;
  let rulesDir: string;
  let startB = 0;

  async function groupAlert(): Promise<Record<string, any>[]> {
    return (await alertDocuments(feeds))
      .map((alert) => alert.source as Record<string, any>)
      .filter((source) => source['host']?.['name'] === HOST);
  }

  beforeAll(async () => {
    feeds = await createTestFeeds('backfill-set', 1, undefined);
    // The rule references the shipped backup-jobs list and suppresses by host for an hour.
    rulesDir = editableRulesDir();
    appendFileSync(
      join(rulesDir, 'potential_database_dumping_activity.toml'),
      '\n[rule.alert_suppression]\ngroup_by = ["host.name"]\nmissing_fields_strategy = "suppress"\n\n[rule.alert_suppression.duration]\nunit = "h"\nvalue = 1\n',
    );
    env = { ...feeds.env, RULES_DIR: rulesDir };
    const producer = feeds.kafka.producer();
    await producer.connect();
    const send = (variants: DefendVariant[]) =>
      producer.send({ topic: feeds.topicOf.get(DEFEND_VENDOR_ID)!, messages: variants.map((variant) => defendRecord(variant)) });
    // Window A, processed live: a burst of 5 on one host and 3 backup-job runs.
    await send([...burst(0, 5), ...backups(0, 3)]);
    const live = await startDetector(env);
    await eventually(
      'live group lag 0',
      async () => (await groupLag(feeds.admin, feeds.groupId, [...feeds.topicOf.values()])) === 0,
      60_000,
    );
    await live.stop();
    // Window B, never seen live: 4 more runs in the same group and window, 2 more backup runs.
    await sleep(50);
    startB = Date.now();
    await sleep(50);
    await send([...burst(5, 4), ...backups(3, 2)]);
    await producer.disconnect();
  }, 120_000);

  afterAll(async () => {
    await feeds?.cleanup();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  it('live: one alert for the burst, none for the backup job', async () => {
    const alerts = await alertDocuments(feeds);
    expect(alerts).toHaveLength(1);
    expect((await groupAlert())[0]?.['kibana']['alert']['suppression']['docs_count']).toBe(4);
  });

  it('over the live window: nothing new, nothing counted twice, the backup job excepted again', async () => {
    const run = await runBackfill(env, ['--from', new Date(hour - 60_000).toISOString(), '--to', new Date(startB).toISOString()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /detection set [0-9a-f]{16}: 1 exception list\(s\), 1 rule\(s\) suppressing, 0 rule\(s\) matching no enabled feed/,
    );
    expect(alertLine(run.stdout)).toBe(
      '0 new, 5 already written, 0 refused by Elasticsearch, 0 counted into a suppressed alert, 3 excepted',
    );
    expect((await groupAlert())[0]?.['kibana']['alert']['suppression']['docs_count']).toBe(4);
  }, 60_000);

  it('over the unseen window: the new runs are counted into the live alert, the backup runs excepted', async () => {
    const run = await runBackfill(env, ['--from', new Date(startB).toISOString()]);
    expect(run.code, run.stderr).toBe(0);
    expect(alertLine(run.stdout)).toBe(
      '0 new, 0 already written, 0 refused by Elasticsearch, 4 counted into a suppressed alert, 2 excepted',
    );
    const alerts = await groupAlert();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.['kibana']['alert']['suppression']['docs_count']).toBe(8);
    expect((await alertDocuments(feeds)).length).toBe(1);
  }, 60_000);
});
