// SentinelOne Cloud Funnel 2.0 feed: flat dotted-key events as nested records, mapped to ECS as Elastic's pipelines do.
import { stringAt } from './shared/ecs-draft.js';
import { readingLineage, subsetMapper } from './shared/field-subset.js';
import { FIELD_VALUES } from './sentinelone-cloud-funnel/ecs-fields.js';
import { DATASET, MODULE, sentinelOneCloudFunnelToEcs } from './sentinelone-cloud-funnel/to-ecs.js';
import type { AvroRecord, VendorFeed } from './types.js';

const SCHEMA_FILE = 'sentinelone-cloud-funnel.avsc';

function eventIdentity(record: AvroRecord): string | undefined {
  const id = stringAt(record, 'event.id');
  return id === undefined || id === '' ? undefined : id;
}

/*
 * Which Cloud Funnel fields each ECS field is computed from. event.category picks the sub-pipeline:
 * for process events `process.*` is the target (tgt) and `process.parent.*` the creator (src);
 * for other events `process.*` is the creator and `process.parent.*` the creator's parent.
 */
const CATEGORY = 'event.category';
const COMMAND_LINES = ['src.process.parent.cmdline', 'tgt.process.cmdline'];

function processField(srcField: string, tgtField: string): readonly string[] {
  return Object.freeze([CATEGORY, `src.process.${srcField}`, `tgt.process.${tgtField}`]);
}
function parentField(srcField: string, grandparentField: string): readonly string[] {
  return Object.freeze([CATEGORY, `src.process.${srcField}`, grandparentField]);
}

const processCommandLine = Object.freeze([CATEGORY, 'src.process.cmdline', ...COMMAND_LINES]);
const parentCommandLine = Object.freeze([CATEGORY, 'src.process.cmdline', 'src.process.parent.cmdline']);

const lineage: Readonly<Record<string, readonly string[]>> = Object.freeze({
  '@timestamp': ['event.time'],
  'event.kind': COMMAND_LINES,
  'event.id': ['event.id'],
  'event.category': [CATEGORY],
  'event.type': [CATEGORY, 'meta.event.name', 'event.type'],
  'event.action': [CATEGORY, 'meta.event.name', 'event.type'],
  'event.dataset': [],
  'event.module': [],
  'group.id': ['group.id'],
  'host.id': ['agent.uuid'],
  'host.hostname': ['endpoint.name'],
  'host.type': ['endpoint.type'],
  'host.os.name': ['os.name'],
  'host.os.platform': ['endpoint.os'],
  'host.os.type': ['endpoint.os'],
  'user.name': ['src.process.user'],
  'user.domain': ['src.process.user'],
  'process.name': processField('name', 'name'),
  'process.title': processField('displayName', 'displayName'),
  'process.executable': processField('image.path', 'image.path'),
  'process.command_line': processCommandLine,
  'process.args': processCommandLine,
  'process.args_count': processCommandLine,
  'process.pid': processField('pid', 'pid'),
  'process.entity_id': processField('uid', 'uid'),
  'process.start': processField('startTime', 'startTime'),
  'process.hash.md5': processField('image.md5', 'image.md5'),
  'process.hash.sha1': processField('image.sha1', 'image.sha1'),
  'process.hash.sha256': processField('image.sha256', 'image.sha256'),
  'process.real_user.id': processField('rUserUid', 'rUserUid'),
  'process.real_user.name': processField('rUserName', 'rUserName'),
  'process.user.id': processField('eUserUid', 'eUserUid'),
  'process.user.name': Object.freeze([CATEGORY, 'src.process.user', 'src.process.eUserName', 'tgt.process.user']),
  'process.parent.name': parentField('name', 'src.process.parent.name'),
  'process.parent.title': parentField('displayName', 'src.process.parent.displayName'),
  'process.parent.executable': parentField('image.path', 'src.process.parent.image.path'),
  'process.parent.command_line': parentCommandLine,
  'process.parent.args': parentCommandLine,
  'process.parent.args_count': parentCommandLine,
  'process.parent.pid': parentField('pid', 'src.process.parent.pid'),
  'process.parent.entity_id': parentField('uid', 'src.process.parent.uid'),
  'process.parent.start': parentField('startTime', 'src.process.parent.startTime'),
  'process.parent.hash.md5': parentField('image.md5', 'osSrc.process.parent.image.md5'),
  'process.parent.hash.sha1': parentField('image.sha1', 'src.process.parent.image.sha1'),
  'process.parent.hash.sha256': parentField('image.sha256', 'src.process.parent.image.sha256'),
  // The target's signature, which Elastic's process pipeline files under process.parent.
  'process.parent.code_signature.subject_name': Object.freeze([CATEGORY, 'tgt.process.publisher']),
  'process.parent.code_signature.exists': Object.freeze([CATEGORY, 'tgt.process.signedStatus']),
  'process.parent.code_signature.trusted': Object.freeze([CATEGORY, 'tgt.process.signedStatus', 'tgt.process.verifiedStatus']),
  'process.parent.real_user.id': parentField('rUserUid', 'src.process.parent.rUserUid'),
  'process.parent.real_user.name': parentField('rUserName', 'src.process.parent.rUserName'),
  'process.parent.user.id': parentField('eUserUid', 'src.process.parent.eUserUid'),
  'process.parent.user.name': Object.freeze([
    CATEGORY,
    'src.process.user',
    'src.process.eUserName',
    'src.process.parent.eUserName',
    'src.process.parent.user',
  ]),
});

export const sentinelOneCloudFunnel: VendorFeed = {
  id: 'sentinelone-cloud-funnel',
  title: 'SentinelOne Cloud Funnel',
  topicVariable: 'TOPIC_SENTINELONE_CLOUD_FUNNEL',
  defaultTopic: 'edr.sentinelone-cloud-funnel',
  schemaFile: SCHEMA_FILE,
  bundledSchemaId: 1003,
  dataset: DATASET,
  module: MODULE,
  toEcs: sentinelOneCloudFunnelToEcs,
  toEcsFields: (fields) => subsetMapper(fields, readingLineage(lineage, FIELD_VALUES), { lineage }),
  eventIdentity,
  lineage,
};
