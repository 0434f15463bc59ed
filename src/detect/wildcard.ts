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
      else source += ch.replace(/[\\^$.|+()[\]{}/]/g, '\\$&');
    }
    return source;
  });
  return new RegExp(`^(?:${alternatives.join('|')})$`, caseInsensitive ? 'iu' : 'u');
}

/**
 * A matcher for a list of wildcard patterns, cheaper than one RegExp on long values: patterns without
 * wildcards are a Set, `lit*` / `*lit` / `*lit*` are startsWith / endsWith / includes, the rest share
 * one RegExp. Case-insensitive forms compare lowercased text with lowercased patterns.
 */
export function wildcardMatcher(patterns: readonly string[], caseInsensitive: boolean): (text: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const infixes: string[] = [];
  const others: string[] = [];
  for (const raw of patterns) {
    const pattern = caseInsensitive ? raw.toLowerCase() : raw;
    if (!hasWildcard(pattern)) {
      exact.add(pattern);
      continue;
    }
    const leading = pattern.startsWith('*');
    const trailing = pattern.length > 1 && pattern.endsWith('*');
    const middle = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
    if (hasWildcard(middle)) others.push(pattern);
    else if (leading && trailing) infixes.push(middle);
    else if (trailing) prefixes.push(middle);
    else if (leading) suffixes.push(middle);
    else others.push(pattern);
  }
  const regExp = others.length > 0 ? wildcardsToRegExp(others, false) : undefined;
  return (text) => {
    const value = caseInsensitive ? lowered(text) : text;
    if (exact.has(value)) return true;
    for (const prefix of prefixes) if (value.startsWith(prefix)) return true;
    for (const suffix of suffixes) if (value.endsWith(suffix)) return true;
    for (const infix of infixes) if (value.includes(infix)) return true;
    return regExp !== undefined && regExp.test(value);
  };
}

// Many rules test the same long value (a command line) case-insensitively, one after another: the
// last value lowercased is kept, so each event's value is lowercased once, not once per rule.
let lastText = '';
let lastLowered = '';

function lowered(text: string): string {
  if (text !== lastText) {
    lastText = text;
    lastLowered = text.toLowerCase();
  }
  return lastLowered;
}
