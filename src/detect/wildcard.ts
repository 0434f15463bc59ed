// Turns EQL wildcard patterns (`*` any run, `?` one character) into one anchored RegExp, built once.

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * One RegExp for all patterns (alternation), anchored so the whole value must match, as in
 * Elasticsearch. The `u` flag makes `?` one code point, like Lucene's wildcard automaton; `i` gives
 * the case-insensitive forms (`:`, `like~`).
 */
export function wildcardsToRegExp(patterns: readonly string[], caseInsensitive: boolean): RegExp {
  const alternatives = patterns.map((pattern) => {
    let source = '';
    for (const ch of pattern) {
      if (ch === '*') source += '[\\s\\S]*';
      else if (ch === '?') source += '[\\s\\S]';
      else source += ch.replace(/[\\^$.|+()[\]{}\/]/g, '\\$&');
    }
    return source;
  });
  return new RegExp(`^(?:${alternatives.join('|')})$`, caseInsensitive ? 'iu' : 'u');
}
