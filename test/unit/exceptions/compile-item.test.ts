import { describe, expect, it } from 'vitest';
import { compileItem, wildcardQueryToRegExp } from '../../../src/exceptions/compile-item.js';
import type { ExceptionEntry, ExceptionItem, OsType } from '../../../src/exceptions/exception-list.js';

function holds(entries: ExceptionEntry[], event: object, osTypes: OsType[] = []): boolean {
  const item: ExceptionItem = {
    itemId: 'i',
    listId: 'l',
    name: 'i',
    namespaceType: 'single',
    osTypes,
    expiresAtMs: undefined,
    entries,
    source: 'f:1',
  };
  return compileItem(item)(event);
}

const match = (field: string, value: string, operator: 'included' | 'excluded' = 'included'): ExceptionEntry => ({
  type: 'match',
  field,
  operator,
  value,
});

describe('exception entries, as Kibana builds their query', () => {
  it('match: the whole value, case-sensitive, any array element', () => {
    expect(holds([match('process.name', 'pg_dump')], { process: { name: 'pg_dump' } })).toBe(true);
    expect(holds([match('process.name', 'pg_dump')], { process: { name: 'PG_DUMP' } })).toBe(false);
    expect(holds([match('process.name', 'pg')], { process: { name: 'pg_dump' } })).toBe(false);
    expect(holds([match('process.args', '--all')], { process: { args: ['pg_dumpall', '--all'] } })).toBe(true);
    expect(holds([match('process.pid', '42')], { process: { pid: 42 } })).toBe(true);
  });

  it('match excluded: holds when no value equals, including when the field is missing', () => {
    expect(holds([match('user.name', 'root', 'excluded')], { user: { name: 'backup' } })).toBe(true);
    expect(holds([match('user.name', 'root', 'excluded')], { user: { name: 'root' } })).toBe(false);
    expect(holds([match('user.name', 'root', 'excluded')], {})).toBe(true);
    // must_not of "some value equals": one matching element of an array is enough to fail it
    expect(holds([match('event.type', 'start', 'excluded')], { event: { type: ['start', 'info'] } })).toBe(false);
  });

  it('match_any: any of the values; excluded: none of them', () => {
    const any: ExceptionEntry = { type: 'match_any', field: 'user.name', operator: 'included', value: ['backup', 'postgres'] };
    expect(holds([any], { user: { name: 'postgres' } })).toBe(true);
    expect(holds([any], { user: { name: 'root' } })).toBe(false);
    expect(holds([{ ...any, operator: 'excluded' }], { user: { name: 'root' } })).toBe(true);
    expect(holds([{ ...any, operator: 'excluded' }], {})).toBe(true);
    expect(holds([{ ...any, operator: 'excluded' }], { user: { name: 'backup' } })).toBe(false);
  });

  it('wildcard: * and ? over the whole value, case-sensitive, backslash escapes', () => {
    const wildcard = (value: string, operator: 'included' | 'excluded' = 'included'): ExceptionEntry => ({
      type: 'wildcard',
      field: 'process.command_line',
      operator,
      value,
    });
    const event = { process: { command_line: 'mysqldump --single-transaction shop > /backup/shop.sql' } };
    expect(holds([wildcard('mysqldump * > /backup/*.sql')], event)).toBe(true);
    expect(holds([wildcard('MYSQLDUMP *')], event)).toBe(false);
    expect(holds([wildcard('mysqldump')], event)).toBe(false);
    expect(holds([wildcard('mysqldump --single-transaction sho? > /backup/shop.sql')], event)).toBe(true);
    expect(holds([wildcard('*', 'excluded')], {})).toBe(true);
    expect(wildcardQueryToRegExp('a\\*b').test('a*b')).toBe(true);
    expect(wildcardQueryToRegExp('a\\*b').test('axb')).toBe(false);
    expect(wildcardQueryToRegExp('(x)[y]{1}.+-').test('(x)[y]{1}.+-')).toBe(true);
  });

  it('exists: any value; excluded: no value', () => {
    const exists = (operator: 'included' | 'excluded'): ExceptionEntry => ({ type: 'exists', field: 'process.parent.name', operator });
    expect(holds([exists('included')], { process: { parent: { name: 'cron' } } })).toBe(true);
    expect(holds([exists('included')], { process: {} })).toBe(false);
    expect(holds([exists('excluded')], { process: {} })).toBe(true);
  });

  it('nested: one object under the path satisfies every inner entry', () => {
    const nested: ExceptionEntry = {
      type: 'nested',
      field: 'process.Ext.code_signature',
      entries: [
        { type: 'match', field: 'subject_name', operator: 'included', value: 'Backup Corp' },
        { type: 'match', field: 'trusted', operator: 'included', value: 'true' },
      ],
    };
    const signatures = (...list: object[]) => ({ process: { Ext: { code_signature: list } } });
    expect(holds([nested], signatures({ subject_name: 'Backup Corp', trusted: true }))).toBe(true);
    expect(holds([nested], signatures({ subject_name: 'Backup Corp', trusted: false }, { subject_name: 'Other', trusted: true }))).toBe(
      false,
    );
    expect(holds([nested], { process: { Ext: { code_signature: { subject_name: 'Backup Corp', trusted: true } } } })).toBe(true);
    expect(holds([nested], {})).toBe(false);
  });

  it('os_types: host.os.type, or the lowercased host.os.name, is one of them', () => {
    const entry = match('process.name', 'pg_dump');
    expect(holds([entry], { host: { os: { type: 'linux' } }, process: { name: 'pg_dump' } }, ['linux'])).toBe(true);
    expect(holds([entry], { host: { os: { name: 'Linux' } }, process: { name: 'pg_dump' } }, ['linux'])).toBe(true);
    expect(holds([entry], { host: { os: { type: 'macos' } }, process: { name: 'pg_dump' } }, ['linux', 'windows'])).toBe(false);
    expect(holds([entry], { process: { name: 'pg_dump' } }, ['linux'])).toBe(false);
  });
});
