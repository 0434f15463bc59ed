import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEql } from '../../../src/detect/compile.js';

const QUERIES = [
  `process where host.os.type == "linux" and event.type == "start" and
   event.action in ("exec", "exec_event", "start", "ProcessRollup2") and
   process.name in ("pg_dump", "pg_dumpall", "mysqldump", "mariadb-dump", "mongodump")`,
  'any where a.b : ("x*", "y") or a.c like~ "?z*" or not a.b in~ ("Q", 1, true, null) or a != "w" or a.b.c like "k"',
];

/** Objects of any shape, plus ECS-like ones that reach deep into the paths the queries read. */
const events = fc.oneof(
  fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 4 }).filter(
    (value): value is object => typeof value === 'object' && value !== null,
  ),
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
