// Splits EQL query text into tokens, each with its position, decoding string escapes on the way.
import { syntaxError, type EqlPosition } from './eql-error.js';

export type Token =
  /** `dotted`: a backticked segment held dots, so the name may also be stored under a dotted key. */
  | {
      readonly type: 'name';
      readonly segments: readonly string[];
      readonly text: string;
      readonly quoted: boolean;
      readonly dotted: boolean;
      readonly at: EqlPosition;
    }
  | { readonly type: 'keyword'; readonly value: Keyword; readonly at: EqlPosition }
  | { readonly type: 'string'; readonly value: string; readonly at: EqlPosition }
  | { readonly type: 'number'; readonly value: number; readonly text: string; readonly at: EqlPosition }
  | { readonly type: 'symbol'; readonly value: SymbolText; readonly at: EqlPosition }
  | { readonly type: 'eof'; readonly at: EqlPosition };

const KEYWORDS = [
  'and',
  'or',
  'not',
  'where',
  'in',
  'in~',
  'like',
  'like~',
  'regex',
  'regex~',
  'true',
  'false',
  'null',
  // Not evaluated here, but reserved in EQL: lexing them as keywords lets the parser name them.
  'sequence',
  'sample',
  'join',
  'by',
  'with',
  'until',
  'maxspan',
  'of',
] as const;
export type Keyword = (typeof KEYWORDS)[number];
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
/** Keywords that take a `~` suffix meaning "case-insensitive". */
const TILDE_KEYWORDS: ReadonlySet<string> = new Set(['in', 'like', 'regex']);

// Longest first, so `==` wins over `=`.
const SYMBOLS = ['==', '!=', '<=', '>=', '<', '>', '=', ':', '(', ')', ',', '[', ']', '|', '~', '?', '+', '-', '*', '/', '%'] as const;
export type SymbolText = (typeof SYMBOLS)[number];

const NAME_START = /[A-Za-z_@]/;
const NAME_PART = /[A-Za-z0-9_@]/;
const DIGIT = /[0-9]/;
const NUMBER = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/;

function positionAt(text: string, offset: number): EqlPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** Tokens on demand, so the parser can name an unsupported construct before lexing what follows it. */
export class TokenStream {
  private readonly tokens: Token[] = [];
  private offset = 0;

  constructor(private readonly text: string) {}

  /** The token at `index`; past the end, the `eof` token. */
  get(index: number): Token {
    while (this.tokens.length <= index) {
      const last = this.tokens[this.tokens.length - 1];
      if (last?.type === 'eof') return last;
      const { token, end } = readToken(this.text, this.offset);
      this.tokens.push(token);
      this.offset = end;
    }
    return this.tokens[index]!;
  }
}

export function tokenize(text: string): Token[] {
  const stream = new TokenStream(text);
  const tokens: Token[] = [];
  for (let index = 0; ; index++) {
    const token = stream.get(index);
    tokens.push(token);
    if (token.type === 'eof') return tokens;
  }
}

/** Skips blanks and comments, then reads one token starting at or after `start`. */
function readToken(text: string, start: number): { token: Token; end: number } {
  let i = start;
  const at = (offset: number): EqlPosition => positionAt(text, offset);

  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw syntaxError('unterminated comment', at(i));
      i = end + 2;
      continue;
    }
    break;
  }
  if (i >= text.length) return { token: { type: 'eof', at: at(text.length) }, end: i };

  const ch = text[i]!;
  if (ch === '"') {
    if (text.startsWith('"""', i)) return readRaw(text, i, at);
    const { value, next } = readQuoted(text, i, at);
    return { token: { type: 'string', value, at: at(i) }, end: next };
  }
  if (ch === "'") throw syntaxError('use double quotes for strings, not single quotes', at(i));
  if (ch === '?' && text[i + 1] === '"') {
    throw syntaxError('use triple double quotes (""") for raw strings, not ?"', at(i));
  }
  if (DIGIT.test(ch)) {
    const numberText = NUMBER.exec(text.slice(i))![0];
    const after = text[i + numberText.length];
    if (after !== undefined && (NAME_PART.test(after) || after === '.')) {
      throw syntaxError(`malformed number starting ${JSON.stringify(text.slice(i, i + numberText.length + 1))}`, at(i));
    }
    return { token: { type: 'number', value: Number(numberText), text: numberText, at: at(i) }, end: i + numberText.length };
  }
  if (NAME_START.test(ch) || ch === '`') {
    const { segments, quoted, next } = readName(text, i, at);
    const word = segments[0]!;
    if (quoted || segments.length > 1 || !KEYWORD_SET.has(word)) {
      // Elasticsearch flattens object paths, so `a.b`.c names the same field as a.b.c.
      const flat = segments.flatMap((segment) => segment.split('.'));
      if (flat.some((segment) => segment === '')) throw syntaxError('empty segment in a field name', at(i));
      const dotted = flat.length > segments.length;
      return { token: { type: 'name', segments: flat, text: text.slice(i, next), quoted, dotted, at: at(i) }, end: next };
    }
    if (TILDE_KEYWORDS.has(word) && text[next] === '~') {
      return { token: { type: 'keyword', value: `${word}~` as Keyword, at: at(i) }, end: next + 1 };
    }
    return { token: { type: 'keyword', value: word as Keyword, at: at(i) }, end: next };
  }
  const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, i));
  if (symbol === undefined) throw syntaxError(`unexpected character ${JSON.stringify(ch)}`, at(i));
  return { token: { type: 'symbol', value: symbol, at: at(i) }, end: i + symbol.length };
}

/**
 * A raw string: no escapes, on one line, closed by the first `"""`; one or two quotes right after
 * that belong to the value, so a raw string can end with a quote (as in Elasticsearch's grammar).
 */
function readRaw(text: string, start: number, at: (offset: number) => EqlPosition): { token: Token; end: number } {
  const close = text.indexOf('"""', start + 3);
  const lineBreak = text.slice(start + 3).search(/[\r\n]/);
  if (close < 0 || (lineBreak >= 0 && start + 3 + lineBreak < close)) throw syntaxError('unterminated raw string', at(start));
  let end = close + 3;
  let extra = 0;
  while (extra < 2 && text[end] === '"') {
    end++;
    extra++;
  }
  return { token: { type: 'string', value: text.slice(start + 3, close + extra), at: at(start) }, end };
}

/** A double-quoted string with EQL escapes: \n \r \t \\ \" (also \b \f \' as Elasticsearch accepts) and \u{hex}. */
function readQuoted(text: string, start: number, at: (offset: number) => EqlPosition): { value: string; next: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw syntaxError('unterminated string', at(start));
    const ch = text[i]!;
    if (ch === '"') return { value, next: i + 1 };
    if (ch === '\n' || ch === '\r') throw syntaxError('unterminated string (line break inside quotes)', at(start));
    if (ch !== '\\') {
      value += ch;
      i++;
      continue;
    }
    const escaped = text[i + 1];
    switch (escaped) {
      case 'n':
        value += '\n';
        break;
      case 'r':
        value += '\r';
        break;
      case 't':
        value += '\t';
        break;
      case '\\':
        value += '\\';
        break;
      case '"':
        value += '"';
        break;
      case "'":
        value += "'";
        break;
      case 'b':
        value += '\b';
        break;
      case 'f':
        value += '\f';
        break;
      case 'u': {
        const close = text.indexOf('}', i);
        const hex = text[i + 2] === '{' && close > i + 3 ? text.slice(i + 3, close) : '';
        const codePoint = /^[0-9A-Fa-f]{1,8}$/.test(hex) ? Number.parseInt(hex, 16) : NaN;
        if (!(codePoint <= 0x10ffff)) throw syntaxError('invalid unicode escape, expected \\u{hex}', at(i));
        value += String.fromCodePoint(codePoint);
        i = close + 1;
        continue;
      }
      default:
        throw syntaxError(`unknown escape sequence \\${escaped ?? ''}`, at(i));
    }
    i += 2;
  }
}

/** A field name: dot-separated segments, each a bare identifier or a `backticked` one (`` doubles a backtick). */
function readName(text: string, start: number, at: (offset: number) => EqlPosition): { segments: string[]; quoted: boolean; next: number } {
  const segments: string[] = [];
  let quoted = false;
  let i = start;
  for (;;) {
    if (text[i] === '`') {
      quoted = true;
      let segment = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw syntaxError('unterminated backticked name', at(i));
        if (text[j] === '`') {
          if (text[j + 1] === '`') {
            segment += '`';
            j += 2;
            continue;
          }
          break;
        }
        segment += text[j];
        j++;
      }
      if (segment === '') throw syntaxError('empty backticked name', at(i));
      segments.push(segment);
      i = j + 1;
    } else if (i < text.length && NAME_START.test(text[i]!)) {
      let j = i + 1;
      while (j < text.length && NAME_PART.test(text[j]!)) j++;
      segments.push(text.slice(i, j));
      i = j;
    } else {
      throw syntaxError('expected a field name segment after "."', at(i));
    }
    if (text[i] !== '.') return { segments, quoted, next: i };
    i++;
  }
}
