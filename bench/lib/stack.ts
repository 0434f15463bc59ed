// The local stack for the end-to-end parts: brought up if needed, and the record counts they wait on.
import { execFileSync } from 'node:child_process';
import type { Admin } from 'kafkajs';
import { packagePath } from '../../src/package-root.js';
import { committedOffsets, partitionEnds } from '../../test/integration/harness/alert-census.js';

/** Runs scripts/stack/up.sh unless both servers already answer (it is idempotent, but slower). */
export function ensureStack(): void {
  try {
    execFileSync('bash', [packagePath('scripts', 'stack', 'status.sh')], { stdio: 'ignore' });
  } catch {
    console.log('starting the local stack (scripts/stack/up.sh) ...');
    execFileSync('bash', [packagePath('scripts', 'stack', 'up.sh')], { stdio: 'inherit' });
  }
}

/** Records on `topics`: the sum of their partitions' high watermarks (the benchmark's topics start empty). */
export async function recordsOn(admin: Admin, topics: readonly string[]): Promise<number> {
  let records = 0;
  for (const { high } of (await partitionEnds(admin, topics)).values()) records += high;
  return records;
}

/** Records of `topics` the group has committed (a partition without a commit counts 0). */
export async function committedTotal(admin: Admin, groupId: string, topics: readonly string[]): Promise<number> {
  let records = 0;
  for (const offset of (await committedOffsets(admin, groupId, topics)).values()) records += Math.max(0, offset);
  return records;
}
