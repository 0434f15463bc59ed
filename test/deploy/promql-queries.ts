// Collects the PromQL of the dashboard and the alert rules, fills Grafana's variables, and names the metrics
// each expression reads, so tests can run every query and check every metric against /metrics.

export interface NamedQuery {
  where: string;
  expr: string;
}

interface DashboardTarget {
  expr?: unknown;
  refId?: unknown;
}

interface DashboardPanel {
  title?: unknown;
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}

interface DashboardVariable {
  name?: unknown;
  type?: unknown;
  query?: unknown;
  definition?: unknown;
}

export interface Dashboard {
  panels?: DashboardPanel[];
  templating?: { list?: DashboardVariable[] };
}

function panelsOf(panels: readonly DashboardPanel[] = []): DashboardPanel[] {
  // collapsed rows keep their panels inside the row
  return panels.flatMap((panel) => [panel, ...panelsOf(panel.panels)]);
}

export function dashboardPanelQueries(dashboard: Dashboard): NamedQuery[] {
  return panelsOf(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => typeof target.expr === 'string')
      .map((target) => ({ where: `panel "${String(panel.title)}" ${String(target.refId)}`, expr: target.expr as string })),
  );
}

// `label_values(selector, label)` is Grafana's, not PromQL; `count by (label) (selector)` reads the same series.
const LABEL_VALUES = /^\s*label_values\(\s*(.+?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/s;

export function dashboardVariableQueries(dashboard: Dashboard): NamedQuery[] {
  return (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const raw =
        typeof variable.query === 'object' && variable.query !== null ? (variable.query as { query?: unknown }).query : variable.query;
      const text = String(raw ?? variable.definition ?? '');
      const match = LABEL_VALUES.exec(text);
      if (!match) throw new Error(`variable ${String(variable.name)}: unsupported query ${text}`);
      return { where: `variable ${String(variable.name)}`, expr: `count by (${match[2]}) (${match[1]})` };
    });
}

export interface RuleFile {
  groups?: { name?: unknown; rules?: { alert?: unknown; record?: unknown; expr?: unknown }[] }[];
}

export function ruleQueries(rules: RuleFile): NamedQuery[] {
  return (rules.groups ?? []).flatMap((group) =>
    (group.rules ?? []).map((rule) => ({
      where: `rule ${String(rule.alert ?? rule.record)}`,
      expr: String(rule.expr),
    })),
  );
}

// Values for Grafana's built-in and dashboard variables; `$__rate_interval` must cover several scrapes.
export function substituteGrafanaVariables(expr: string, values: Readonly<Record<string, string>>): string {
  const filled = expr.replace(/\$\{([A-Za-z0-9_]+)(?::[A-Za-z]+)?\}|\$([A-Za-z0-9_]+)/g, (whole, braced, bare) => {
    const name = (braced ?? bare) as string;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for Grafana variable ${whole} in: ${expr}`);
    return value;
  });
  return filled;
}

const NOT_METRICS = new Set([
  // aggregation operators (functions are recognised by the parenthesis that follows them)
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
  // binary operators, modifiers and literals
  'and',
  'or',
  'unless',
  'atan2',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

// Not a full PromQL parser: it removes what cannot be a metric name (strings, label matchers, ranges,
// grouping lists, offsets) and keeps the identifiers that are not followed by "(".
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?[0-9a-z]+/gi, ' ')
    .replace(/@\s*(?:start\(\)|end\(\)|[0-9.]+)/g, ' ');
  const names = new Set<string>();
  const token = /(0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)|([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/gi;
  for (const match of stripped.matchAll(token)) {
    const [, number, identifier, call] = match;
    if (number !== undefined || identifier === undefined || call !== undefined) continue;
    if (NOT_METRICS.has(identifier.toLowerCase())) continue;
    names.add(identifier);
  }
  return [...names].sort();
}

// Names /metrics declares in its `# TYPE` lines (prom-client prints them for every registered metric,
// even a labelled counter that was never incremented), with the series names histograms and summaries add.
export function exportedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) ([a-z]+)/.exec(line);
    if (!match) continue;
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
    // OpenMetrics declares a counter without the `_total` its samples carry
    if (type === 'counter' && !name.endsWith('_total')) names.add(`${name}_total`);
  }
  return names;
}
