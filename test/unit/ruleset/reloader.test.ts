import { mkdtempSync, rmSync, writeFileSync, symlinkSync, renameSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Reloader } from '../../../src/ruleset/reloader.js';
import { createLogger } from '../../../src/telemetry/logger.js';

const logger = createLogger('silent');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function reloaderWith(load: () => Promise<string>, directories: string[] = [], debounceMs = 20) {
  const applied: [string, string][] = [];
  const refused: [string, string][] = [];
  const reloader = new Reloader<string>({
    directories,
    debounceMs,
    load,
    apply: (set, trigger) => applied.push([set, trigger]),
    refuse: (error, trigger) => refused.push([error.message, trigger]),
    logger,
  });
  cleanups.push(() => reloader.stop());
  return { reloader, applied, refused };
}

describe('Reloader', () => {
  it('applies a good set and refuses a bad one without applying anything', async () => {
    const sets = ['v2', new Error('broken.ndjson:3: not JSON'), 'v3'];
    const { reloader, applied, refused } = reloaderWith(async () => {
      const next = sets.shift();
      if (next instanceof Error) throw next;
      return next!;
    });
    await reloader.reload('SIGHUP');
    await reloader.reload('SIGHUP');
    await reloader.reload('files changed');
    expect(applied).toEqual([
      ['v2', 'SIGHUP'],
      ['v3', 'files changed'],
    ]);
    expect(refused).toEqual([['broken.ndjson:3: not JSON', 'SIGHUP']]);
  });

  it('never runs two loads at once; a request during a load runs once after it', async () => {
    let running = 0;
    let most = 0;
    let count = 0;
    const { reloader, applied } = reloaderWith(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      running--;
      return `v${++count}`;
    });
    await Promise.all([reloader.reload('a'), reloader.reload('b'), reloader.reload('c')]);
    expect(most).toBe(1);
    expect(applied.map(([set]) => set)).toEqual(['v1', 'v2']);
  });

  it('debounces a burst of file changes into one reload', async () => {
    const load = vi.fn<() => Promise<string>>(async () => 'v');
    const { reloader, applied } = reloaderWith(load, [], 50);
    for (let i = 0; i < 5; i++) reloader.schedule('files changed');
    await vi.waitFor(() => expect(applied).toHaveLength(1), { timeout: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('notices a ConfigMap-style update (the ..data symlink swapped to a new directory)', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'edr-reload-'));
    cleanups.push(() => rmSync(mount, { recursive: true, force: true }));
    mkdirSync(join(mount, '..2026_v1'));
    writeFileSync(join(mount, '..2026_v1', 'rule.toml'), 'v1');
    symlinkSync('..2026_v1', join(mount, '..data'));
    symlinkSync(join('..data', 'rule.toml'), join(mount, 'rule.toml'));
    const { reloader, applied } = reloaderWith(async () => 'reloaded', [mount], 20);
    reloader.start();
    // What the kubelet does: write the new version beside the old, then atomically rename a new link over ..data.
    mkdirSync(join(mount, '..2026_v2'));
    writeFileSync(join(mount, '..2026_v2', 'rule.toml'), 'v2');
    symlinkSync('..2026_v2', join(mount, '..data_tmp'));
    renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
    await vi.waitFor(() => expect(applied).toEqual([['reloaded', 'files changed']]), { timeout: 3_000 });
  });
});
