// All exception lists of EXCEPTIONS_DIR, checked as a whole and resolved for a rule's `exceptions_list`.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DetectorError } from '../errors.js';
import { compileItem, type EventPredicate } from './compile-item.js';
import type { ExceptionItem, ExceptionList, ExceptionProblem, NamespaceType } from './exception-list.js';
import { parseExportFile } from './parse-export.js';

export interface ExceptionListReference {
  readonly listId: string;
  readonly namespaceType: string;
}

/** The first unexpired item (of the referenced lists) whose entries all hold, or undefined. */
export type ExceptionMatcher = (event: object, nowMs: number) => ExceptionItem | undefined;

export interface ExceptionSet {
  readonly lists: ReadonlyMap<string, ExceptionList>;
  /** Undefined when no reference is given, so the hot path can skip the call. */
  matcherFor(references: readonly ExceptionListReference[]): ExceptionMatcher | undefined;
}

export class ExceptionLoadError extends DetectorError {
  readonly problems: readonly ExceptionProblem[];

  constructor(problems: readonly ExceptionProblem[]) {
    const code = problems.some((problem) => problem.code === 'EXCEPTION_INVALID') ? 'EXCEPTION_INVALID' : 'EXCEPTION_UNSUPPORTED';
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      code,
      `cannot load exception lists (${count}):\n${problems.map((problem) => `  - ${formatExceptionProblem(problem)}`).join('\n')}`,
    );
    this.name = 'ExceptionLoadError';
    this.problems = problems;
  }
}

export function formatExceptionProblem(problem: ExceptionProblem): string {
  return `${problem.file}${problem.line > 0 ? `:${problem.line}` : ''}: ${problem.message}`;
}

const EXPORT_FILE = /\.ndjson$/;

/** Reads every `*.ndjson` in the directory (none is fine: no exceptions); throws with every problem. */
export async function loadExceptionDirectory(directory: string): Promise<ExceptionSet> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => EXPORT_FILE.test(name)).sort();
  } catch (error) {
    throw new ExceptionLoadError([
      { code: 'EXCEPTION_INVALID', file: directory, line: 0, message: `cannot list exception files: ${describe(error)}` },
    ]);
  }
  const files = await Promise.all(
    names.map(async (name) => {
      const path = join(directory, name);
      try {
        return { path, text: await readFile(path, 'utf8') };
      } catch (error) {
        return { path, error };
      }
    }),
  );
  return buildExceptionSet(files);
}

/** The pure part: file texts in, a checked set out, or one error listing every problem. */
export function buildExceptionSet(files: readonly { path: string; text?: string; error?: unknown }[]): ExceptionSet {
  const problems: ExceptionProblem[] = [];
  const headers = new Map<string, { name: string; namespaceType: NamespaceType; type: string; source: string }>();
  const items: ExceptionItem[] = [];
  for (const file of files) {
    if (file.text === undefined) {
      problems.push({ code: 'EXCEPTION_INVALID', file: file.path, line: 0, message: `cannot read: ${describe(file.error)}` });
      continue;
    }
    const parsed = parseExportFile(file.path, file.text);
    problems.push(...parsed.problems);
    items.push(...parsed.items);
    for (const header of parsed.lists) {
      const earlier = headers.get(header.listId);
      if (earlier !== undefined) {
        problems.push(at(header.source, `exception list "${header.listId}" is also defined at ${earlier.source}`));
        continue;
      }
      headers.set(header.listId, header);
    }
  }
  const itemsByList = new Map<string, ExceptionItem[]>();
  const itemIds = new Map<string, string>();
  for (const item of items) {
    const header = headers.get(item.listId);
    if (header === undefined) {
      problems.push(at(item.source, `exception item "${item.itemId}" belongs to list "${item.listId}", which no file defines`));
      continue;
    }
    if (header.namespaceType !== item.namespaceType) {
      problems.push(
        at(
          item.source,
          `exception item "${item.itemId}" has namespace_type "${item.namespaceType}" but its list "${item.listId}" is "${header.namespaceType}"`,
        ),
      );
      continue;
    }
    const key = `${item.listId}\u0000${item.itemId}`;
    const earlier = itemIds.get(key);
    if (earlier !== undefined) {
      problems.push(at(item.source, `exception item "${item.itemId}" of list "${item.listId}" is also defined at ${earlier}`));
      continue;
    }
    itemIds.set(key, item.source);
    itemsByList.set(item.listId, [...(itemsByList.get(item.listId) ?? []), item]);
  }
  if (problems.length > 0) throw new ExceptionLoadError(problems);

  const lists = new Map<string, ExceptionList>();
  for (const [listId, header] of headers) lists.set(listId, { listId, ...header, items: itemsByList.get(listId) ?? [] });
  const compiled = new Map<ExceptionItem, EventPredicate>();
  for (const list of lists.values()) for (const item of list.items) compiled.set(item, compileItem(item));

  return {
    lists,
    matcherFor(references) {
      const chosen = references.flatMap((reference) => lists.get(reference.listId)?.items ?? []);
      if (chosen.length === 0) return undefined;
      return (event, nowMs) =>
        chosen.find((item) => (item.expiresAtMs === undefined || nowMs < item.expiresAtMs) && compiled.get(item)!(event));
    },
  };
}

/** Every reference a rule makes that the set cannot satisfy, as messages naming the list. */
export function unresolvedReferences(set: ExceptionSet, references: readonly ExceptionListReference[]): string[] {
  return references.flatMap((reference) => {
    const list = set.lists.get(reference.listId);
    if (list === undefined) return [`exceptions_list: list "${reference.listId}" is not in EXCEPTIONS_DIR`];
    if (list.namespaceType !== reference.namespaceType) {
      return [
        `exceptions_list: list "${reference.listId}" is namespace_type "${list.namespaceType}", the rule says "${reference.namespaceType}"`,
      ];
    }
    return [];
  });
}

function at(source: string, message: string): ExceptionProblem {
  const split = source.lastIndexOf(':');
  return { code: 'EXCEPTION_INVALID', file: source.slice(0, split), line: Number(source.slice(split + 1)), message };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
