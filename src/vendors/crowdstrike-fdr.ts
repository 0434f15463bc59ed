// CrowdStrike Falcon Data Replicator feed: flat all-string FDR events, mapped to ECS as Elastic's `fdr` pipeline does.
import { ABORT_GUARD, FIELD_VALUES } from './crowdstrike-fdr/ecs-fields.js';
import { ABORTING_FIELDS } from './crowdstrike-fdr/pipeline-aborts.js';
import { crowdstrikeFdrToEcs, DATASET, MODULE } from './crowdstrike-fdr/to-ecs.js';
import { stringAt } from './shared/ecs-draft.js';
import { subsetMapper } from './shared/field-subset.js';
import type { AvroRecord, VendorFeed } from './types.js';

const SCHEMA_FILE = 'crowdstrike-fdr.avsc';

/** Elastic's event.id (`id|aid|cid`), but only when the event has its own id. */
function eventIdentity(record: AvroRecord): string | undefined {
  const id = stringAt(record, 'id');
  if (id === undefined || id === '') return undefined;
  return `${id}|${stringAt(record, 'aid') ?? ''}|${stringAt(record, 'cid') ?? ''}`;
}

/*
 * Which FDR fields each ECS field is computed from. Every field set after the ContextTimeStamp
 * conversion depends on it (its failure aborts the pipeline before them). A field that can come
 * out as "-" or "none", or that is set after a processor that may abort Elastic's pipeline, also
 * depends on all the fields that can cause an abort: an aborted document skips the cleanup and
 * the rest of the mapping.
 */
function early(...fields: string[]): readonly string[] {
  return Object.freeze([...fields, 'ContextTimeStamp']);
}
function withAbort(...fields: string[]): readonly string[] {
  return Object.freeze([...fields, ...ABORTING_FIELDS]);
}

const lineage: Readonly<Record<string, readonly string[]>> = Object.freeze({
  '@timestamp': ['UTCTimestamp', 'timestamp'],
  'event.created': ['UTCTimestamp', 'timestamp'],
  'event.category': early('event_simpleName'),
  'event.type': early('event_simpleName'),
  'event.outcome': early('event_simpleName'),
  'event.kind': withAbort('event_simpleName'),
  'event.action': withAbort('event_simpleName'),
  'event.id': early('id', 'aid', 'cid'),
  'event.dataset': [],
  'event.module': [],
  'observer.serial_number': withAbort('aid'),
  'observer.ip': early('aip'),
  'observer.address': early('aip'),
  'observer.version': withAbort('ConfigBuild'),
  'host.id': withAbort('aid'),
  'host.hostname': withAbort('ComputerName'),
  'host.name': withAbort('ComputerName'),
  'host.os.type': early('event_platform'),
  'process.command_line': withAbort('CommandLine'),
  'process.args': withAbort('CommandLine', 'event_platform'),
  'process.args_count': early('CommandLine', 'event_platform'),
  'process.executable': withAbort('ImageFileName', 'event_simpleName'),
  'process.name': withAbort('ImageFileName', 'event_simpleName', 'CommandLine', 'event_platform'),
  'process.uptime': withAbort(),
  'process.start': withAbort(),
  'process.end': withAbort(),
  'process.pid': withAbort('RawProcessId'),
  'process.entity_id': withAbort('TargetProcessId', 'ContextProcessId'),
  'process.parent.entity_id': withAbort('ParentProcessId'),
  'process.parent.name': withAbort('ParentBaseFileName'),
  'process.pgid': withAbort(),
  'process.group_leader.entity_id': withAbort('event_simpleName', 'event_platform'),
  'process.thread.id': withAbort(),
  'process.exit_code': withAbort(),
  'process.title': withAbort('ServiceDisplayName'),
  'process.hash.md5': withAbort('MD5HashData', 'event_simpleName'),
  'process.hash.sha1': withAbort('SHA1HashData', 'event_simpleName'),
  'process.hash.sha256': withAbort('SHA256HashData', 'event_simpleName'),
  'process.real_user.id': withAbort('RUID'),
  'user.Ext.real.id': withAbort('RUID'),
  'process.real_group.id': withAbort('RGID', 'event_platform'),
  'group.Ext.real.id': withAbort('RGID', 'event_platform'),
  'process.group.id': withAbort('GID', 'event_platform'),
  'group.id': withAbort('GID', 'event_platform'),
  'user.id': withAbort(),
  'user.group.id': withAbort('GID'),
  'user.name': withAbort('UserName'),
  'device.id': withAbort('aid'),
});

export const crowdstrikeFdr: VendorFeed = {
  id: 'crowdstrike-fdr',
  title: 'CrowdStrike Falcon Data Replicator',
  topicVariable: 'TOPIC_CROWDSTRIKE_FDR',
  defaultTopic: 'edr.crowdstrike-fdr',
  schemaFile: SCHEMA_FILE,
  bundledSchemaId: 1002,
  dataset: DATASET,
  module: MODULE,
  toEcs: crowdstrikeFdrToEcs,
  toEcsFields: (fields) => subsetMapper(fields, FIELD_VALUES, { lineage, guard: ABORT_GUARD }),
  eventIdentity,
  lineage,
};
