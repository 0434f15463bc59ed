// The ECS fields each feed can set on Linux process events: complete for what toEcs sets, and the known gaps between feeds.
import { describe, expect, it } from 'vitest';
import { crowdstrikeFdr } from '../../../src/vendors/crowdstrike-fdr.js';
import { fieldsNotSet, LINUX_PROCESS_ECS_FIELDS, linuxProcessEcsFields } from '../../../src/vendors/ecs-fields-set.js';
import { elasticDefend } from '../../../src/vendors/elastic-defend.js';
import { endgame } from '../../../src/vendors/endgame.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { sentinelOneCloudFunnel } from '../../../src/vendors/sentinelone-cloud-funnel.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { ecsLeafPaths, RULE_FIELDS } from './shared/schema-records.js';

describe('the ECS fields each feed sets on Linux process events', () => {
  it('has one set per feed, holding every field the bundled rule reads', () => {
    expect([...LINUX_PROCESS_ECS_FIELDS.keys()]).toEqual(VENDORS.map((vendor) => vendor.id));
    for (const vendor of VENDORS) expect(fieldsNotSet(RULE_FIELDS, vendor), vendor.id).toEqual([]);
  });

  it("holds every field the feed's Linux fixtures come out with", () => {
    for (const vendor of VENDORS) {
      const set = new Set(linuxProcessEcsFields(vendor));
      for (const fixture of loadFixtures(vendor.id).filter((f) => f.expected.host?.os?.type === 'linux')) {
        for (const path of ecsLeafPaths(fixture.expected)) expect(set.has(path), `${vendor.id} ${fixture.file}: ${path}`).toBe(true);
      }
    }
  });

  it("keeps Elastic Defend's Linux exec fields the other feeds lack", () => {
    const defendOnly = [
      'process.parent.executable',
      'process.parent.args',
      'process.working_directory',
      'process.entry_leader.entry_meta.type',
    ];
    expect(fieldsNotSet(defendOnly, elasticDefend)).toEqual([]);
    expect(
      fieldsNotSet(
        ['process.session_leader.executable', 'process.Ext.ancestry', 'process.tty.char_device.major', 'user.Ext.real.id'],
        elasticDefend,
      ),
    ).toEqual([]);
    expect(fieldsNotSet(defendOnly, crowdstrikeFdr)).toEqual([...defendOnly].sort());
    expect(fieldsNotSet(defendOnly, endgame)).toEqual([
      'process.entry_leader.entry_meta.type',
      'process.parent.args',
      'process.working_directory',
    ]);
    expect(fieldsNotSet(defendOnly, sentinelOneCloudFunnel)).toEqual(['process.entry_leader.entry_meta.type', 'process.working_directory']);
  });

  it('names the process fields CrowdStrike does set, parent name and ids included', () => {
    const fields = [
      'process.parent.name',
      'process.parent.entity_id',
      'process.pgid',
      'process.group_leader.entity_id',
      'process.args',
      'user.id',
    ];
    expect(fieldsNotSet(fields, crowdstrikeFdr)).toEqual([]);
  });
});
