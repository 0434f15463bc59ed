import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEql, compileQuery } from '../../../src/detect/compile.js';
import type { Expr, FieldRef } from '../../../src/detect/eql-ast.js';
import { evaluateQuery } from '../../../src/detect/eql-interpreter.js';

const QUERIES = [
  `process where host.os.type == "linux" and event.type == "start" and
   event.action in ("exec", "exec_event", "start", "ProcessRollup2") and
   process.name in ("pg_dump", "pg_dumpall", "mysqldump", "mariadb-dump", "mongodump")`,
  'any where a.b : ("x*", "y") or a.c like~ "?z*" or not a.b in~ ("Q", 1, true, null) or a != "w" or a.b.c like "k"',
];

/** Objects of any shape, plus ECS-like ones that reach deep into the paths the queries read. */
const events = fc.oneof(
  fc
    .anything({ withNullPrototype: true, withObjectString: true, maxDepth: 4 })
    .filter((value): value is object => typeof value === 'object' && value !== null),
  fc.record(
    {
      event: fc.anything({ maxDepth: 2 }),
      host: fc.record({ os: fc.record({ type: fc.jsonValue() }) }),
      process: fc.dictionary(fc.constantFrom('name', 'parent', '__proto__', 'constructor'), fc.jsonValue()),
      a: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);

describe('compiled matcher', () => {
  it('never throws and always answers a boolean on arbitrary objects', () => {
    const matchers = QUERIES.map((query) => compileEql(query).matches);
    fc.assert(
      fc.property(events, (event) => {
        for (const matches of matchers) expect(typeof matches(event)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('answers != as the negation of == and not as the negation of its operand', () => {
    const equals = compileEql('any where a.b == "x"').matches;
    const notEquals = compileEql('any where a.b != "x"').matches;
    const negated = compileEql('any where not a.b == "x"').matches;
    const value = fc.oneof(fc.constant('x'), fc.constant('X'), fc.jsonValue());
    const shaped = fc.record({ a: fc.oneof(fc.record({ b: value }), fc.array(fc.record({ b: value })), value) }, { requiredKeys: [] });
    fc.assert(
      fc.property(shaped, (event) => {
        expect(notEquals(event)).toBe(!equals(event));
        expect(negated(event)).toBe(!equals(event));
      }),
      { numRuns: 1000 },
    );
  });
});

// The compiled matcher's fast paths against the reference interpreter, on random queries and events.
const FIELDS: readonly FieldRef[] = [
  'a',
  'process.name',
  'process.pid',
  'source.ip',
  'process.interactive',
  'process.command_line',
  'x.y',
].map((name) => ({ path: name.split('.'), name, at: { offset: 0, line: 1, column: 1 } }));
const literal: fc.Arbitrary<Expr> = fc
  .oneof(
    fc.constantFrom('a', 'A', 'ab', 'b*', '*B', '?', '', '10', '9', '10.0.0.1', '::ffff:10.0.0.1', 'true'),
    fc.constantFrom(0, 9, 10, -1, 1.5),
    fc.boolean(),
    fc.constant(null),
  )
  .map((value) => ({ kind: 'literal', value }));
const field: fc.Arbitrary<Expr> = fc.constantFrom(...FIELDS).map((ref) => ({ kind: 'field', field: ref }));
const leafValue = fc.oneof(
  fc.constantFrom('a', 'A', 'ab', 'Ab', 'bB', '10', '9', '10.0.0.1', 'true', 'false', '', 'x'.repeat(1025)),
  fc.constantFrom(0, 9, 10, 1.5),
  fc.boolean(),
  fc.constant(null),
);
const fieldEvent = fc.record(
  {
    a: fc.oneof(leafValue, fc.array(leafValue, { maxLength: 3 })),
    process: fc.record(
      { name: leafValue, pid: leafValue, interactive: leafValue, command_line: fc.oneof(leafValue, fc.array(leafValue, { maxLength: 2 })) },
      { requiredKeys: [] },
    ),
    source: fc.record({ ip: leafValue }, { requiredKeys: [] }),
    x: fc.oneof(fc.record({ y: leafValue }, { requiredKeys: [] }), fc.array(fc.record({ y: leafValue }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);
const { condition } = fc.letrec<{ condition: Expr; value: Expr }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    field,
    literal,
    fc.record({
      kind: fc.constant('call' as const),
      name: fc.constantFrom('length', 'string'),
      caseInsensitive: fc.constant(false),
      args: fc.tuple(field),
      at: fc.constant(FIELDS[0]!.at),
    }),
    fc.record({
      kind: fc.constant('call' as const),
      name: fc.constantFrom('startswith', 'endswith', 'stringcontains'),
      caseInsensitive: fc.boolean(),
      args: fc.tuple(field, literal),
      at: fc.constant(FIELDS[0]!.at),
    }),
  ),
  condition: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.record({
      kind: fc.constant('compare' as const),
      op: fc.constantFrom('==', '!=', '<', '<=', '>', '>=' as const),
      left: field,
      right: literal,
    }),
    fc.record({ kind: fc.constant('compare' as const), op: fc.constantFrom('==', '!=', '<', '>=' as const), left: literal, right: field }),
    fc.record({ kind: fc.constant('compare' as const), op: fc.constantFrom('==', '!=', '>' as const), left: tie('value'), right: literal }),
    fc.record({
      kind: fc.constant('in' as const),
      operand: field,
      list: fc.array(literal, { minLength: 1, maxLength: 4 }),
      caseInsensitive: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('pattern' as const),
      op: fc.constantFrom('like', 'seq' as const),
      operand: fc.oneof(field, tie('value')),
      patterns: fc.array(fc.constantFrom('a*', '*B', '?', 'ab', 'A?', '1*', 'x*', ''), { minLength: 1, maxLength: 3 }),
      caseInsensitive: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('pattern' as const),
      op: fc.constant('regex' as const),
      operand: fc.oneof(field, tie('value')),
      patterns: fc.array(fc.constantFrom('a.*', '[ab]+', '1.*', 'A?', '(a|b)B?', '\\d+', 'x*'), { minLength: 1, maxLength: 3 }),
      caseInsensitive: fc.boolean(),
    }),
    fc.record({ kind: fc.constantFrom('and', 'or' as const), left: tie('condition'), right: tie('condition') }),
    fc.record({ kind: fc.constant('not' as const), operand: tie('condition') }),
  ),
}));

describe('compiled matcher against the reference interpreter', () => {
  it('agrees on every random query and event', () => {
    fc.assert(
      fc.property(condition, fc.oneof(fieldEvent, fc.constant({})), (expr, event) => {
        const query = { category: undefined, condition: expr };
        expect(compileQuery(query).matches(event)).toBe(evaluateQuery(query, event));
      }),
      { numRuns: 5000 },
    );
  });
});
