// A generated ruleset of the shapes of Elastic's Linux process rules, written as rule files at benchmark time.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../../src/package-root.js';
import { mulberry32 } from '../../scripts/samples/sample-stream.js';

/*
 * Shapes seen across detection-rules' rules/linux process rules, written here from scratch: the
 * common prefix (Linux, a start, one of the vendors' exec actions), then a mix of `in` lists on
 * process.name or process.parent.name, `:` wildcards on process.args, process.executable and
 * process.command_line, `or` groups and `and not` exclusions. About a third name programs the
 * sample stream runs (bash, curl, python3...), so those records get past the name test and reach
 * the wildcard tests, as real telemetry does. Every generated literal carries a marker no sample
 * holds, so none of these rules alerts on the sample stream: the benchmark still counts exactly
 * the bundled rule's alerts.
 */

const COMMON = ['bash', 'sh', 'curl', 'python3', 'sshd', 'systemctl', 'tar', 'rsync', 'cron', 'grep', 'psql', 'mysql'];
const PREFIX = 'host.os.type == "linux" and event.type == "start" and event.action in ("exec", "exec_event", "start", "ProcessRollup2")';

function quoted(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/** The query of generated rule `i`: one of the shapes above, literals unique to it. */
function generatedQuery(i: number, random: () => number): string {
  const tag = `zq${i.toString(36)}`;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const names = (n: number) => Array.from({ length: n }, (_, k) => `${tag}${k}${pick(['d', 'x', 'ctl', 'sh'])}`);
  const common = () => [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(COMMON)))];
  switch (i % 8) {
    case 0:
      return `process where ${PREFIX} and process.name in (${quoted(names(4))})`;
    case 1:
      return `process where ${PREFIX} and process.name in (${quoted(common())}) and process.args : (${quoted([`*${tag}*`, `--${tag}=*`])})`;
    case 2:
      return `process where ${PREFIX} and process.parent.name in (${quoted(names(2))}) and not process.name in (${quoted(common())})`;
    case 3:
      return `process where ${PREFIX} and process.executable : (${quoted([`/tmp/${tag}*`, `/dev/shm/*${tag}`, `/var/tmp/.${tag}*`])})`;
    case 4:
      return `process where ${PREFIX} and process.name in (${quoted(common())}) and process.command_line : (${quoted([`*${tag} -d*`, `*|${tag}*`])})`;
    case 5:
      return `process where ${PREFIX} and (process.name : "${tag}*" or process.args == "${tag}")`;
    case 6:
      return `process where ${PREFIX} and process.name : (${quoted(names(3).map((name) => `${name}*`))}) and not process.parent.name in (${quoted(['systemd', 'cron'])})`;
    default:
      return `process where ${PREFIX} and process.args : ("-c", "-e") and process.command_line : "*${tag}*" and not process.executable : "/usr/*/${tag}"`;
  }
}

function ruleFile(i: number, query: string): string {
  const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  return [
    '[metadata]',
    'creation_date = "2026/11/28"',
    'maturity = "production"',
    'updated_date = "2026/11/28"',
    '',
    '[rule]',
    'author = ["edr-dbdump-detector benchmark"]',
    `description = "Generated benchmark rule ${i}."`,
    'language = "eql"',
    'license = "Apache-2.0"',
    `name = "Generated benchmark rule ${i}"`,
    'risk_score = 21',
    `rule_id = "${id}"`,
    'severity = "low"',
    'type = "eql"',
    'version = 1',
    `query = '''\n${query}\n'''`,
    '',
  ].join('\n');
}

export interface GeneratedRules {
  directory: string;
  /** Generated rule files, beside the bundled rule(s). */
  generated: number;
  queries: string[];
  remove(): void;
}

/** A temporary rule directory: the bundled rule plus `count - 1` generated ones. */
export function writeGeneratedRules(count: number, seed = 300): GeneratedRules {
  const directory = mkdtempSync(join(tmpdir(), 'edr-bench-rules-'));
  copyFileSync(
    packagePath('rules', 'potential_database_dumping_activity.toml'),
    join(directory, 'potential_database_dumping_activity.toml'),
  );
  const random = mulberry32(seed);
  const queries: string[] = [];
  for (let i = 1; i < count; i++) {
    const query = generatedQuery(i, random);
    queries.push(query);
    writeFileSync(join(directory, `generated_${String(i).padStart(3, '0')}.toml`), ruleFile(i, query));
  }
  return { directory, generated: count - 1, queries, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
