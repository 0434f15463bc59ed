// Reads the per-vendor fixtures (test/fixtures/<vendor>/*.json): the templates of all sample telemetry.
import { readdirSync, readFileSync } from 'node:fs';
import { packagePath } from '../../src/package-root.js';
import type { EcsEvent } from '../../src/ecs/event.js';

export interface Fixture {
  file: string;
  description: string;
  native: Record<string, unknown>;
  expected: EcsEvent;
  /** Whether the rule fires on this record. */
  alert: boolean;
}

export function loadFixtures(vendorId: string): Fixture[] {
  const dir = packagePath('test', 'fixtures', vendorId);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ file: name, ...(JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')) as Omit<Fixture, 'file'>) }));
}
