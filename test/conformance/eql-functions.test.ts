// Every EQL function of the Elasticsearch function reference, case by documented case, on the reference interpreter and the compiled matcher.
import { describe, expect, it } from 'vitest';
import { compileEql } from '../../src/detect/compile.js';
import { values } from '../../src/detect/eql-interpreter.js';
import { parseEql } from '../../src/detect/eql-parser.js';

/** The value of an EQL expression over an event: null when it has none. */
function value(expression: string, event: object = {}): unknown {
  const found = values(parseEql(`any where ${expression}`).condition, event);
  return found.length === 0 ? null : found[0];
}

type Case = readonly [expression: string, expected: unknown, event?: object];

function check(cases: readonly Case[]): void {
  it.each(cases.map((entry) => ({ expression: entry[0], expected: entry[1], event: entry[2] ?? {} })))(
    '$expression -> $expected',
    ({ expression, expected, event }) => {
      expect(value(expression, event)).toEqual(expected);
      // The same answer through a condition the compiled matcher evaluates.
      const literal = expected === null ? 'null' : JSON.stringify(expected);
      expect(compileEql(`any where ${expression} == ${literal}`).matches(event)).toBe(true);
    },
  );
}

const ARGS = { process: { args_count: 4, parent: { args_count: 2 } } };

describe('add, subtract, multiply, divide, modulo', () => {
  check([
    ['add(4, 5)', 9],
    ['add(4, 0.5)', 4.5],
    ['add(0.5, 0.25)', 0.75],
    ['add(4, -2)', 2],
    ['add(-2, -2)', -4],
    ['add(process.args_count, 5)', 9, ARGS],
    ['add(process.args_count, process.parent.args_count)', 6, ARGS],
    ['add(null, 4)', null],
    ['add(4, null)', null],
    ['add(null, process.args_count)', null, ARGS],
    ['subtract(10, 2)', 8],
    ['subtract(10.5, 0.5)', 10],
    ['subtract(-2, 4)', -6],
    ['subtract(-2, -4)', 2],
    ['subtract(null, 2)', null],
    ['multiply(2, 2)', 4],
    ['multiply(0.5, 2)', 1],
    ['multiply(0.25, 2)', 0.5],
    ['multiply(-2, -2)', 4],
    ['multiply(2, null)', null],
    ['divide(4, 2)', 2],
    ['divide(4, 3)', 1],
    ['divide(4, 0.5)', 8],
    ['divide(0.5, 4)', 0.125],
    ['divide(4, -2)', -2],
    ['divide(-4, -2)', 2],
    ['divide(process.args_count, 3)', 1, ARGS],
    ['divide(12, process.args_count)', 3, ARGS],
    ['divide(null, 4)', null],
    ['modulo(10, 6)', 4],
    ['modulo(10, 5)', 0],
    ['modulo(10, 0.5)', 0],
    ['modulo(10, -6)', 4],
    ['modulo(-10, -6)', -4],
    ['modulo(null, 5)', null],
    ['4 + 5', 9],
    ['10 - 2 * 3', 4],
    ['(10 - 2) * 3', 24],
    ['7 / 2', 3],
    ['7.0 / 2', 3.5],
    ['7 % 3', 1],
    ['-process.args_count', -4, ARGS],
  ]);
  it('divide(4, 3.0) keeps the fraction', () => expect(value('divide(4, 3.0)')).toBeCloseTo(1.3333, 3));
});

describe('between', () => {
  const PATH = { file: { path: 'C:\\Windows\\System32\\cmd.exe' } };
  check([
    ['between(file.path, "System32\\\\", ".exe")', 'cmd', PATH],
    ['between(file.path, "system32\\\\", ".exe")', '', PATH],
    ['between(file.path, "workspace\\\\", ".exe")', '', PATH],
    ['between~(file.path, "system32\\\\", ".exe")', 'cmd', PATH],
    ['between(file.path, "\\\\", "\\\\", false)', 'Windows', PATH],
    ['between(file.path, "\\\\", "\\\\", true)', 'Windows\\System32', PATH],
    ['between("", "System32\\\\", ".exe")', ''],
    ['between("", "", "")', ''],
    ['between(null, "System32\\\\", ".exe")', null],
  ]);
});

describe('cidrMatch', () => {
  const SOURCE = { source: { address: '192.168.152.12', ip: '192.168.152.12' } };
  check([
    ['cidrMatch(source.address, "192.168.0.0/16")', true, SOURCE],
    ['cidrMatch(source.address, "192.168.0.0/16", "10.0.0.0/8")', true, SOURCE],
    ['cidrMatch(source.address, "10.0.0.0/8")', false, SOURCE],
    ['cidrMatch(source.address, "10.0.0.0/8", "10.128.0.0/9")', false, SOURCE],
    ['cidrMatch(null, "10.0.0.0/8")', null],
    ['cidrMatch(source.address, null)', null, SOURCE],
    ['cidrMatch(source.ip, "192.168.152.12/32")', true, SOURCE],
    ['cidrMatch("2001:db8::1", "2001:db8::/32")', true],
    ['cidrMatch("2001:db9::1", "2001:db8::/32")', false],
    ['cidrMatch("::ffff:10.1.2.3", "10.0.0.0/8")', true],
  ]);
});

describe('concat, string, length, number', () => {
  const NAME = { process: { name: 'regsvr32.exe', arg_count: 4 } };
  check([
    ['concat("process is ", "regsvr32.exe")', 'process is regsvr32.exe'],
    ['concat("regsvr32.exe", " ", 42)', 'regsvr32.exe 42'],
    ['concat("regsvr32.exe", " ", 42.5)', 'regsvr32.exe 42.5'],
    ['concat("regsvr32.exe", " ", true)', 'regsvr32.exe true'],
    ['concat(process.name, " ", process.arg_count)', 'regsvr32.exe 4', NAME],
    ['concat(null, "regsvr32.exe")', null],
    ['concat(null)', null],
    ['string(42)', '42'],
    ['string(42.5)', '42.5'],
    ['string("regsvr32.exe")', 'regsvr32.exe'],
    ['string(true)', 'true'],
    ['string(null)', null],
    ['length("explorer.exe")', 12],
    ['length("start explorer.exe")', 18],
    ['length("")', 0],
    ['length(null)', null],
    ['length(process.name)', 12, NAME],
    ['number("1337")', 1337],
    ['number("42.5")', 42.5],
    ['number("deadbeef", 16)', 3735928559],
    ['number("0xdeadbeef")', 3735928559],
    ['number("0xdeadbeef", 16)', 3735928559],
    ['number("+1337")', 1337],
    ['number("-1337")', -1337],
    ['number("  1337  ")', 1337],
    ['number(null)', null],
    ['number(null, 16)', null],
    ['number("0xdeadbeef", null)', 3735928559],
    ['number("1337", null)', 1337],
  ]);
});

describe('startsWith, endsWith, stringContains, indexOf, substring (and their ~ forms)', () => {
  const EVENT = {
    file: { name: 'regsvr32.exe', extension: '.exe' },
    process: { name: 'regsvr32', command_line: 'start regsvr32.exe' },
    url: { domain: 'subdomain.example.com' },
  };
  check([
    ['startsWith("regsvr32.exe", "regsvr32")', true],
    ['startsWith("regsvr32.exe", "Regsvr32")', false],
    ['startsWith("", "")', true],
    ['startsWith~("regsvr32.exe", "Regsvr32")', true],
    ['startsWith("regsvr32.exe", process.name)', true, EVENT],
    ['startsWith(null, "regsvr32")', null],
    ['startsWith("regsvr32.exe", null)', null],
    ['endsWith("regsvr32.exe", ".exe")', true],
    ['endsWith("regsvr32.exe", ".EXE")', false],
    ['endsWith("", "")', true],
    ['endsWith~("regsvr32.exe", ".EXE")', true],
    ['endsWith("regsvr32.exe", file.extension)', true, EVENT],
    ['endsWith(null, ".exe")', null],
    ['stringContains(process.command_line, "regsvr32")', true, EVENT],
    ['stringContains(process.command_line, "Regsvr32")', false, EVENT],
    ['stringContains~(process.command_line, "Regsvr32")', true, EVENT],
    ['stringContains("", "")', false],
    ['stringContains(process.command_line, "")', false, EVENT],
    ['stringContains(null, "regsvr32")', null],
    ['indexOf(url.domain, "d")', 3, EVENT],
    ['indexOf(url.domain, "D")', null, EVENT],
    ['indexOf(url.domain, ".")', 9, EVENT],
    ['indexOf(url.domain, ".", 9)', 9, EVENT],
    ['indexOf(url.domain, ".", 10)', 17, EVENT],
    ['indexOf(url.domain, ".", -6)', 9, EVENT],
    ['indexOf~(url.domain, "D")', 3, EVENT],
    ['indexOf("", "")', 0],
    ['indexOf(url.domain, "", 9)', 9, EVENT],
    ['indexOf(url.domain, "", -6)', 0, EVENT],
    ['indexOf(url.domain, "z")', null, EVENT],
    ['indexOf(url.domain, ".", 30)', null, EVENT],
    ['indexOf(null, ".", 9)', null],
    ['indexOf(url.domain, ".", null)', null, EVENT],
    ['substring("start regsvr32.exe", 6)', 'regsvr32.exe'],
    ['substring("start regsvr32.exe", 0, 5)', 'start'],
    ['substring("start regsvr32.exe", 6, 14)', 'regsvr32'],
    ['substring("start regsvr32.exe", -4)', '.exe'],
    ['substring("start regsvr32.exe", -4, -1)', '.ex'],
    ['substring("start", 9)', ''],
    ['substring("start", 3, 1)', ''],
  ]);
  it('names functions case-insensitively, as Elasticsearch resolves them', () => {
    expect(value('STARTSWITH~("Abc", "a")')).toBe(true);
    expect(value('cidrmatch("10.1.1.1", "10.0.0.0/8")')).toBe(true);
  });
});
