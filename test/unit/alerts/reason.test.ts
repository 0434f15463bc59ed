import { describe, expect, it } from 'vitest';
import { buildReason } from '../../../src/alerts/reason.js';
import type { EcsEvent } from '../../../src/ecs/event.js';

const RULE = { name: 'Potential Database Dumping Activity', severity: 'low' };

describe('buildReason', () => {
  it('names category, process, parent, user and host', () => {
    const event: EcsEvent = {
      event: { category: ['process'] },
      process: { name: 'pg_dump', parent: { name: 'bash' } },
      user: { name: 'postgres' },
      host: { name: 'db-7', hostname: 'ignored', id: 'ignored' },
    };
    expect(buildReason(event, RULE)).toBe(
      'process event with process pg_dump, parent process bash, by postgres on db-7 created low alert Potential Database Dumping Activity.',
    );
  });

  it('leaves out what the event lacks', () => {
    expect(buildReason({ event: { category: ['process'] }, process: { name: 'mysqldump' } }, RULE)).toBe(
      'process event with process mysqldump, created low alert Potential Database Dumping Activity.',
    );
    expect(buildReason({ host: { name: 'db-7' } }, RULE)).toBe('event on db-7 created low alert Potential Database Dumping Activity.');
    expect(buildReason({}, RULE)).toBe('event created low alert Potential Database Dumping Activity.');
  });

  it('falls back to process.user.name, then host.hostname, then host.id', () => {
    const s1Like: EcsEvent = {
      event: { category: ['process'] },
      process: { name: 'pg_dump', user: { name: 'root' }, parent: { name: 'sh' } },
      host: { hostname: 'db-8', id: 'agent-uuid' },
    };
    expect(buildReason(s1Like, RULE)).toBe(
      'process event with process pg_dump, parent process sh, by root on db-8 created low alert Potential Database Dumping Activity.',
    );
    expect(buildReason({ host: { id: 'aid-1' } }, RULE)).toContain('on aid-1 created');
  });

  it('ignores empty strings and joins array values', () => {
    const event = { event: { category: ['process', 'network'] }, user: { name: '' }, host: { name: '', hostname: 'h' } } as EcsEvent;
    expect(buildReason(event, { name: 'R', severity: 'high' })).toBe('process, network event on h created high alert R.');
  });
});
