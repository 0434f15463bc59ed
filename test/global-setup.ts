// Brings the local stack (Kafka, Elasticsearch) up before suites that need it; pure suites skip it.
import { execFileSync } from 'node:child_process';

const SUITES_NEEDING_STACK = ['test/integration', 'test/faults', 'test/e2e'];

/** True unless the command line names only files/folders that do not need servers. */
function stackNeeded(argv: readonly string[]): boolean {
  if (process.env.EDR_TEST_SKIP_STACK === '1') return false;
  const filters = argv.slice(2).filter((arg) => !arg.startsWith('-') && arg !== 'run' && arg !== 'watch');
  if (filters.length === 0) return true;
  return filters.some((filter) => SUITES_NEEDING_STACK.some((suite) => filter.includes(suite) || suite.startsWith(filter)));
}

export default function setup(): void {
  if (!stackNeeded(process.argv)) return;
  // Idempotent: returns at once when both servers already answer.
  execFileSync('bash', ['scripts/stack/up.sh'], { stdio: 'inherit' });
}
