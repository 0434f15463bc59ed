// CPU profiles for the benchmark: record one in-process (node:inspector) and summarise any .cpuprofile by self time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, relative } from 'node:path';
import { packagePath } from '../../src/package-root.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  function: string;
  /** package-relative file and 1-based line, or the runtime's label ("(garbage collector)"). */
  where: string;
  selfMs: number;
  selfPercent: number;
}

/** Runs `work` under the V8 sampling profiler and writes the profile (loadable in Chrome DevTools) to `file`. */
export async function profileWhile<T>(file: string, work: () => Promise<T> | T): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  let result: T;
  try {
    result = await work();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
  return { result, profile: JSON.parse(readFileSync(file, 'utf8')) as CpuProfile };
}

function label(node: ProfileNode): { function: string; where: string } {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return { function: name, where: name.startsWith('(') ? 'runtime' : 'native' };
  let path = url.startsWith('file://') ? new URL(url).pathname : url;
  if (path.startsWith('/')) path = relative(packagePath(), path);
  return { function: name, where: `${path}:${lineNumber + 1}` };
}

/** The `top` functions by self time (time on the function's own code, callees excluded). */
export function topSelfTime(profile: CpuProfile, top = 15): SelfTime[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const micros = new Map<string, { function: string; where: string; us: number }>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]!);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node || delta < 0) continue;
    total += delta;
    const { function: fn, where } = label(node);
    if (fn === '(idle)' || fn === '(program)') continue;
    const key = `${fn}@${where}`;
    const entry = micros.get(key) ?? { function: fn, where, us: 0 };
    entry.us += delta;
    micros.set(key, entry);
  }
  return [...micros.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((entry) => ({ function: entry.function, where: entry.where, selfMs: Math.round(entry.us / 100) / 10, selfPercent: Math.round((entry.us / total) * 1000) / 10 }));
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}
