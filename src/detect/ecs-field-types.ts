// The Elasticsearch type of the fields rules read, which decides how EQL compares their values.

export type FieldType = 'keyword' | 'wildcard' | 'text' | 'long' | 'double' | 'ip' | 'date' | 'boolean';

/** ECS keyword fields index values up to this many characters; longer ones are kept in _source but match nothing. */
export const KEYWORD_IGNORE_ABOVE = 1024;

const LONG = [
  'process.pid',
  'process.parent.pid',
  'process.pgid',
  'process.parent.pgid',
  'process.args_count',
  'process.parent.args_count',
  'process.exit_code',
  'process.parent.exit_code',
  'process.thread.id',
  'process.parent.thread.id',
  'process.uptime',
  'process.group_leader.pid',
  'process.session_leader.pid',
  'process.entry_leader.pid',
  'process.parent.group_leader.pid',
  'process.parent.session_leader.pid',
  'process.entry_leader.parent.pid',
  'process.session_leader.parent.pid',
  'process.tty.char_device.major',
  'process.tty.char_device.minor',
  'process.Ext.real.pid',
  'process.parent.Ext.real.pid',
  'source.port',
  'destination.port',
  'client.port',
  'server.port',
  'source.bytes',
  'destination.bytes',
  'source.packets',
  'destination.packets',
  'network.bytes',
  'network.packets',
  'file.size',
  'event.severity',
  'event.sequence',
  'event.duration',
  'http.response.status_code',
  'http.request.bytes',
  'http.response.bytes',
  'http.request.body.bytes',
  'http.response.body.bytes',
  'dns.answers.ttl',
  'process.io.total_bytes_captured',
  'process.io.total_bytes_skipped',
  'file.Ext.windows.zone_identifier',
];
const DOUBLE = [
  'event.risk_score',
  'event.risk_score_norm',
  'file.Ext.entropy',
  'process.Ext.relative_file_creation_time',
  'process.Ext.relative_file_name_modify_time',
  'dll.Ext.relative_file_creation_time',
  'dll.Ext.relative_file_name_modify_time',
  'kibana.alert.risk_score',
];
const IP = [
  'source.ip',
  'destination.ip',
  'client.ip',
  'server.ip',
  'host.ip',
  'source.nat.ip',
  'destination.nat.ip',
  'observer.ip',
  'related.ip',
];
const DATE = [
  '@timestamp',
  'event.created',
  'event.ingested',
  'event.start',
  'event.end',
  'process.start',
  'process.end',
  'process.parent.start',
  'file.created',
  'file.mtime',
  'file.ctime',
  'file.accessed',
];
const BOOLEAN = [
  'process.interactive',
  'process.parent.interactive',
  'process.code_signature.exists',
  'process.code_signature.trusted',
  'process.parent.code_signature.exists',
  'process.parent.code_signature.trusted',
  'dll.code_signature.exists',
  'dll.code_signature.trusted',
  'file.code_signature.exists',
  'file.code_signature.trusted',
  'process.same_as_process',
  'process.entry_leader.same_as_process',
  'process.session_leader.same_as_process',
  'process.group_leader.same_as_process',
];
/** ECS's wildcard fields: no ignore_above (long command lines still match). */
const WILDCARD = [
  'process.command_line',
  'process.parent.command_line',
  'process.entry_leader.command_line',
  'process.session_leader.command_line',
  'process.group_leader.command_line',
  'process.parent.group_leader.command_line',
  'registry.data.strings',
  'url.full',
  'url.original',
  'error.stack_trace',
  'http.request.body.content',
  'http.response.body.content',
  'email.subject',
];
const TEXT = ['message', 'powershell.file.script_block_text', 'error.message'];

const TYPES = new Map<string, FieldType>([
  ...LONG.map((name) => [name, 'long'] as const),
  ...DOUBLE.map((name) => [name, 'double'] as const),
  ...IP.map((name) => [name, 'ip'] as const),
  ...DATE.map((name) => [name, 'date'] as const),
  ...BOOLEAN.map((name) => [name, 'boolean'] as const),
  ...WILDCARD.map((name) => [name, 'wildcard'] as const),
  ...TEXT.map((name) => [name, 'text'] as const),
]);

/**
 * The type of a field as Elastic's integrations map it; any other field is a keyword, which is what
 * ECS makes of nearly every string and what dynamic mapping in `logs-*` gives an unmapped string.
 */
export function fieldType(name: string): FieldType {
  return TYPES.get(name) ?? 'keyword';
}
