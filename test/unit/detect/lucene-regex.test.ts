import { describe, expect, it } from 'vitest';
import { canonicalIp, parseCidr, parseIp } from '../../../src/detect/eql-values.js';
import { luceneRegExp, luceneToJs, RegexTranslationError } from '../../../src/detect/lucene-regex.js';

describe('Lucene regular expressions', () => {
  it.each([
    ['.*\\.exe', 'cmd.exe', true],
    ['.*\\.exe', 'cmdxexe', false],
    ['a^b$', 'a^b$', true],
    ['"a.b*"c', 'a.b*c', true],
    ['[^ ]+[ ]{3,}.*', 'x   y', true],
    ['[a\\-z]+', 'a-z', true],
    ['[a\\-z]+', 'b', false],
    ['\\w+\\s\\d', 'ab_1 7', true],
    ['\\/var\\/run\\/\\w+\\.(pid|lock)', '/var/run/x.pid', true],
    ['C:\\\\Windows\\\\.*', 'C:\\Windows\\x', true],
    ['.+', 'line\nbreak', true],
    ['[ʰ-˿]+', 'ˠ', true],
  ])('%s over %j -> %s', (pattern, value, expected) => {
    expect(luceneRegExp([pattern], false).test(value)).toBe(expected);
  });

  it('makes regex~ case-insensitive and a list any-of', () => {
    expect(luceneRegExp(['abc', 'x.z'], true).test('XyZ')).toBe(true);
    expect(luceneRegExp(['abc', 'x.z'], false).test('XyZ')).toBe(false);
  });

  it('refuses the optional operators and broken patterns by name', () => {
    for (const pattern of ['a@', 'a&b', '~a', '<1-5>', 'a#', 'x\\', '[ab', '"ab']) {
      expect(() => luceneToJs(pattern), pattern).toThrow(RegexTranslationError);
    }
  });
});

describe('ip addresses and CIDR blocks', () => {
  it('reads IPv4 as IPv4-mapped IPv6, as Elasticsearch stores it', () => {
    expect(canonicalIp('10.0.0.1')).toBe(canonicalIp('::ffff:10.0.0.1'));
    expect(canonicalIp('2001:db8::1')).toBe(canonicalIp('2001:0DB8:0:0:0:0:0:1'));
    expect(parseIp('256.0.0.1')).toBeUndefined();
    expect(parseIp('1::2::3')).toBeUndefined();
    expect(parseIp('host.example')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined();
  });

  it('reads CIDR blocks of both families', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ network: parseIp('10.0.0.0')! >> 24n, bits: 104 });
    expect(parseCidr('::/0')).toEqual({ network: 0n, bits: 0 });
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0/x')).toBeUndefined();
  });
});
