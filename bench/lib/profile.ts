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

/** The `top` functions by self time (time on the function's own code, callees excluded), as shares of busy time. */
export function topSelfTime(profile: CpuProfile, top = 15): SelfTime[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const micros = new Map<string, { function: string; where: string; us: number }>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]!);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node || delta < 0) continue;
    const { function: fn, where } = label(node);
    // Percentages are of the time the thread was busy: waiting for I/O is not a cost.
    if (fn === '(idle)') continue;
    total += delta;
    const key = `${fn}@${where}`;
    const entry = micros.get(key) ?? { function: fn, where, us: 0 };
    entry.us += delta;
    micros.set(key, entry);
  }
  return [...micros.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((entry) => ({
      function: entry.function,
      where: entry.where,
      selfMs: Math.round(entry.us / 100) / 10,
      selfPercent: Math.round((entry.us / total) * 1000) / 10,
    }));
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/** Functions built with `new Function` have no file: they are told apart by the names their generators give them. */
const GENERATED_AREA: readonly (readonly [RegExp, string])[] = [
  [/^(readProjection|scanProjection)$/, 'src/decode (generated readers)'],
  [/^mapFields$/, 'src/vendors (generated field mappings)'],
];

/** Busy time by where the code lives (our src/ folders, each package, Node internals, GC), for a coarse picture. */
export function selfTimeByArea(profile: CpuProfile): { area: string; selfMs: number; selfPercent: number }[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const micros = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]!);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node || delta < 0 || node.callFrame.functionName === '(idle)') continue;
    total += delta;
    const url = node.callFrame.url;
    const name = node.callFrame.functionName;
    const area = !url
      ? name.startsWith('(')
        ? name
        : (GENERATED_AREA.find(([pattern]) => pattern.test(name))?.[1] ?? 'native code')
      : url.includes('/node_modules/')
        ? `package ${url.split('/node_modules/').at(-1)!.split('/')[0]!}`
        : url.includes('/dist/src/')
          ? `src/${url.split('/dist/src/')[1]!.split('/')[0]!.replace(/\.js$/, '.ts')}`
          : url.startsWith('node:')
            ? 'Node.js internals'
            : 'other';
    micros.set(area, (micros.get(area) ?? 0) + delta);
  }
  return [...micros]
    .sort((a, b) => b[1] - a[1])
    .map(([area, us]) => ({ area, selfMs: Math.round(us / 100) / 10, selfPercent: Math.round((us / total) * 1000) / 10 }));
}
