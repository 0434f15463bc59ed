// The alerts data stream template: ECS types for every field an alert carries, lifecycle; unknown fields unindexed.

type Mapping = Record<string, unknown>;

const keyword: Mapping = { type: 'keyword', ignore_above: 1024 };
const date: Mapping = { type: 'date' };
const long: Mapping = { type: 'long' };

function object(properties: Record<string, Mapping>): Mapping {
  return { properties };
}

function processFields(commandLine: Mapping): Record<string, Mapping> {
  return {
    name: keyword,
    executable: keyword,
    command_line: commandLine,
    args: keyword,
    args_count: long,
    pid: long,
    entity_id: keyword,
    start: date,
    end: date,
    working_directory: keyword,
    hash: object({ md5: keyword, sha1: keyword, sha256: keyword }),
    user: object({ id: keyword, name: keyword }),
  };
}

/**
 * Command lines are `wildcard` in ECS so analysts can search inside them. That field type lives in
 * an x-pack module some Elasticsearch distributions lack (the local integ-test zip among them); there
 * the sink falls back to a keyword with a full-text sub-field.
 */
function commandLineMapping(wildcardSupported: boolean): Mapping {
  return wildcardSupported ? { type: 'wildcard' } : { type: 'keyword', ignore_above: 8191, fields: { text: { type: 'text' } } };
}

export function alertMappings(wildcardSupported: boolean): Mapping {
  const commandLine = commandLineMapping(wildcardSupported);
  return {
    dynamic: false,
    properties: {
      '@timestamp': date,
      message: { type: 'text' },
      tags: keyword,
      ecs: object({ version: keyword }),
      event: object({
        id: keyword,
        kind: keyword,
        category: keyword,
        type: keyword,
        action: keyword,
        outcome: keyword,
        dataset: keyword,
        module: keyword,
        reason: { type: 'text' },
        created: date,
        ingested: date,
        severity: long,
        risk_score: { type: 'float' },
      }),
      host: object({
        id: keyword,
        name: keyword,
        hostname: keyword,
        ip: { type: 'ip', ignore_malformed: true },
        os: object({ type: keyword, platform: keyword, name: keyword, family: keyword, version: keyword, kernel: keyword }),
      }),
      user: object({ id: keyword, name: keyword, domain: keyword, group: object({ id: keyword, name: keyword }) }),
      process: object({ ...processFields(commandLine), parent: object(processFields(commandLine)) }),
      observer: object({ version: keyword, vendor: keyword, product: keyword }),
      agent: object({ id: keyword, type: keyword, version: keyword }),
      rule: object({
        id: keyword,
        uuid: keyword,
        name: keyword,
        description: { type: 'text' },
        reference: keyword,
        version: keyword,
        author: keyword,
        license: keyword,
        category: keyword,
        ruleset: keyword,
        severity: keyword,
      }),
      threat: object({
        framework: keyword,
        tactic: object({ id: keyword, name: keyword, reference: keyword }),
        technique: object({
          id: keyword,
          name: keyword,
          reference: keyword,
          subtechnique: object({ id: keyword, name: keyword, reference: keyword }),
        }),
      }),
      data_stream: object({ type: keyword, dataset: keyword, namespace: keyword }),
      kibana: object({
        alert: object({
          instance: object({ id: keyword }),
          // Kibana's suppression fields, so suppressed alerts read the same as Kibana's own.
          suppression: object({
            terms: object({ field: keyword, value: keyword }),
            start: date,
            end: date,
            docs_count: long,
          }),
        }),
      }),
      edr: object({
        alert: object({ severity: keyword, timestamp_source: keyword, building_block_type: keyword }),
        // positions: highest Kafka offset counted per topic/partition; bookkeeping, not searched.
        suppression: { properties: { window_start: date, window_end: date, positions: { type: 'object', enabled: false } } },
        source: object({
          vendor: keyword,
          vendor_title: keyword,
          module: keyword,
          dataset: keyword,
          topic: keyword,
          partition: { type: 'integer' },
          offset: long,
          kafka_timestamp: date,
        }),
      }),
    },
  };
}

export interface DataStreamTemplateOptions {
  wildcardSupported: boolean;
  /** Data stream lifecycle retention (`90d`); undefined keeps alerts until deleted by hand. */
  retention: string | undefined;
}

/**
 * A composable template for exactly one data stream. Priority 200 beats the built-in `logs` template
 * (`logs-*-*`, priority 100) of a full distribution, whose mappings we do not want. `<name>@custom`
 * is composed in when it exists (Fleet's convention): where operators add an ILM policy or settings
 * without touching ours.
 */
export function alertDataStreamTemplate(dataStream: string, options: DataStreamTemplateOptions): Record<string, unknown> {
  return {
    index_patterns: [dataStream],
    data_stream: {},
    priority: 200,
    composed_of: [`${dataStream}@custom`],
    ignore_missing_component_templates: [`${dataStream}@custom`],
    template: {
      settings: { number_of_shards: 1, 'index.mapping.total_fields.limit': 2000 },
      mappings: alertMappings(options.wildcardSupported),
      lifecycle: options.retention === undefined ? { enabled: true } : { enabled: true, data_retention: options.retention },
    },
    _meta: { managed_by: 'edr-dbdump-detector', description: 'Alerts of the streaming database-dump detector' },
  };
}

/** `logs-<dataset>-<namespace>` split into the `data_stream.*` fields; other names give type and dataset only. */
export function dataStreamFields(dataStream: string): { type: string; dataset: string; namespace: string } {
  const [type = '', ...rest] = dataStream.split('-');
  if (rest.length >= 2) return { type, dataset: rest.slice(0, -1).join('-'), namespace: rest.at(-1) as string };
  return { type, dataset: rest.join('-'), namespace: 'default' };
}
