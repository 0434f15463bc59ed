import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRule, type CompiledRule } from '../../../src/detect/compile-rule.js';
import type { DetectionRule } from '../../../src/detect/detection-rule.js';
import { parseEql } from '../../../src/detect/eql-parser.js';
import { alternativesOf, RuleIndex, requirementsOf } from '../../../src/detect/rule-index.js';

const QUERIES = [
  'process where host.os.type == "linux" and event.type == "start" and process.name in ("a", "b")',
  'process where host.os.type == "linux" and event.type == "start" and (process.name == "c" or process.name : "D")',
  'process where host.os.type == "windows" and process.name in~ ("A.EXE", "b.exe") and process.args : "*x*"',
  'process where event.type in ("start", "info") and process.name : ("a*", "e")',
  'process where host.os.type == "linux" and process.command_line like "*b*"',
  'any where process.name == "a" and not host.os.type == "linux"',
  'file where host.os.type == "linux" and event.type == "creation" and file.name == "a"',
  'process where host.os.type in ("linux", "macos") and event.type == "start" and process.name == "b" and process.name : "B"',
  'process where ?process.parent.name == "a" or host.os.type == "macos"',
  'process where event.action == "exec" and length(process.name) == 1',
  'process where host.os.type == "linux" and event.type == "start" and user.id == 0',
  'process where host.os.type == "linux" and event.type == "start" and event.action in ("exec", "fork")',
  'process where host.os.type == "linux" and process.name : ("a*", "X?y", "ΑΣ*")',
  'process where event.type == "start" and process.name like ("ab*", "e") and not process.parent.name : "a*"',
  'process where process.executable like ("/tmp/*", "/dev/shm/*x") or process.executable : "/TMP/A*"',
  'process where host.os.type == "linux" and (process.name : "ab*" or process.args == "x")',
  'process where process.args : ("x", "-C")',
  'process where (process.parent.name == "a" or process.args : "A*" or process.name == "e") and not process.args == "b"',
];

const RULES: CompiledRule[] = QUERIES.flatMap((query, i) =>
  // Each query twice, so several rules share each bucket (the index orders by load).
  [0, 1].map((copy) =>
    compileRule({ id: `r${i}-${copy}`, name: `r${i}-${copy}`, query, eventCategoryOverride: undefined, sourceFile: 'x' } as DetectionRule),
  ),
);

const value = fc.constantFrom(
  'a',
  'A',
  'b',
  'c',
  'D',
  'd',
  'e',
  'a.exe',
  'A.EXE',
  'xa',
  'linux',
  'windows',
  'macos',
  'start',
  'info',
  'exec',
  'fork',
  '0',
  0,
  'x'.repeat(1025),
  '-c',
  '-C',
  'x',
  'ab',
  'abc',
  'AB',
  'Ab',
  'xay',
  'Xzy',
  'ΑΣ',
  'ΑΣΒ',
  'ας',
  '/tmp/a',
  '/TMP/A',
  '/tmp/A',
  '/dev/shm/zx',
  '/dev/shm/',
  'a'.repeat(1025),
);
const oneOrMany = fc.oneof(value, fc.array(value, { maxLength: 3 }));
const event = fc.record(
  {
    event: fc.record(
      { category: fc.oneof(fc.constantFrom('process', 'file'), fc.constant(['process', 'file'])), type: oneOrMany, action: oneOrMany },
      { requiredKeys: [] },
    ),
    host: fc.record({ os: fc.record({ type: oneOrMany }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    process: fc.record(
      {
        name: oneOrMany,
        args: oneOrMany,
        executable: oneOrMany,
        command_line: value,
        parent: fc.record({ name: value }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
    file: fc.record({ name: value }, { requiredKeys: [] }),
    user: fc.record({ id: value }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

describe('RuleIndex', () => {
  it('finds what a linear scan finds, in load order', () => {
    const index = new RuleIndex(RULES);
    fc.assert(
      fc.property(event, (e) => {
        const linear = RULES.filter((rule) => rule.matches(e));
        expect((index.matching(e) ?? []).map((rule) => rule.rule.id)).toEqual(linear.map((rule) => rule.rule.id));
      }),
      { numRuns: 5000 },
    );
  });

  it('finds what a linear scan finds when process.name is split on, not a context field (many values)', () => {
    // Past MAX_CONTEXT_VALUES names the index splits rules on process.name, values and prefixes.
    const fillers = Array.from({ length: 70 }, (_, i) =>
      compileRule({
        id: `f${i}`,
        name: `f${i}`,
        query: `process where host.os.type == "linux" and process.name == "n${i}"`,
        eventCategoryOverride: undefined,
        sourceFile: 'x',
      } as DetectionRule),
    );
    const rules = [...RULES, ...fillers];
    const index = new RuleIndex(rules);
    fc.assert(
      fc.property(event, (e) => {
        const linear = rules.filter((rule) => rule.matches(e));
        expect((index.matching(e) ?? []).map((rule) => rule.rule.id)).toEqual(linear.map((rule) => rule.rule.id));
      }),
      { numRuns: 5000 },
    );
    // Random events rarely meet several rules' conditions at once: every combination of a few that do.
    let matchedSome = 0;
    for (const name of ['zz', 'ab', 'ABc', 'e', 'n3', 'ΑΣ']) {
      for (const args of [undefined, 'x', ['-C', 'x'], 'A1', 'b']) {
        for (const parent of [undefined, 'a']) {
          for (const executable of [undefined, '/tmp/a', '/TMP/AB']) {
            const e = {
              event: { category: 'process', type: 'start', action: 'exec' },
              host: { os: { type: 'linux' } },
              process: { name, args, executable, parent: { name: parent } },
            };
            const linear = rules.filter((rule) => rule.matches(e)).map((rule) => rule.rule.id);
            if (linear.length > 0) matchedSome++;
            expect(
              (index.matching(e) ?? []).map((rule) => rule.rule.id),
              JSON.stringify(e),
            ).toEqual(linear);
          }
        }
      }
    }
    expect(matchedSome).toBeGreaterThan(100);
  });

  it('reads requirements through and, or, in~ and wildcard-free patterns', () => {
    const requirements = (query: string) =>
      requirementsOf(parseEql(query), 'event.category').map((r) => [r.field, [...r.values].sort(), r.caseInsensitive]);
    expect(requirements('process where host.os.type == "linux" and (process.name == "a" or process.name in ("b", "c"))')).toEqual([
      ['host.os.type', ['linux'], false],
      ['process.name', ['a', 'b', 'c'], false],
      ['event.category', ['process'], false],
    ]);
    expect(requirements('any where process.name : ("A", "b") and process.args : "*x"')).toEqual([['process.name', ['a', 'b'], true]]);
    expect(requirements('any where process.name == "a" or host.os.type == "linux"')).toEqual([]);
    expect(requirements('any where not process.name == "a" and process.pid == 1')).toEqual([]);
  });

  it('reads the literal text before the first wildcard as a prefix, after lowercasing the whole pattern', () => {
    const prefixes = (query: string) =>
      requirementsOf(parseEql(query), 'event.category')
        .filter((r) => r.prefixes)
        .map((r) => [r.field, [...r.values].sort(), r.caseInsensitive]);
    expect(prefixes('any where process.name : ("AB*", "c?d", "e")')).toEqual([['process.name', ['ab', 'c', 'e'], true]]);
    expect(prefixes('any where process.executable like ("/tmp/*", "/Dev/*") or process.executable like "/x*"')).toEqual([
      ['process.executable', ['/Dev/', '/tmp/', '/x'], false],
    ]);
    expect(prefixes('any where process.name : ("*a", "b*")')).toEqual([]);
  });

  it('reads alternatives from an or across fields in the top-level and chain', () => {
    const alternatives = (query: string) => alternativesOf(parseEql(query)).map((r) => [r.field, [...r.values].sort(), r.prefixes]);
    expect(alternatives('process where host.os.type == "linux" and (process.name : "ab*" or process.args == "x")')).toEqual([
      ['process.name', ['ab'], true],
      ['process.args', ['x'], false],
    ]);
    expect(alternatives('process where process.name == "a" or process.args : "*x"')).toEqual([]);
    expect(alternatives('process where not (process.name == "a" or process.args == "x")')).toEqual([]);
  });
});
