import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildExceptionSet,
  ExceptionLoadError,
  loadExceptionDirectory,
  unresolvedReferences,
} from '../../../src/exceptions/exception-set.js';

const SHIPPED = fileURLToPath(new URL('../../../exceptions/', import.meta.url));
const NOW = Date.parse('2026-11-28T12:00:00Z');

const list = (listId: string, extra: object = {}) => ({
  list_id: listId,
  name: listId,
  namespace_type: 'single',
  type: 'detection',
  ...extra,
});
const item = (itemId: string, entries: unknown[], extra: object = {}) => ({
  item_id: itemId,
  list_id: 'backups',
  name: itemId,
  namespace_type: 'single',
  type: 'simple',
  os_types: [],
  entries,
  ...extra,
});
const SUMMARY = { exported_exception_list_count: 1, exported_exception_list_item_count: 1, missing_exception_lists_count: 0 };
const ndjson = (...lines: object[]) => lines.map((line) => JSON.stringify(line)).join('\n') + '\n';

function setOf(...lines: object[]) {
  return buildExceptionSet([{ path: 'a.ndjson', text: ndjson(list('backups'), ...lines, SUMMARY) }]);
}

function problemsOf(files: { path: string; text: string }[]): string[] {
  try {
    buildExceptionSet(files);
  } catch (error) {
    if (error instanceof ExceptionLoadError)
      return error.problems.map((problem) => `${problem.code} ${problem.file}:${problem.line} ${problem.message}`);
    throw error;
  }
  throw new Error('expected loading to fail');
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('exception lists from Kibana exports', () => {
  it('loads the shipped example and excepts only the shop backup job', async () => {
    const set = await loadExceptionDirectory(SHIPPED);
    const matcher = set.matcherFor([{ listId: 'database-backup-jobs', namespaceType: 'single' }])!;
    const backup = {
      host: { os: { type: 'linux' } },
      user: { name: 'backup' },
      process: { name: 'mysqldump', parent: { name: 'backup-shop.sh' } },
    };
    expect(matcher(backup, NOW)?.itemId).toBe('shop-nightly-mysqldump');
    expect(matcher({ ...backup, user: { name: 'mallory' } }, NOW)).toBeUndefined();
    expect(matcher({ ...backup, process: { name: 'pg_dump', parent: { name: 'backup-shop.sh' } } }, NOW)).toBeUndefined();
  });

  it('reads a directory with no files as an empty set', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'edr-exceptions-'));
    directories.push(directory);
    writeFileSync(join(directory, 'README.md'), 'not an export');
    const set = await loadExceptionDirectory(directory);
    expect(set.lists.size).toBe(0);
    expect(set.matcherFor([])).toBeUndefined();
  });

  it('lists every problem with file and line', () => {
    const problems = problemsOf([
      {
        path: 'bad.ndjson',
        text:
          ndjson(
            list('backups'),
            item('no-operator', [{ field: 'process.name', type: 'match', value: 'x' }]),
            item('bad-os', [{ field: 'a', operator: 'included', type: 'exists' }], { os_types: ['Linux'] }),
            item('value-list', [{ field: 'user.name', operator: 'included', type: 'list', list: { id: 'users', type: 'keyword' } }]),
            item('orphan', [{ field: 'a', operator: 'included', type: 'exists' }], { list_id: 'nowhere' }),
            item('expiry', [{ field: 'a', operator: 'included', type: 'exists' }], { expire_time: 'tomorrow' }),
          ) +
          '{not json\n' +
          ndjson(
            item('ok', [{ field: 'a', operator: 'included', type: 'exists' }]),
            item('ok', [{ field: 'b', operator: 'included', type: 'exists' }]),
          ),
      },
      { path: 'dup.ndjson', text: ndjson(list('backups')) },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^EXCEPTION_INVALID bad.ndjson:2 exception item "no-operator" entries\[0\]: operator/),
      expect.stringMatching(/^EXCEPTION_INVALID bad.ndjson:3 exception item "bad-os" os_types/),
      expect.stringMatching(
        /^EXCEPTION_UNSUPPORTED bad.ndjson:4 exception item "value-list" entries\[0\] \(user.name\): entry type "list"/,
      ),
      expect.stringMatching(/^EXCEPTION_INVALID bad.ndjson:6 exception item "expiry" expire_time/),
      expect.stringMatching(/^EXCEPTION_INVALID bad.ndjson:7 not JSON/),
      expect.stringMatching(/^EXCEPTION_INVALID dup.ndjson:1 exception list "backups" is also defined at bad.ndjson:1/),
      expect.stringMatching(/^EXCEPTION_INVALID bad.ndjson:5 .*"orphan" belongs to list "nowhere"/),
      expect.stringMatching(/^EXCEPTION_INVALID bad.ndjson:9 .*"ok" of list "backups" is also defined at bad.ndjson:8/),
    ]);
  });

  it('refuses rule objects and unknown lines instead of skipping them', () => {
    const problems = problemsOf([{ path: 'x.ndjson', text: ndjson({ rule_id: 'r', name: 'a rule' }, { hello: 1 }) }]);
    expect(problems).toEqual([
      expect.stringContaining('x.ndjson:1 a rule object'),
      expect.stringContaining('x.ndjson:2 neither an exception list'),
    ]);
  });

  it('resolves references by list_id and reports missing lists and namespace mismatches', () => {
    const set = setOf();
    expect(unresolvedReferences(set, [{ listId: 'backups', namespaceType: 'single' }])).toEqual([]);
    expect(
      unresolvedReferences(set, [
        { listId: 'backups', namespaceType: 'agnostic' },
        { listId: 'other', namespaceType: 'single' },
      ]),
    ).toEqual([
      expect.stringContaining('namespace_type "single", the rule says "agnostic"'),
      expect.stringContaining('list "other" is not in EXCEPTIONS_DIR'),
    ]);
  });

  it('stops excepting once expire_time has passed', () => {
    const set = setOf(
      item('temporary', [{ field: 'user.name', operator: 'included', type: 'match', value: 'dba' }], {
        expire_time: '2026-11-28T12:00:00.000Z',
      }),
    );
    const matcher = set.matcherFor([{ listId: 'backups', namespaceType: 'single' }])!;
    const event = { user: { name: 'dba' } };
    expect(matcher(event, NOW - 1)?.itemId).toBe('temporary');
    expect(matcher(event, NOW)).toBeUndefined();
  });

  it('excepts when any item holds (items are ORed, entries ANDed)', () => {
    const set = setOf(
      item('one', [
        { field: 'user.name', operator: 'included', type: 'match', value: 'backup' },
        { field: 'process.name', operator: 'included', type: 'match', value: 'pg_dump' },
      ]),
      item('two', [{ field: 'host.name', operator: 'included', type: 'match', value: 'db-9' }]),
    );
    const matcher = set.matcherFor([{ listId: 'backups', namespaceType: 'single' }])!;
    expect(matcher({ user: { name: 'backup' }, process: { name: 'pg_dump' } }, NOW)?.itemId).toBe('one');
    expect(matcher({ user: { name: 'backup' }, process: { name: 'mysqldump' } }, NOW)).toBeUndefined();
    expect(matcher({ host: { name: 'db-9' } }, NOW)?.itemId).toBe('two');
  });
});
