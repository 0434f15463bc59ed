// Renders deploy/k8s/prometheusrule.yaml from deploy/prometheus/rules.yml so the two can never drift.
// Run: node scripts/deploy/render-prometheus-rule.ts        (rewrite the PrometheusRule)
//      node scripts/deploy/render-prometheus-rule.ts --check (exit 1 when it is out of date)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const RULES_PATH = 'deploy/prometheus/rules.yml';
export const PROMETHEUS_RULE_PATH = 'deploy/k8s/prometheusrule.yaml';

const HEADER = `# Generated from ${RULES_PATH} by scripts/deploy/render-prometheus-rule.ts: edit that file, then rerun.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: edr-dbdump-detector
  labels:
    app.kubernetes.io/name: edr-dbdump-detector
    app.kubernetes.io/component: detector
    app.kubernetes.io/part-of: edr-detection
spec:
`;

// Text, not a YAML round trip: the plain file's comments and block scalars survive unchanged, and the
// rules under `spec:` are the plain file's lines indented by two spaces.
export function renderPrometheusRule(rulesYaml: string): string {
  const lines = rulesYaml.replace(/\r\n/g, '\n').split('\n');
  const start = lines.findIndex((line) => line.startsWith('groups:'));
  if (start < 0) throw new Error(`${RULES_PATH} has no top-level "groups:" key`);
  const body = lines
    .slice(start)
    .map((line) => (line.length === 0 ? line : `  ${line}`))
    .join('\n')
    .replace(/\n+$/, '');
  return `${HEADER}${body}\n`;
}

// Walks up to the checkout root, so the script works from scripts/ and from its compiled copy in dist/.
function repoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, RULES_PATH))) return dir;
    if (dirname(dir) === dir) throw new Error(`no checkout root with ${RULES_PATH} above ${start}`);
  }
}

function main(argv: readonly string[]): number {
  const root = repoRoot(dirname(fileURLToPath(import.meta.url)));
  const rendered = renderPrometheusRule(readFileSync(join(root, RULES_PATH), 'utf8'));
  const target = join(root, PROMETHEUS_RULE_PATH);
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // a missing file is simply out of date
    }
    if (current === rendered) return 0;
    process.stderr.write(`${PROMETHEUS_RULE_PATH} is out of date: run node scripts/deploy/render-prometheus-rule.ts\n`);
    return 1;
  }
  writeFileSync(target, rendered);
  return 0;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  process.exitCode = main(process.argv.slice(2));
}
