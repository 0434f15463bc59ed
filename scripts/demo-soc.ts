// The demo's SOC part: the backup job silenced by the shipped exception list, then suppression switched
// on by editing the rule file (a reload, no restart) and a burst of one dump tool counted into one alert.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { packagePath } from '../src/package-root.js';
import { defendRecord, type DefendVariant } from '../test/integration/harness/defend-records.js';
import { eventually, metricValue, type RunningDetector } from '../test/integration/harness/detector.js';

const RULE_FILE = 'potential_database_dumping_activity.toml';
const BURST = 30;

/** The shipped example list: mysqldump by "backup" under backup-shop.sh (exceptions/database-backup-jobs.ndjson). */
export const BACKUP_LIST_REFERENCE =
  '{ id = "1c2f3a40-9b1e-11ef-8a6c-2b1d3f4e5a60", list_id = "database-backup-jobs", namespace_type = "single", type = "detection" }';

/**
 * A copy of the bundled rules the demo (and tests) can edit while the detector runs on it, its rule
 * referencing the example exception list, as an analyst would after adding the exception in Kibana.
 */
export function editableRulesDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'edr-demo-rules-'));
  cpSync(packagePath('rules'), directory, { recursive: true });
  const path = join(directory, RULE_FILE);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^from = /m, `exceptions_list = [${BACKUP_LIST_REFERENCE}]\nfrom = `));
  return directory;
}

/** `schemaId`: the registry's id for the Defend topic when the detector resolves ids through a registry. */
export async function socScenario(
  kafka: Kafka,
  es: Client,
  detector: RunningDetector,
  rulesDir: string,
  alertsIndex: string,
  topic: string,
  schemaId?: number,
): Promise<string[]> {
  const m = (name: string, labels: Record<string, string> = {}) => metricValue(detector.metricsUrl, name, labels);
  const run = Date.now().toString(36);
  const producer = kafka.producer();
  await producer.connect();
  const send = (variants: DefendVariant[]) =>
    producer.send({ topic, messages: variants.map((variant) => defendRecord(variant, schemaId)) });

  console.log('\n== SOC: the nightly shop backup (mysqldump by "backup" under backup-shop.sh) on three hosts ==');
  const exceptedBefore = await m('edr_detector_exceptions_applied_total');
  await send(
    ['db-1', 'db-2', 'db-3'].map((host) => ({ id: `demo-${run}-backup-${host}`, user: 'backup', parent: 'backup-shop.sh', host })),
  );
  await eventually(
    'the backup records excepted',
    async () => (await m('edr_detector_exceptions_applied_total')) - exceptedBefore >= 3,
    30_000,
  );

  console.log(`== SOC: alert suppression added to ${RULE_FILE} (group by host.name, process.name; 1 h), no restart ==`);
  const reloadsBefore = await m('edr_detector_detection_set_reloads_total', { outcome: 'success' });
  appendFileSync(
    join(rulesDir, RULE_FILE),
    '\n[rule.alert_suppression]\ngroup_by = ["host.name", "process.name"]\nmissing_fields_strategy = "suppress"\n\n[rule.alert_suppression.duration]\nunit = "h"\nvalue = 1\n',
  );
  await eventually(
    'the detector to reload',
    async () => (await m('edr_detector_detection_set_reloads_total', { outcome: 'success' })) > reloadsBefore,
    30_000,
  );

  console.log(`== SOC: a burst of ${BURST} mysqldump runs by "mallory" on db-burst-${run} ==`);
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const host = `db-burst-${run}`;
  await send(
    Array.from({ length: BURST }, (_, i) => ({
      id: `demo-${run}-burst-${i}`,
      user: 'mallory',
      host,
      time: new Date(hour + i * 1000).toISOString(),
    })),
  );
  let docsCount = -1;
  await eventually(
    'the burst counted',
    async () => {
      await es.indices.refresh({ index: alertsIndex });
      const hits = (
        await es.search<{ kibana?: { alert?: { suppression?: { docs_count?: number } } } }>({
          index: alertsIndex,
          query: { term: { 'host.name': host } },
        })
      ).hits.hits;
      docsCount = hits.length === 1 ? (hits[0]!._source?.kibana?.alert?.suppression?.docs_count ?? -1) : -1;
      return docsCount === BURST - 1;
    },
    30_000,
  );
  await producer.disconnect();

  const excepted = (await m('edr_detector_exceptions_applied_total')) - exceptedBefore;
  return [
    `exceptions: ${excepted} backup-job runs matched the rule and were excepted by exceptions/database-backup-jobs.ndjson (no alert)`,
    `suppression: ${BURST} runs on ${host} -> 1 alert, kibana.alert.suppression.docs_count = ${docsCount} (the first run plus ${docsCount} suppressed)`,
    `reload: ${RULE_FILE} edited while running; detection set now ${await fingerprint(detector)}`,
  ];
}

async function fingerprint(detector: RunningDetector): Promise<string> {
  const body = await (await fetch(`${detector.metricsUrl}/metrics`)).text();
  return /edr_detector_detection_set_info\{fingerprint="([0-9a-f]+)"\}/.exec(body)?.[1] ?? '?';
}
