// The backfill's command line: a time window and an optional rules folder, every problem listed at once.
import { DetectorError } from '../errors.js';

export interface BackfillArgs {
  /** Window start, epoch milliseconds (inclusive). */
  fromMs: number;
  /** Window end, epoch milliseconds (exclusive); undefined = the partitions' ends as of the start. */
  toMs: number | undefined;
  rulesDir: string | undefined;
  /** Seconds between progress lines. */
  progressEverySeconds: number;
}

const BACKFILL_USAGE = `usage: npm run backfill -- --from <time> [--to <time>] [--rules <dir>] [--progress-every <seconds>]
  <time> is ISO 8601 (2026-11-28T20:00:00Z, 2026-11-28) or relative to now (now-2h, now-30m, now-7d)`;

export class BackfillArgsError extends DetectorError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('CONFIG_INVALID', `${problems.map((problem) => `  - ${problem}`).join('\n')}\n${BACKFILL_USAGE}`);
    this.problems = problems;
  }
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
// A date, or a date and time with a zone: a time without a zone would depend on the machine's.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** `now`, `now-<n><s|m|h|d>` or ISO 8601; undefined when it is neither. */
export function parseTime(text: string, nowMs: number): number | undefined {
  if (text === 'now') return nowMs;
  const relative = /^now-(\d+)([smhd])$/.exec(text);
  if (relative) return nowMs - Number(relative[1]) * (UNIT_MS[relative[2] as string] as number);
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseBackfillArgs(argv: readonly string[], nowMs: number): BackfillArgs {
  const problems: string[] = [];
  const values = new Map<string, string>();
  const known = new Set(['--from', '--to', '--rules', '--progress-every']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!known.has(name)) {
      problems.push(`unknown argument ${arg}`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') problems.push(`${name} needs a value`);
    else values.set(name, value);
  }

  const time = (name: string): number | undefined => {
    const text = values.get(name);
    if (text === undefined) return undefined;
    const ms = parseTime(text, nowMs);
    if (ms === undefined) problems.push(`${name} ${text}: not a time (ISO 8601 with a zone, or now-<n><s|m|h|d>)`);
    return ms;
  };
  const fromMs = time('--from');
  const toMs = time('--to');
  if (!values.has('--from')) problems.push('--from is required');
  if (fromMs !== undefined && fromMs > nowMs) problems.push('--from is in the future');
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) problems.push('--to must be later than --from');
  const every = Number(values.get('--progress-every') ?? '5');
  if (!Number.isFinite(every) || every <= 0) problems.push('--progress-every must be a positive number of seconds');

  if (problems.length > 0 || fromMs === undefined) throw new BackfillArgsError(problems);
  return { fromMs, toMs, rulesDir: values.get('--rules'), progressEverySeconds: every };
}
