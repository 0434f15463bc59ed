// EQL's operators as the Elasticsearch syntax reference defines them, on the compiled matcher and the reference interpreter.
import { describe, expect, it } from 'vitest';
import { compileEql } from '../../src/detect/compile.js';
import { EqlError } from '../../src/detect/eql-error.js';
import { evaluateQuery } from '../../src/detect/eql-interpreter.js';
import { parseEql } from '../../src/detect/eql-parser.js';

type Case = readonly [query: string, event: object, expected: boolean];

function check(cases: readonly Case[]): void {
  it.each(cases.map(([query, event, expected]) => ({ query, event, expected })))(
    '$query over $event -> $expected',
    ({ query, event, expected }) => {
      const text = /^("[^"]*"|\w+) where /.test(query) ? query : `any where ${query}`;
      expect(compileEql(text).matches(event)).toBe(expected);
      expect(evaluateQuery(parseEql(text), event)).toBe(expected);
    },
  );
}

const F = (value: unknown): object => ({ my_field: value });
const LONG = 'x'.repeat(1025);

describe('event category, any, where true', () => {
  check([
    ['process where true', { event: { category: ['process'] } }, true],
    ['process where true', { event: { category: 'network' } }, false],
    ['process where true', {}, false],
    ['any where true', {}, true],
    ['file where true', { event: { category: ['file', 'process'] } }, true],
    ['"my-category" where true', { event: { category: 'my-category' } }, true],
    ['Process where true', { event: { category: 'process' } }, false],
  ]);
});

describe('comparison operators', () => {
  check([
    ['my_field == "Value"', F('Value'), true],
    ['my_field == "value"', F('Value'), false],
    ['my_field == "Val*"', F('Value'), false],
    ['my_field != "value"', F('Value'), true],
    ['my_field != "Value"', F('Value'), false],
    ['my_field : "value"', F('VALUE'), true],
    ['my_field : "val*"', F('VALUE'), true],
    ['my_field < "b"', F('a'), true],
    ['my_field < "b"', F('B'), true],
    ['my_field >= "b"', F('b'), true],
    ['my_field > "b"', F('ba'), true],
    ['process.args_count > 3', { process: { args_count: 4 } }, true],
    ['process.args_count <= 3', { process: { args_count: 4 } }, false],
    ['process.args_count >= 10', { process: { args_count: 9 } }, false],
    ['process.args_count < 10', { process: { args_count: '9' } }, true],
    ['10 > process.args_count', { process: { args_count: 9 } }, true],
    // A keyword compares as a string: "9" sorts after "10".
    ['my_field < "10"', F('9'), false],
    ['source.port >= 1024 and source.port <= 65535', { source: { port: 8080 } }, true],
  ]);
});

describe('pattern keywords and wildcards', () => {
  check([
    ['my_field like "VALUE*"', F('VALUE1'), true],
    ['my_field like "VALUE*"', F('value1'), false],
    ['my_field like~ "value*"', F('VALUE1'), true],
    ['my_field regex "VALUE[^Z].?"', F('VALUEA'), true],
    ['my_field regex "VALUE[^Z].?"', F('VALUEZ'), false],
    ['my_field regex "VALUE[^Z].?"', F('VALUEAB'), true],
    ['my_field regex "VALUE[^Z].?"', F('VALUEABC'), false],
    ['my_field regex~ "value[^z].?"', F('VALUEA'), true],
    ['my_field : "doc*"', F('document'), true],
    ['my_field : "doc*"', F('DOS'), false],
    ['my_field : "*doc"', F('asciidoc'), true],
    ['my_field : "d*c"', F('disc'), true],
    ['my_field like "DOC*"', F('DOCs'), true],
    ['my_field like "D*C"', F('DisC'), true],
    ['my_field : "doc?"', F('docs'), true],
    ['my_field : "doc?"', F('doc'), false],
    ['my_field : "?doc"', F('asciidoc'), false],
    ['my_field : "d?c"', F('disc'), false],
    ['my_field like "DOC?"', F('DOCUMENT'), false],
    ['my_field like "D?c"', F('DOC'), false],
    // Lucene regular expressions: whole-value, `.` spans line breaks, ^ $ are literal, \\w \\d \\s shorthands, "..." quotes.
    ['my_field regex "ab"', F('xaby'), false],
    ['my_field regex ".*ab.*"', F('x\naby'), true],
    ['my_field regex "a^b\\\\$"', F('a^b$'), true],
    ['my_field regex """\\w+\\.exe"""', F('cmd.exe'), true],
    ['my_field regex """[0-9]{1,3}"""', F('1234'), false],
    ['my_field regex """"a.b"c"""', F('a.bc'), true],
    ['my_field regex """"a.b"c"""', F('axbc'), false],
    ['my_field regex """(x|y)+z"""', F('xyxz'), true],
    ['my_field regex """\\#[0-9]+"""', F('#12'), true],
  ]);
  it('refuses Lucene operators it does not translate, naming them', () => {
    expect(() => compileEql('any where my_field regex "a@"')).toThrow(EqlError);
    expect(() => compileEql('any where my_field regex "a@"')).toThrow(/operator "@"/);
  });
});

describe('lookup operators', () => {
  check([
    ['my_field in ("Value-1", "VALUE2", "VAL3")', F('VALUE2'), true],
    ['my_field in ("Value-1", "VALUE2", "VAL3")', F('value2'), false],
    ['my_field in~ ("value-1", "value2", "val3")', F('VALUE2'), true],
    ['my_field not in ("Value-1", "VALUE2", "VAL3")', F('value2'), true],
    ['my_field not in~ ("value-1", "value2", "val3")', F('VALUE2'), false],
    ['my_field : ("value-1", "value2", "val3")', F('VALUE2'), true],
    ['my_field like ("Value-*", "VALUE2", "VAL?")', F('VAL3'), true],
    ['my_field like ("Value-*", "VALUE2", "VAL?")', F('val3'), false],
    ['my_field like~ ("value-*", "value2", "val?")', F('VALUE-9'), true],
    ['my_field regex ("[vV]alue-[0-9]", "VALUE[^2].?", "VAL3")', F('value-7'), true],
    ['my_field regex~ ("value-[0-9]", "value[^2].?", "val3")', F('VAL3'), true],
    ['my_field regex ("[vV]alue-[0-9]", "VAL3")', F('VAL4'), false],
    ['length(my_field) in (3, 4)', F('abcd'), true],
    ['my_field in ("a", null)', {}, true],
    ['my_field in ("a", null)', F('b'), false],
  ]);
});

describe('logical operators', () => {
  check([
    ['my_field == "a" and other == "b"', { my_field: 'a', other: 'b' }, true],
    ['my_field == "a" and other == "b"', { my_field: 'a' }, false],
    ['my_field == "a" or other == "b"', { other: 'b' }, true],
    ['not my_field == "a"', F('b'), true],
    ['not (my_field == "a" or my_field == "b")', F('b'), false],
    ['my_field == "a" or my_field == "b" and my_field == "c"', F('a'), true],
  ]);
});

describe('strings: escapes, raw strings, unicode', () => {
  check([
    ['my_field == "example \\r of \\" escaped \\n characters"', F('example \r of " escaped \n characters'), true],
    ['my_field == "tab\\there"', F('tab\there'), true],
    ['my_field == "back\\\\slash"', F('back\\slash'), true],
    [
      'my_field == """Raw string with a literal double quote " and blackslash \\ included"""',
      F('Raw string with a literal double quote " and blackslash \\ included'),
      true,
    ],
    ['my_field == "\\u{200f}x"', F('\u200fx'), true],
    ['my_field == "\\u{0000200F}x"', F('\u200fx'), true],
  ]);
});

describe('field names: optional, escaped, dotted', () => {
  check([
    ['?user.id != null', { user: { id: 'u' } }, true],
    ['?user.id != null', {}, false],
    ['?user.id == null', {}, true],
    ['`my-field` == "x"', { 'my-field': 'x' }, true],
    ['`my field` == "x"', { 'my field': 'x' }, true],
    ['`6myfield` == "x"', { '6myfield': 'x' }, true],
    ['`my``field` == "x"', { 'my`field': 'x' }, true],
    ['`k8s.io/decision` == "allow"', { k8s: { 'io/decision': 'allow' } }, true],
    ['a.`k8s.io/decision` == "allow"', { a: { 'k8s.io/decision': 'allow' } }, true],
  ]);
});

describe('null, missing fields and arrays', () => {
  check([
    ['my_field == "a"', {}, false],
    ['my_field != "a"', {}, true],
    ['my_field : "a*"', {}, false],
    ['my_field like "a*"', {}, false],
    ['my_field regex "a.*"', {}, false],
    ['my_field in ("a")', {}, false],
    ['my_field not in ("a")', {}, true],
    ['my_field > 1', {}, false],
    ['startsWith(my_field, "a")', {}, false],
    ['not startsWith(my_field, "a")', {}, true],
    ['length(my_field) == null', {}, true],
    ['my_field == null', F(null), true],
    ['my_field == null', F([]), true],
    ['my_field != null', F(['a']), true],
    ['my_field == "start"', F(['start', 'info']), true],
    ['my_field == "info" and my_field == "start"', F(['start', 'info']), true],
    ['my_field != "start"', F(['start', 'info']), false],
    ['my_field : "INF*"', F(['start', 'info']), true],
    ['startsWith(my_field, "in")', F(['start', 'info']), true],
    ['my.name == "b"', { my: [{ name: 'a' }, { name: 'b' }] }, true],
  ]);
});

describe('comparisons typed by the field: keyword, long, ip, boolean, date; ignore_above', () => {
  check([
    ['user.id == 0', { user: { id: '0' } }, true],
    ['user.id == "0"', { user: { id: 0 } }, true],
    ['user.id in (0, 1000)', { user: { id: '1000' } }, true],
    ['process.pid == "1337"', { process: { pid: 1337 } }, true],
    ['process.pid > 1000', { process: { pid: '1337' } }, true],
    ['source.ip == "10.0.0.1"', { source: { ip: '10.0.0.1' } }, true],
    ['source.ip == "::ffff:10.0.0.1"', { source: { ip: '10.0.0.1' } }, true],
    ['destination.ip == "2001:db8::1"', { destination: { ip: '2001:0db8:0:0:0:0:0:1' } }, true],
    ['source.ip == "10.0.0.1"', { source: { ip: 'garbage' } }, false],
    ['process.interactive == true', { process: { interactive: 'true' } }, true],
    ['process.interactive == false', { process: { interactive: true } }, false],
    ['@timestamp >= "2024-01-01T00:00:00Z"', { '@timestamp': '2024-06-01T10:00:00.5022851Z' }, true],
    ['@timestamp < "2024-01-01T00:00:00Z"', { '@timestamp': '2024-06-01T10:00:00Z' }, false],
    [`process.name : "x*"`, { process: { name: LONG } }, false],
    [`process.name == null`, { process: { name: LONG } }, true],
    [`process.args == "${LONG}"`, { process: { args: [LONG] } }, false],
    ['length(process.name) > 0', { process: { name: LONG } }, false],
    [`process.command_line : "x*"`, { process: { command_line: LONG } }, true],
  ]);
});
