// The layer rules (.dependency-cruiser.cjs) hold for src/, and fail on a deliberately wrong import in a copy of it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

/** dependency-cruiser under the Node that runs the tests (24), as `npm run lint:layers` runs it. */
function cruise(cwd: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('layer rules', () => {
  const copy = mkdtempSync(join(tmpdir(), 'edr-layers-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('src/ keeps them', () => {
    const { status, output } = cruise(ROOT);
    expect(output, output).not.toMatch(/error /);
    expect(status).toBe(0);
  });

  it('fail when the rule engine imports the Kafka adapter', () => {
    cpSync(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
    for (const file of ['.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) cpSync(join(ROOT, file), join(copy, file));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const compile = join(copy, 'src/detect/compile.ts');
    writeFileSync(compile, `import '../kafka/client.js';\n${readFileSync(compile, 'utf8')}`);

    const { status, output } = cruise(copy);
    expect(status).not.toBe(0);
    expect(output).toContain('pure-middle-has-no-io-clients: src/detect/compile.ts → src/kafka/client.ts');
  });
});
