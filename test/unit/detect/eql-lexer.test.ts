import { describe, expect, it } from 'vitest';
import { EqlError } from '../../../src/detect/eql-error.js';
import { tokenize, type Token } from '../../../src/detect/eql-lexer.js';

function strings(text: string): string[] {
  return tokenize(text)
    .filter((token): token is Extract<Token, { type: 'string' }> => token.type === 'string')
    .map((token) => token.value);
}

function lexError(text: string): EqlError {
  try {
    tokenize(text);
  } catch (error) {
    if (error instanceof EqlError) return error;
    throw error;
  }
  throw new Error(`expected ${text} not to tokenize`);
}

describe('tokenize', () => {
  it('reads dotted field names as one token split into segments', () => {
    const [first] = tokenize('process.parent.name');
    expect(first).toMatchObject({ type: 'name', segments: ['process', 'parent', 'name'], text: 'process.parent.name' });
  });

  it('reads backticked segments, with doubled backticks as one', () => {
    const [first] = tokenize('`my field`.`a``b`.c');
    expect(first).toMatchObject({ type: 'name', segments: ['my field', 'a`b', 'c'], quoted: true });
  });

  it('reads @timestamp as a field', () => {
    expect(tokenize('@timestamp')[0]).toMatchObject({ type: 'name', segments: ['@timestamp'] });
  });

  it('attaches ~ to in, like and regex only', () => {
    const values = tokenize('a in~ ("x") and b like~ "y" and c regex~ "z" and d in ("w")')
      .filter((token) => token.type === 'keyword')
      .map((token) => (token.type === 'keyword' ? token.value : ''));
    expect(values).toEqual(['in~', 'and', 'like~', 'and', 'regex~', 'and', 'in']);
  });

  it('decodes the escapes \\n \\r \\t \\\\ \\" and \\u{...}', () => {
    expect(strings(String.raw`x == "a\nb\rc\td\\e\"f\u{41}"`)).toEqual(['a\nb\rc\td\\e"fA']);
  });

  it('keeps raw strings verbatim, backslashes and quotes included', () => {
    expect(strings(String.raw`x == """C:\path\"quoted"\n"""`)).toEqual([String.raw`C:\path\"quoted"\n`]);
  });

  it('lets a raw string end with one or two quotes, as Elasticsearch does', () => {
    expect(strings('x == """say "hi"""" and y == """a"""""')).toEqual(['say "hi"', 'a""']);
  });

  it("also accepts Elasticsearch's \\b \\f \\' escapes", () => {
    expect(strings(String.raw`x == "\b\f\'"`)).toEqual(["\b\f'"]);
  });

  it('reads numbers and keeps keywords apart from fields that start with them', () => {
    const tokens = tokenize('process.pid == 42 and inode == 1.5e3');
    expect(tokens.filter((t) => t.type === 'number').map((t) => (t.type === 'number' ? t.value : 0))).toEqual([42, 1500]);
    expect(tokens[4]).toMatchObject({ type: 'name', segments: ['inode'] });
  });

  it('skips comments', () => {
    expect(tokenize('a == "x" // trailing\n/* block */ and b == "y"').map((t) => t.type)).toEqual([
      'name',
      'symbol',
      'string',
      'keyword',
      'name',
      'symbol',
      'string',
      'eof',
    ]);
  });

  it('reports line and column of errors', () => {
    const error = lexError('process where\n  a == "x\\q"');
    expect(error.kind).toBe('syntax');
    expect(error.position).toMatchObject({ line: 2, column: 10 });
    expect(error.message).toContain('unknown escape sequence \\q');
  });

  it.each([
    ['a == "open', 'unterminated string'],
    ['a == """open', 'unterminated raw string'],
    ['a == """two\nlines"""', 'unterminated raw string'],
    ["a == 'x'", 'use double quotes'],
    ['a == ?"x"', 'triple double quotes'],
    ['a == "x\ny"', 'line break'],
    ['a == 12ab', 'malformed number'],
    ['a.', 'field name segment'],
    ['a == #', 'unexpected character'],
    ['a == "\\u{zz}"', 'unicode escape'],
  ])('rejects %j (%s)', (text, message) => {
    expect(lexError(text).message).toContain(message);
  });

  it('reads ?field as the ? symbol before a name', () => {
    const tokens = tokenize('any where ?process.name == "x"');
    expect(tokens.slice(2, 4).map((t) => t.type)).toEqual(['symbol', 'name']);
  });
});
