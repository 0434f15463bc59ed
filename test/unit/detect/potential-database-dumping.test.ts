// The shipped rule against hand-built ECS events shaped like each feed's mapping.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledRule } from '../../../src/detect/compile-rule.js';
import { loadRules } from '../../../src/detect/load-rules.js';
import type { EcsEvent } from '../../../src/ecs/event.js';

const RULES_DIR = fileURLToPath(new URL('../../../rules/', import.meta.url));
let rule: CompiledRule;
beforeAll(async () => {
  const loaded = await loadRules(RULES_DIR);
  rule = loaded.rules[0]!;
});

/** An Elastic Defend Linux exec of `name`; an override replaces its whole section. */
function defendExec(
  name: string,
  overrides: { event?: EcsEvent['event']; host?: EcsEvent['host']; process?: EcsEvent['process'] } = {},
): EcsEvent {
  return {
    '@timestamp': '2026-03-20T10:00:00.5022851Z',
    event: overrides.event ?? { category: ['process'], type: ['start'], action: 'exec', kind: 'event' },
    host: overrides.host ?? { name: 'db-7', os: { type: 'linux' } },
    process: overrides.process ?? { name, executable: `/usr/bin/${name}`, parent: { name: 'bash' } },
    user: { name: 'postgres' },
  };
}

const TOOLS = ['pg_dump', 'pg_dumpall', 'mysqldump', 'mariadb-dump', 'mongodump'];

describe('Potential Database Dumping Activity', () => {
  it.each(TOOLS)('matches a Linux exec of %s', (tool) => {
    expect(rule.matches(defendExec(tool))).toBe(true);
  });

  it.each([
    ['Endgame exec_event', { event: { category: ['process'], type: ['start'], action: 'exec_event' } }],
    ['SentinelOne start (action is an array)', { event: { category: ['process'], type: ['start'], action: ['start'] } }],
    ['CrowdStrike ProcessRollup2', { event: { category: ['process'], type: ['start'], action: 'ProcessRollup2' } }],
    ['event.type ["start", "info"]', { event: { category: ['process'], type: ['start', 'info'], action: 'exec' } }],
  ])('matches the %s shape', (_label, overrides: { event: EcsEvent['event'] }) => {
    expect(rule.matches(defendExec('pg_dump', overrides))).toBe(true);
  });

  it.each([
    ['a fork (carries the parent image)', defendExec('pg_dump', { event: { category: ['process'], type: ['start'], action: 'fork' } })],
    ['an end event', defendExec('pg_dump', { event: { category: ['process'], type: ['end'], action: 'end' } })],
    [
      'SyntheticProcessRollup2',
      defendExec('pg_dump', { event: { category: ['process'], type: ['start'], action: 'SyntheticProcessRollup2' } }),
    ],
    ['already_running (type info)', defendExec('pg_dump', { event: { category: ['process'], type: ['info'], action: 'already_running' } })],
    ['upper-case process name', defendExec('PG_DUMP')],
    ['a similar name', defendExec('pg_dump.sh')],
    ['a windows host', defendExec('pg_dump', { host: { os: { type: 'windows' } } })],
    ['host.os.type "Linux" (S1 leaves it unset; never matches in any case)', defendExec('pg_dump', { host: { os: { type: 'Linux' } } })],
    ['missing host.os.type', defendExec('pg_dump', { host: { name: 'db-7', os: { platform: 'linux' } } })],
    ['missing host', { ...defendExec('pg_dump'), host: undefined }],
    ['missing event.category', defendExec('pg_dump', { event: { type: ['start'], action: 'exec' } })],
    ['a network category', defendExec('pg_dump', { event: { category: ['network'], type: ['start'], action: 'exec' } })],
    ['missing process.name', defendExec('pg_dump', { process: { executable: '/usr/bin/pg_dump' } })],
    ['the tool only as parent', defendExec('sh', { process: { name: 'sh', parent: { name: 'pg_dump' } } })],
    ['action with different case', defendExec('pg_dump', { event: { category: ['process'], type: ['start'], action: 'Exec' } })],
  ])('does not match %s', (_label, event) => {
    expect(rule.matches(event)).toBe(false);
  });

  it('reads exactly the fields in its query', () => {
    expect(rule.fieldsRead).toEqual(['event.action', 'event.category', 'event.type', 'host.os.type', 'process.name']);
  });
});
