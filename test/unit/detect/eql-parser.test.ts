import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEql } from '../../../src/detect/compile.js';
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
      left: { kind: 'compare', op: '==', left: { kind: 'field', field: { name: 'a' } }, right: { kind: 'literal', value: '1' } },
      right: { kind: 'and', left: { left: { field: { name: 'b' } } }, right: { left: { field: { name: 'c' } } } },
    });
  });

  it('treats any as no category', () => {
    expect(parseEql('any where true').category).toBeUndefined();
  });

  it('respects parentheses and not', () => {
    const query = parseEql('any where not (a == "1" or b == "2")');
    expect(query.condition).toMatchObject({ kind: 'not', operand: { kind: 'or' } });
  });

  it('reads != as a comparison and not in as not around in', () => {
    expect(parseEql('any where a != "x"').condition).toMatchObject({ kind: 'compare', op: '!=' });
    expect(parseEql('any where a not in~ ("x", "y")').condition).toMatchObject({
      kind: 'not',
      operand: { kind: 'in', list: [{ value: 'x' }, { value: 'y' }], caseInsensitive: true },
    });
  });

  it('reads :, like and regex forms with single patterns and lists', () => {
    expect(parseEql('any where a : "x*"').condition).toMatchObject({ kind: 'pattern', op: 'seq', patterns: ['x*'], caseInsensitive: true });
    expect(parseEql('any where a : ("x*", "y")').condition).toMatchObject({ kind: 'pattern', patterns: ['x*', 'y'] });
    expect(parseEql('any where a like "x?"').condition).toMatchObject({ kind: 'pattern', op: 'like', caseInsensitive: false });
    expect(parseEql('any where a like~ ("x", "y")').condition).toMatchObject({ kind: 'pattern', op: 'like', caseInsensitive: true });
    expect(parseEql('any where a regex~ "x.*"').condition).toMatchObject({ kind: 'pattern', op: 'regex', caseInsensitive: true });
  });

  it('reads numbers, negatives, booleans and null', () => {
    expect(parseEql('any where a in (1, -2, true, false, null, "s")').condition).toMatchObject({
      list: [1, -2, true, false, null, 's'].map((value) => ({ kind: 'literal', value })),
    });
  });

  it('reads optional fields, backticked dotted names, functions and arithmetic', () => {
    expect(parseEql('any where ?a.b == "x"').condition).toMatchObject({
      left: { field: { name: 'a.b', path: ['a', 'b'], optional: true } },
    });
    expect(parseEql('any where `k8s.io/name`.x == "x"').condition).toMatchObject({
      left: { field: { path: ['k8s', 'io/name', 'x'], dotted: true } },
    });
    expect(parseEql('any where startsWith~(a, "x")').condition).toMatchObject({ kind: 'call', name: 'startswith', caseInsensitive: true });
    expect(parseEql('any where length(a) - (length(b) + 1) > 2 * 3').condition).toMatchObject({
      kind: 'compare',
      op: '>',
      left: { kind: 'arith', op: '-', right: { kind: 'arith', op: '+' } },
      right: { kind: 'arith', op: '*' },
    });
    expect(parseEql('any where "x" == a').condition).toMatchObject({
      kind: 'compare',
      left: { kind: 'literal' },
      right: { kind: 'field' },
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
    ['process where process.args[0] == "x"', 'array index'],
    ['process where process.name == process.parent.name', 'comparison of a field with another field'],
    ['process where length(process.name) > length(process.parent.name)', 'comparison of a field with another field'],
    ['process where process.name in ("x", process.parent.name)', '`in` list holding a field'],
    ['process where descendant of [process where process.name == "sshd"]', '`descendant of`'],
    ['process where frobnicate(process.name)', 'function `frobnicate()`'],
  ])('rejects %j naming %s', (text, construct) => {
    const error = parseError(text);
    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain(construct);
  });

  it.each([
    ['process a == "x"', 'expected `where`', 1, 9],
    ['process where a = "x"', 'use ==', 1, 17],
    ['process where a == ', 'expected a condition or a value', 1, 20],
    ['process where (a == "x"', 'expected `)`', 1, 24],
    ['process where a in "x"', 'parenthesised list', 1, 20],
    ['process where a : 5', 'string pattern', 1, 19],
    ['process where a == "x" b == "y"', 'unexpected `b`', 1, 24],
    ['process where\na == "x" and\n  and b == "y"', 'expected a condition or a value', 3, 3],
    ['where a == "x"', 'expected an event category', 1, 1],
    ['process where a not like "x"', 'unexpected `not`', 1, 17],
    ['process where a < b < c', 'cannot be chained', 1, 21],
    ['process where length(a, b) == 1', 'takes 1 arguments, got 2', 1, 15],
    ['process where length~(a) == 1', 'no case-insensitive', 1, 15],
  ])('reports %j as a syntax error (%s) at line %i column %i', (text, message, line, column) => {
    const error = parseError(text);
    expect(error.kind).toBe('syntax');
    expect(error.message).toContain(message);
    expect(error.position).toMatchObject({ line, column });
  });
});

describe('parseEql on arbitrary input', () => {
  const pieces = [
    'process',
    'any',
    'where',
    'and',
    'or',
    'not',
    'in',
    'in~',
    'like',
    'like~',
    'regex',
    'regex~',
    ':',
    '==',
    '!=',
    '<',
    '>=',
    '(',
    ')',
    ',',
    '?',
    'a.b',
    '`x.y`',
    '"s"',
    '"""r"""',
    '1',
    '-2.5',
    'true',
    'null',
    'length',
    'startsWith~',
    'cidrMatch',
    '+',
    '*',
    '/',
    '%',
    '|',
    'head',
    'sequence',
    '[',
    ']',
    'descendant',
    'of',
    '~',
  ];
  it('either parses or throws an EqlError, never anything else', () => {
    const text = fc.oneof(
      fc.array(fc.constantFrom(...pieces), { maxLength: 14 }).map((parts) => parts.join(' ')),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, (query) => {
        try {
          compileEql(query);
        } catch (error) {
          expect(error).toBeInstanceOf(EqlError);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
