// Translates the Lucene regular expressions of EQL's `regex` into equivalent, whole-string JavaScript RegExps.

export class RegexTranslationError extends Error {}

/** Characters JavaScript treats as syntax outside a class, escaped when Lucene means them literally. */
const JS_SYNTAX = /[\\^$.|?*+()[\]{}/]/;
/** Lucene operators of its optional syntax (`@` any string, `&` intersection, `~` complement, `<1-5>` intervals, `#` empty). */
const OPTIONAL_OPERATORS = new Set(['@', '&', '~', '<', '>', '#']);
const CLASS_SHORTHANDS = new Set(['d', 'D', 'w', 'W', 's', 'S']);

/**
 * Lucene's syntax (the Elasticsearch regexp syntax): patterns always match the whole value, so `^`
 * and `$` are ordinary characters; `.` matches any character, line breaks included; `\` makes any
 * character literal except the class shorthands `\d \w \s` (and capitals); `"..."` quotes a literal
 * run. The optional operators are refused by name rather than guessed at.
 */
export function luceneToJs(pattern: string): string {
  let out = '';
  let i = 0;
  const chars = [...pattern];
  while (i < chars.length) {
    const ch = chars[i]!;
    if (ch === '\\') {
      const next = chars[i + 1];
      if (next === undefined) throw new RegexTranslationError('regular expression ends with a lone backslash');
      out += CLASS_SHORTHANDS.has(next) ? `\\${next}` : literal(next);
      i += 2;
    } else if (ch === '"') {
      const close = chars.indexOf('"', i + 1);
      if (close < 0) throw new RegexTranslationError('unterminated quoted run in regular expression');
      out += chars
        .slice(i + 1, close)
        .map(literal)
        .join('');
      i = close + 1;
    } else if (ch === '[') {
      const { source, end } = characterClass(chars, i);
      out += source;
      i = end;
    } else if (ch === '.') {
      out += '[\\s\\S]';
      i++;
    } else if (ch === '^' || ch === '$' || ch === '/') {
      out += `\\${ch}`;
      i++;
    } else if (OPTIONAL_OPERATORS.has(ch)) {
      throw new RegexTranslationError(
        `Lucene regular expression operator "${ch}" is not supported; escape it (\\${ch}) to match it literally`,
      );
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function characterClass(chars: readonly string[], start: number): { source: string; end: number } {
  let source = '[';
  let i = start + 1;
  if (chars[i] === '^') {
    source += '^';
    i++;
  }
  let first = true;
  for (;;) {
    const ch = chars[i];
    if (ch === undefined) throw new RegexTranslationError('unterminated character class in regular expression');
    if (ch === ']' && !first) return { source: `${source}]`, end: i + 1 };
    first = false;
    if (ch === '\\') {
      const next = chars[i + 1];
      if (next === undefined) throw new RegexTranslationError('unterminated character class in regular expression');
      source += CLASS_SHORTHANDS.has(next) ? `\\${next}` : classLiteral(next);
      i += 2;
    } else if (ch === '-' && i !== start + 1 && chars[i + 1] !== ']') {
      source += '-';
      i++;
    } else {
      source += classLiteral(ch);
      i++;
    }
  }
}

function literal(ch: string): string {
  return JS_SYNTAX.test(ch) ? `\\${ch}` : ch;
}

function classLiteral(ch: string): string {
  return ch === '\\' || ch === ']' || ch === '[' || ch === '^' || ch === '-' ? `\\${ch}` : ch;
}

/** One anchored RegExp for a list of Lucene patterns (any may match); `i` for `regex~`. */
export function luceneRegExp(patterns: readonly string[], caseInsensitive: boolean): RegExp {
  const alternatives = patterns.map((pattern) => `(?:${luceneToJs(pattern)})`);
  return new RegExp(`^(?:${alternatives.join('|')})$`, caseInsensitive ? 'iu' : 'u');
}
