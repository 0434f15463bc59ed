// Runs the compiled backfill command to its exit, as an operator would, and keeps what it printed.
import { spawn } from 'node:child_process';
import { packagePath } from '../../../src/package-root.js';

export interface BackfillOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runBackfill(env: Record<string, string>, args: string[]): Promise<BackfillOutput> {
  const child = spawn(process.execPath, [packagePath('dist', 'src', 'backfill', 'main.js'), ...args], {
    cwd: packagePath(),
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}
