import { describe, expect, it } from 'vitest';
import { compileEql } from '../../../src/detect/compile.js';

type Case = readonly [condition: string, event: object, expected: boolean];

function check(cases: readonly Case[]): void {
  it.each(cases)('any where %s over %j -> %s', (condition, event, expected) => {
    expect(compileEql(`any where ${condition}`).matches(event)).toBe(expected);
  });
}

describe('== and in: case-sensitive, exact, typed', () => {
  check([
    ['a.b == "x"', { a: { b: 'x' } }, true],
    ['a.b == "x"', { a: { b: 'X' } }, false],
    ['a.b == "x*"', { a: { b: 'xyz' } }, false],
    ['a.b == "x*"', { a: { b: 'x*' } }, true],
    ['a.b in ("x", "y")', { a: { b: 'y' } }, true],
    ['a.b in ("x", "y")', { a: { b: 'Y' } }, false],
    ['a.b in ("x", "y")', { a: { b: 'z' } }, false],
    ['a == 42', { a: 42 }, true],
    // An unknown field is a keyword in Elastic's mappings: a number compares as its string form.
    ['a == 42', { a: '42' }, true],
    ['process.pid == 42', { process: { pid: '42' } }, true],
    ['process.pid == "42"', { process: { pid: 42 } }, true],
    ['process.pid == 42', { process: { pid: 'x42' } }, false],
    ['a == -1.5', { a: -1.5 }, true],
    ['a == true', { a: true }, true],
    ['a == true', { a: 'true' }, true],
    ['process.interactive == true', { process: { interactive: 'true' } }, true],
    ['process.interactive == true', { process: { interactive: false } }, false],
    ['a in (1, "1")', { a: '1' }, true],
  ]);
});

describe('in~: case-insensitive list', () => {
  check([
    ['a in~ ("PG_Dump", "x")', { a: 'pg_dump' }, true],
    ['a in~ ("pg_dump")', { a: 'PG_DUMP' }, true],
    ['a in~ ("pg_dump")', { a: 'pg_dumpall' }, false],
    ['a in~ ("pg*")', { a: 'pg_dump' }, false],
    ['a in~ (1)', { a: 1 }, true],
  ]);
});

describe(': and like~ (case-insensitive wildcards), like (case-sensitive)', () => {
  check([
    ['a : "pg_*"', { a: 'PG_DUMP' }, true],
    ['a : "pg_dump"', { a: 'PG_DUMP' }, true],
    ['a : "pg_dump"', { a: 'pg_dumpall' }, false],
    ['a : "pg?dump"', { a: 'pg-dump' }, true],
    ['a : "pg?dump"', { a: 'pgdump' }, false],
    ['a : "*dump"', { a: '/usr/bin/mysqldump' }, true],
    ['a : "*"', { a: '' }, true],
    ['a : ("x", "my*")', { a: 'MYSQLDUMP' }, true],
    ['a : ("x", "my*")', { a: 'X' }, true],
    ['a : ("x", "my*")', { a: 'y' }, false],
    ['a like~ ("x", "my*")', { a: 'MySQL' }, true],
    ['a like "my*"', { a: 'mysql' }, true],
    ['a like "my*"', { a: 'MYSQL' }, false],
    ['a like ("ab", "c?")', { a: 'cd' }, true],
    ['a like ("ab", "c?")', { a: 'AB' }, false],
    // Pattern characters that mean something in a RegExp are literal in EQL.
    ['a : "a.b(c)+[d]$"', { a: 'A.B(C)+[D]$' }, true],
    ['a : "a.b"', { a: 'axb' }, false],
    ['a : "C:\\\\*"', { a: 'c:\\windows' }, true],
    // Wildcards span line breaks and match whole code points.
    ['a : "x*y"', { a: 'x\n\ny' }, true],
    ['a : "?"', { a: '😀' }, true],
    ['a : "1*"', { a: 10 }, true],
  ]);
});

describe('arrays: any value satisfies each comparison independently', () => {
  check([
    ['t == "start"', { t: ['start', 'info'] }, true],
    ['t == "info" and t == "start"', { t: ['start', 'info'] }, true],
    ['t in ("end")', { t: ['start', 'info'] }, false],
    ['t : "INF*"', { t: ['start', 'info'] }, true],
    ['p.name == "b"', { p: [{ name: 'a' }, { name: 'b' }] }, true],
    ['p.name == "c"', { p: [{ name: 'a' }, { name: ['b', 'c'] }] }, true],
    ['t == "x"', { t: [['x']] }, true],
    ['t == "x"', { t: [] }, false],
    // != is the negation of ==, as Elasticsearch runs it (must_not term): an array holding the
    // value does not satisfy != even though another element differs.
    ['t != "start"', { t: ['start', 'info'] }, false],
    ['t != "end"', { t: ['start', 'info'] }, true],
  ]);
});

describe('missing fields: ==, in, :, like false; != and not true', () => {
  check([
    ['a.b == "x"', {}, false],
    ['a.b in ("x")', { a: {} }, false],
    ['a.b : "*"', { a: null }, false],
    ['a.b like "*"', { a: 'scalar' }, false],
    ['a.b != "x"', {}, true],
    ['not a.b == "x"', {}, true],
    ['a.b not in ("x")', {}, true],
    ['a.b == "x"', { a: { b: null } }, false],
    ['a.b != "x"', { a: { b: null } }, true],
    ['a.b == "x"', { a: { b: { c: 'x' } } }, false],
    ['a == null', {}, true],
    ['a == null', { a: null }, true],
    ['a == null', { a: 'x' }, false],
    ['a != null', { a: 'x' }, true],
    ['a != null', { a: [] }, false],
    ['a in ("x", null)', {}, true],
    ['a in ("x", null)', { a: 'y' }, false],
  ]);
});

describe('boolean structure', () => {
  check([
    ['a == "1" and b == "2"', { a: '1', b: '2' }, true],
    ['a == "1" and b == "2"', { a: '1', b: '3' }, false],
    ['a == "1" or b == "2"', { a: '0', b: '2' }, true],
    ['not (a == "1" or b == "2")', { a: '0', b: '0' }, true],
    ['not not a == "1"', { a: '1' }, true],
    ['a == "1" or b == "2" and c == "3"', { a: '1' }, true],
    ['(a == "1" or b == "2") and c == "3"', { a: '1' }, false],
    ['true', {}, true],
    ['false or a == "1"', { a: '1' }, true],
  ]);
});

describe('string literals', () => {
  check([
    ['a == "line\\nbreak"', { a: 'line\nbreak' }, true],
    ['a == "tab\\there"', { a: 'tab\there' }, true],
    ['a == "q\\"uote"', { a: 'q"uote' }, true],
    ['a == "back\\\\slash"', { a: 'back\\slash' }, true],
    ['a == """C:\\Windows\\n"""', { a: 'C:\\Windows\\n' }, true],
    ['a == """say "hi""""', { a: 'say "hi"' }, true],
    ['`my-field`.x == "1"', { 'my-field': { x: '1' } }, true],
  ]);
});

describe('event categories', () => {
  it('process where requires event.category to contain process', () => {
    const { matches } = compileEql('process where true');
    expect(matches({ event: { category: ['process'] } })).toBe(true);
    expect(matches({ event: { category: ['network', 'process'] } })).toBe(true);
    expect(matches({ event: { category: 'process' } })).toBe(true);
    expect(matches({ event: { category: ['Process'] } })).toBe(false);
    expect(matches({ event: { category: ['file'] } })).toBe(false);
    expect(matches({ event: {} })).toBe(false);
  });

  it('any where has no category constraint', () => {
    expect(compileEql('any where true').matches({})).toBe(true);
  });
});

describe('fieldsRead', () => {
  it('lists every field once, sorted, including event.category for a category', () => {
    const { fieldsRead } = compileEql('process where z.y == "1" and (a.b : "x" or not a.b in ("y")) and m like "q"');
    expect(fieldsRead).toEqual(['a.b', 'event.category', 'm', 'z.y']);
  });

  it('does not add event.category for any', () => {
    expect(compileEql('any where a == "1"').fieldsRead).toEqual(['a']);
  });
});

describe('field access', () => {
  it('reads own keys only, never the prototype chain', () => {
    const { matches } = compileEql('any where constructor.name == "Object" or toString != null or __proto__.valueOf != null');
    expect(matches({})).toBe(false);
    expect(matches({ process: {} })).toBe(false);
    expect(compileEql('any where a.constructor == "x"').matches({ a: [{}, { constructor: 'x' }] })).toBe(true);
  });

  it('does not mistake flat dotted keys for nested fields', () => {
    expect(compileEql('any where a.b == "x"').matches({ 'a.b': 'x' })).toBe(false);
  });
});
