// Windows CommandLineToArgv splitting as Elastic's crowdstrike and sentinel_one_cloud_funnel pipelines do it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitWindowsCommandLine } from '../../../../src/vendors/shared/command-line.js';

const split = splitWindowsCommandLine;

describe('splitWindowsCommandLine', () => {
  it('splits on runs of spaces and tabs, and on nothing else', () => {
    expect(split('pg_dump  -Fc\tappdb')).toEqual(['pg_dump', '-Fc', 'appdb']);
    expect(split('  \t leading and trailing \t ')).toEqual(['leading', 'and', 'trailing']);
    expect(split('a\nb\rc\u00a0d')).toEqual(['a\nb\rc\u00a0d']);
    expect(split('')).toEqual([]);
    expect(split(' \t ')).toEqual([]);
  });

  it('groups quoted text, drops the quotes, and lets quotes start or end mid-argument', () => {
    expect(split('pg_dump "--file=/backups/app db.dump" app')).toEqual(['pg_dump', '--file=/backups/app db.dump', 'app']);
    expect(split('mysqldump --where="id > 10" shop')).toEqual(['mysqldump', '--where=id > 10', 'shop']);
    expect(split('"C:\\Program Files\\x.exe"x y')).toEqual(['C:\\Program Files\\x.exex', 'y']);
    expect(split('"unterminated quote with spaces')).toEqual(['unterminated quote with spaces']);
    expect(split('a"b c"d e')).toEqual(['ab cd', 'e']);
  });

  it('keeps a tab inside quotes', () => {
    expect(split('"a\tb" c')).toEqual(['a\tb', 'c']);
  });

  it('halves backslash runs before a quote: even runs toggle quoting, odd runs give a literal quote', () => {
    expect(split('a\\\\"b c" d')).toEqual(['a\\b c', 'd']); // 2 backslashes -> 1, quote opens
    expect(split('a\\"b c')).toEqual(['a"b', 'c']); // 1 backslash -> 0, literal quote
    expect(split('a\\\\\\"b c')).toEqual(['a\\"b', 'c']); // 3 -> 1 and a literal quote
    expect(split('"x\\\\\\\\" y')).toEqual(['x\\\\', 'y']); // 4 -> 2, quote closes
    expect(split('"--file=/srv/all \\"nightly\\".sql"')).toEqual(['--file=/srv/all "nightly".sql']);
  });

  it('keeps backslashes that are not followed by a quote, trailing ones included', () => {
    expect(split('C:\\Windows\\System32\\cmd.exe /c \\\\server\\share')).toEqual([
      'C:\\Windows\\System32\\cmd.exe',
      '/c',
      '\\\\server\\share',
    ]);
    expect(split('dir C:\\temp\\ ')).toEqual(['dir', 'C:\\temp\\']);
    expect(split('end\\\\')).toEqual(['end\\\\']);
  });

  it('returns empty arguments from empty quotes (callers decide whether to drop or count them)', () => {
    expect(split('a "" b')).toEqual(['a', '', 'b']);
    expect(split('""')).toEqual(['']);
    expect(split('"')).toEqual(['']);
  });

  it('reads a doubled quote inside quotes as one literal quote that also ends the quoting (pre-2008 rule)', () => {
    expect(split('"a""b c"')).toEqual(['a"b', 'c']);
    // ...so the second pair of `""` here opens and closes an empty span outside quotes.
    expect(split('"say ""hi"" now"')).toEqual(['say "hi', 'now']);
    // Outside quotes a doubled quote just opens and closes an empty quoted span.
    expect(split('a""b')).toEqual(['ab']);
  });

  it('never loses a non-separator, non-quote, non-backslash character', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '"', '\\', '/', 'é') }), (line) => {
        const kept = (text: string): string => text.replace(/[ \t"\\]/g, '');
        expect(kept(split(line).join(''))).toBe(kept(line));
      }),
    );
  });

  it('is the identity on words without quotes or backslashes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', '-', '=', '/', '.', '9'), minLength: 1 }), { maxLength: 8 }), (words) => {
        expect(split(words.join(' '))).toEqual(words);
      }),
    );
  });

  it('handles a megabyte command line in linear time', () => {
    const line = 'pg_dump '.repeat(131_072);
    const started = performance.now();
    expect(split(line)).toHaveLength(131_072);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
