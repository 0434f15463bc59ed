import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allOf, type EventMatcher } from '../../../src/detect/compile.js';
import { compileRule, type CompiledRule } from '../../../src/detect/compile-rule.js';
import type { DetectionRule } from '../../../src/detect/detection-rule.js';
import { decidedByContext, establishedByValue, eventOf } from '../../../src/detect/residual.js';
import { RuleIndex } from '../../../src/detect/rule-index.js';

const PREFIX = 'host.os.type == "linux" and event.type == "start" and event.action in ("exec", "start")';

/** The shapes of Linux process rules (a shared context prefix, then name lists, wildcards, exclusions), plus context tests the index must decide itself. */
const QUERIES = [
  `process where ${PREFIX} and process.name in ("a", "b")`,
  `process where ${PREFIX} and process.name in ("b", "c") and process.args : ("*x*", "-C")`,
  `process where ${PREFIX} and process.parent.name in ("a", "e") and not process.name in ("b")`,
  `process where ${PREFIX} and process.executable : ("/tmp/a*", "/dev/shm/*x")`,
  `process where ${PREFIX} and (process.name : "ab*" or process.args == "x")`,
  `process where ${PREFIX} and process.name == "a" and process.name : "A" and process.name in~ ("A", "B")`,
  `process where ${PREFIX} and process.name in ("a", "b") and process.name : "*b"`,
  'process where host.os.type : "LIN*" and not event.type == "end" and process.name in ("a", "c")',
  'process where host.os.type != "windows" and event.action in ("exec", null) and process.name == "a"',
  'process where host.os.type in ("linux", "macos") and event.type like "st*" and process.name in ("a", "xa")',
  'process where event.category == "process" and event.action == "exec" and process.name == 0',
  'process where (host.os.type == "linux" or event.action == "start") and process.name in ("e", "a")',
  'any where host.os.type == "linux" and event.type == "start" and length(event.action) == 4 and process.name == "b"',
  'process where host.os.type == null and event.type == "start" and process.name in ("a", "b")',
];

function rule(id: string, query: string): CompiledRule {
  return compileRule({ id, name: id, query, eventCategoryOverride: undefined, sourceFile: 'x' } as DetectionRule);
}

/** Past MAX_CONTEXT_VALUES names, so that the index splits on process.name instead of keying on it. */
const FILLERS = Array.from({ length: 70 }, (_, i) => rule(`f${i}`, `process where ${PREFIX} and process.name == "n${i}"`));
const RULES = [...QUERIES.flatMap((query, i) => [rule(`r${i}-0`, query), rule(`r${i}-1`, query)]), ...FILLERS];

const value = fc.constantFrom(
  'a',
  'A',
  'b',
  'c',
  'e',
  'x',
  'xa',
  'ab',
  'abc',
  '-c',
  '-C',
  'n3',
  '0',
  0,
  '',
  'linux',
  'LINUX',
  'macos',
  'windows',
  'process',
  'start',
  'end',
  'exec',
  '/tmp/ab',
  '/dev/shm/zx',
  'x'.repeat(1025),
  // The encoding of the list ['linux'] in a stage key (were one-element lists not keyed by their value).
  '\u00001;5:linux',
  '\u00002;1:a1:b',
);
const oneOrMany = fc.oneof(value, fc.array(value, { maxLength: 3 }));
const event = fc.record(
  {
    event: fc.record({ category: oneOrMany, type: oneOrMany, action: oneOrMany }, { requiredKeys: [] }),
    host: fc.oneof(
      fc.record({ os: fc.record({ type: oneOrMany }, { requiredKeys: [] }) }, { requiredKeys: [] }),
      fc.constant([{ os: { type: 'linux' } }]),
    ),
    process: fc.record(
      { name: oneOrMany, args: oneOrMany, executable: oneOrMany, parent: fc.record({ name: oneOrMany }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const ids = (rules: readonly CompiledRule[] | undefined) => (rules ?? []).map((matched) => matched.rule.id);

describe('RuleIndex residuals', () => {
  it('equal a linear scan of the whole rules, in load order', () => {
    const index = new RuleIndex(RULES);
    fc.assert(
      fc.property(event, (e) => {
        expect(ids(index.matching(e))).toEqual(ids(RULES.filter((candidate) => candidate.matches(e))));
      }),
      { numRuns: 10_000 },
    );
  });

  it('equal a linear scan on every combination of context and split values that meets several rules', () => {
    const index = new RuleIndex(RULES);
    let matchedSome = 0;
    // Two values key their stage by an encoding; the plain value that looks like it must not share that stage.
    for (const os of ['linux', ['windows', 'linux'], '\u00002;7:windows5:linux', ['linux'], 'LINUX', undefined])
      for (const action of ['exec', ['fork', 'start'], 'end'])
        for (const type of ['start', ['info', 'start'], 'end'])
          for (const name of ['a', 'b', ['zz', 'c'], ['a', 'xb'], 'abc', 'n3', 0, 'e'])
            for (const args of [undefined, 'x', ['-C', 'x']])
              for (const parent of [undefined, 'a']) {
                const e = {
                  event: { category: 'process', type, action },
                  host: { os: { type: os } },
                  process: { name, args, executable: '/tmp/ab', parent: { name: parent } },
                };
                const linear = ids(RULES.filter((candidate) => candidate.matches(e)));
                if (linear.length > 1) matchedSome++;
                expect(ids(index.matching(e)), JSON.stringify(e)).toEqual(linear);
              }
    expect(matchedSome).toBeGreaterThan(200);
  });

  it('skip the conjuncts the stage established: context values and the exact split value', () => {
    const calls: number[] = [];
    const counted = (compiled: CompiledRule): CompiledRule => {
      const conjuncts = compiled.conjuncts.map((conjunct, i) => {
        const matches: EventMatcher = (e) => {
          calls.push(i);
          return conjunct.matches(e);
        };
        return { ...conjunct, matches };
      });
      return { ...compiled, conjuncts, matches: allOf(conjuncts.map((conjunct) => conjunct.matches)) };
    };
    const probe = counted(rule('probe', `process where ${PREFIX} and process.name in ("a", "b") and process.args : "*x*"`));
    const index = new RuleIndex([probe, ...FILLERS]);
    const e = {
      event: { category: ['process'], type: ['start'], action: 'exec' },
      host: { os: { type: 'linux' } },
      process: { name: 'a', args: ['-x-'] },
    };
    expect(ids(index.matching(e))).toEqual(['probe']);
    // Conjuncts: category, OS, type, action, name, args. Only the args test is left to evaluate.
    calls.length = 0;
    expect(ids(index.matching(e))).toEqual(['probe']);
    expect(calls).toEqual([5]);
    expect(ids(index.matching({ ...e, process: { name: 'b', args: 'y' } }))).toEqual([]);
    expect(calls).toEqual([5, 5]);
  });
});

describe('what a stage can establish', () => {
  const conjuncts = (query: string) => rule('q', query).conjuncts;
  const fields = new Set(['event.category', 'host.os.type', 'event.type', 'event.action']);
  const context = eventOf(
    [
      ['event', 'category'],
      ['host', 'os', 'type'],
      ['event', 'type'],
      ['event', 'action'],
    ],
    [['process'], ['linux'], ['start', 'info'], []],
  );

  it('decides the conjuncts that test only context fields against literals, and no other', () => {
    expect(
      decidedByContext(
        conjuncts(
          'process where host.os.type : "LIN*" and event.type != "end" and event.action == null and not event.type in ("info") and process.name == "a" and length(host.os.type) == 5',
        ),
        fields,
        context,
      ),
    ).toEqual([true, true, true, true, false, undefined, undefined]);
  });

  it('settles a split conjunct only for an any-value test that each filed value passes', () => {
    const [byIn, byNot, byPattern, withNull] = conjuncts(
      'any where process.name in ("a", "b") and not process.name == "c" and process.name : "A*" and process.name in ("a", null)',
    );
    expect(establishedByValue(byIn!, 'process.name', ['a', 'b'])).toBe(true);
    expect(establishedByValue(byIn!, 'process.name', ['a', 'z'])).toBe(false);
    expect(establishedByValue(byIn!, 'process.parent.name', ['a'])).toBe(false);
    expect(establishedByValue(byNot!, 'process.name', ['a'])).toBe(false);
    expect(establishedByValue(byPattern!, 'process.name', ['ab', 'A'])).toBe(true);
    expect(establishedByValue(withNull!, 'process.name', ['a'])).toBe(false);
  });

  it('builds no context event for paths that cannot share one object', () => {
    expect(eventOf([['a'], ['a', 'b']], [['x'], ['y']])).toBeUndefined();
    expect(eventOf([['a', 'constructor']], [['x']])).toBeUndefined();
    expect(
      eventOf(
        [
          ['a', 'b'],
          ['a', 'c'],
        ],
        [['x'], []],
      ),
    ).toEqual({ a: { b: ['x'] } });
  });
});
