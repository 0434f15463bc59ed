// `npm run rules -- check|coverage DIR [--json]`: each rule file's verdict, or per feed the Linux process rules it can meet.
import { loadRules } from '../detect/load-rules.js';
import { RuleLoadError } from '../detect/rule-problems.js';
import type { LoadedRules } from '../detect/rule-set.js';
import { VENDORS } from '../vendors/index.js';
import { coverageText, ruleCoverage } from './rules-coverage.js';
import { EXIT_USAGE, exitCodeOf, textReport, verdictRecords } from './rules-report.js';

const USAGE = 'usage: npm run rules -- check DIR [--json] | coverage DIR [--json]';

async function main(argv: readonly string[]): Promise<number> {
  const args = argv.filter((arg) => arg !== '--json');
  const json = argv.includes('--json');
  if ((args[0] !== 'check' && args[0] !== 'coverage') || args.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    return EXIT_USAGE;
  }
  const directory = args[1]!;
  let loaded: LoadedRules;
  try {
    loaded = await loadRules(directory);
  } catch (error) {
    if (!(error instanceof RuleLoadError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_USAGE;
  }
  if (args[0] === 'coverage') {
    const coverage = ruleCoverage(loaded.rules, VENDORS);
    process.stdout.write(json ? `${JSON.stringify(coverage, null, 2)}\n` : coverageText(coverage));
    return 0;
  }
  const records = verdictRecords(loaded, directory);
  process.stdout.write(json ? `${JSON.stringify(records, null, 2)}\n` : textReport(records, loaded));
  return exitCodeOf(records);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`rules: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_USAGE;
  },
);
