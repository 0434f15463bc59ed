import { describe, expect, it } from 'vitest';
import { EqlError } from '../../../src/detect/eql-error.js';
import { parseEql } from '../../../src/detect/eql-parser.js';

function parseError(text: string): EqlError {
  try {
    parseEql(text);
  } catch (error) {
    if (error instanceof EqlError) return error;
    throw error;
  }
  throw new Error(`expected ${text} not to parse`);
}

describe('parseEql', () => {
  it('reads the category and gives and precedence over or', () => {
    const query = parseEql('process where a == "1" or b == "2" and c == "3"');
    expect(query.category).toBe('process');
    expect(query.condition).toMatchObject({
      kind: 'or',
      left: { kind: 'equals', field: { name: 'a' }, values: ['1'] },
      right: { kind: 'and', left: { field: { name: 'b' } }, right: { field: { name: 'c' } } },
    });
  });

  it('treats any as no category', () => {
    expect(parseEql('any where true').category).toBeUndefined();
  });

  it('respects parentheses and not', () => {
    const query = parseEql('any where not (a == "1" or b == "2")');
    expect(query.condition).toMatchObject({ kind: 'not', operand: { kind: 'or' } });
  });

  it('turns != and not in into not around an equality', () => {
    expect(parseEql('any where a != "x"').condition).toMatchObject({
      kind: 'not',
      operand: { kind: 'equals', values: ['x'], caseInsensitive: false },
    });
    expect(parseEql('any where a not in~ ("x", "y")').condition).toMatchObject({
      kind: 'not',
      operand: { kind: 'equals', values: ['x', 'y'], caseInsensitive: true },
    });
  });

  it('reads : and like forms with single patterns and lists', () => {
    expect(parseEql('any where a : "x*"').condition).toMatchObject({ kind: 'like', patterns: ['x*'], caseInsensitive: true });
    expect(parseEql('any where a : ("x*", "y")').condition).toMatchObject({ kind: 'like', patterns: ['x*', 'y'] });
    expect(parseEql('any where a like "x?"').condition).toMatchObject({ kind: 'like', caseInsensitive: false });
    expect(parseEql('any where a like~ ("x", "y")').condition).toMatchObject({ kind: 'like', caseInsensitive: true });
  });

  it('reads numbers, negatives, booleans and null', () => {
    expect(parseEql('any where a in (1, -2, true, false, null, "s")').condition).toMatchObject({
      values: [1, -2, true, false, null, 's'],
    });
  });

  it.each([
    ['sequence by host.id [process where true] [network where true]', '`sequence`'],
    ['sample by host.id [process where true]', '`sample`'],
    ['sequence with maxspan=5m [process where true] [network where true]', '`sequence`'],
    ["process where true | filter x == 'single quoted'", 'pipe `| filter`'],
    ['join [process where true] [file where true]', '`join`'],
    ['process where true | head 5', 'pipe `| head`'],
    ['process where true | tail 1', 'pipe `| tail`'],
    ['process where startsWith(process.name, "pg")', 'function `startsWith()`'],
    ['process where startsWith~(process.name, "pg")', 'function `startsWith~()`'],
    ['process where length(process.name) == 3', 'function `length()`'],
    ['process where process.name regex "pg.*"', '`regex`'],
    ['process where process.name regex~ "pg.*"', '`regex~`'],
    ['process where process.pid > 10', 'comparison `>`'],
    ['process where process.pid + 1 == 2', 'arithmetic `+`'],
    ['process where process.args[0] == "x"', 'array index'],
    ['process where process.name == process.parent.name', 'field-to-field'],
    ['process where "x" == process.name', 'literal on the left'],
    ['process where process.name', 'bare field'],
    ['process where process.name and a == "x"', 'bare field'],
    ['process where ?process.name == "x"', 'optional field'],
  ])('rejects %j naming %s', (text, construct) => {
    const error = parseError(text);
    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain(construct);
  });

  it.each([
    ['process a == "x"', 'expected `where`', 1, 9],
    ['process where a = "x"', 'use ==', 1, 17],
    ['process where a == ', 'expected a value', 1, 20],
    ['process where (a == "x"', 'expected `)`', 1, 24],
    ['process where a in "x"', 'parenthesised list', 1, 20],
    ['process where a : 5', 'string pattern', 1, 19],
    ['process where a == "x" b == "y"', 'unexpected `b`', 1, 24],
    ['process where\na == "x" and\n  and b == "y"', 'expected a condition', 3, 3],
    ['where a == "x"', 'expected an event category', 1, 1],
    ['process where a not like "x"', 'expected `in`', 1, 21],
  ])('reports %j as a syntax error (%s) at line %i column %i', (text, message, line, column) => {
    const error = parseError(text);
    expect(error.kind).toBe('syntax');
    expect(error.message).toContain(message);
    expect(error.position).toMatchObject({ line, column });
  });
});
