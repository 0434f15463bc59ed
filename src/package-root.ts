// Locates the package's own files (schemas/, rules/) whether running from src/ or from dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package root (package.json beside schemas/) above ${start}`);
    dir = parent;
  }
}

const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}
