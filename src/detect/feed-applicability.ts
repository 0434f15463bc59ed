// Which feeds a rule runs on: as in Elastic, the rule's index patterns must match where the feed's events live.
import type { CompiledRule } from './compile-rule.js';

/**
 * Where Elastic's integration writes each feed's process events: the data stream
 * `logs-<dataset>-<namespace>` (namespace `default`) of the Defend, CrowdStrike FDR and SentinelOne
 * Cloud Funnel integrations, and the `endgame-*` indices Endgame's sensors fill. Keyed by vendor id;
 * a vendor not listed here falls back to its dataset's data stream.
 */
const ELASTIC_INDEX: Readonly<Record<string, string>> = {
  'elastic-defend': 'logs-endpoint.events.process-default',
  'crowdstrike-fdr': 'logs-crowdstrike.fdr-default',
  'sentinelone-cloud-funnel': 'logs-sentinel_one_cloud_funnel.event-default',
  endgame: 'endgame-events',
};

export function elasticIndexOf(feed: { readonly id: string; readonly dataset: string }): string {
  return ELASTIC_INDEX[feed.id] ?? `logs-${feed.dataset}-default`;
}

/**
 * Kibana's default index patterns (the `securitySolution:defaultIndex` advanced setting), which a
 * rule without `index` (and without a data view) searches.
 */
const KIBANA_DEFAULT_INDEX: readonly string[] = [
  'apm-*-transaction*',
  'auditbeat-*',
  'endgame-*',
  'filebeat-*',
  'logs-*',
  'packetbeat-*',
  'traces-apm*',
  'winlogbeat-*',
  '-*elastic-cloud-logs-*',
];

/**
 * Kibana's reading of a rule's `index`: each entry may itself be a comma-separated list; `*` matches
 * any run of characters; an entry starting with `-` excludes what it matches; `cluster:pattern`
 * names a remote cluster, which a local feed never is.
 */
export function indexPatternsMatch(patterns: readonly string[], index: string): boolean {
  let included = false;
  for (const entry of (patterns.length === 0 ? KIBANA_DEFAULT_INDEX : patterns).flatMap((value) => value.split(','))) {
    const pattern = entry.trim();
    if (pattern === '' || pattern.includes(':')) continue;
    if (pattern.startsWith('-')) {
      if (globMatches(pattern.slice(1), index)) return false;
    } else if (!included && globMatches(pattern, index)) {
      included = true;
    }
  }
  return included;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/** The ids of the feeds (among those given) a rule with these index patterns runs on. */
export function feedsOf(patterns: readonly string[], feeds: readonly { readonly id: string; readonly dataset: string }[]): string[] {
  return feeds.filter((feed) => indexPatternsMatch(patterns, elasticIndexOf(feed))).map((feed) => feed.id);
}

/** The rules that run on one feed, in load order. */
export function rulesForFeed<Rule extends CompiledRule>(
  rules: readonly Rule[],
  feed: { readonly id: string; readonly dataset: string },
): Rule[] {
  const index = elasticIndexOf(feed);
  return rules.filter(({ rule }) => indexPatternsMatch(rule.index, index));
}
