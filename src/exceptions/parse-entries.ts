// Validates the `entries` of one exception item, reporting every problem with its path in the item.
import { OPERATORS, type ExceptionEntry, type NestedEntry, type Operator } from './exception-list.js';

export interface EntryProblem {
  readonly unsupported: boolean;
  readonly message: string;
}

type Json = Record<string, unknown>;

export function parseEntries(raw: unknown, problems: EntryProblem[]): ExceptionEntry[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push({ unsupported: false, message: 'entries: expected a non-empty array' });
    return [];
  }
  const entries: ExceptionEntry[] = [];
  raw.forEach((entry, index) => {
    const parsed = parseEntry(entry, `entries[${index}]`, false, problems);
    if (parsed !== undefined) entries.push(parsed);
  });
  return entries;
}

function parseEntry(raw: unknown, at: string, inNested: boolean, problems: EntryProblem[]): ExceptionEntry | undefined {
  const invalid = (message: string): undefined => {
    problems.push({ unsupported: false, message: `${at}: ${message}` });
    return undefined;
  };
  if (!isObject(raw)) return invalid('expected an object');
  const field = raw['field'];
  if (typeof field !== 'string' || field.trim() === '') return invalid('field: expected a non-empty string');
  const type = raw['type'];
  if (type === 'nested') {
    if (inNested) return invalid('a nested entry cannot contain another nested entry');
    return parseNested(raw, field, at, problems);
  }
  if (type === 'list') {
    problems.push({
      unsupported: true,
      message: `${at} (${field}): entry type "list" needs Kibana's server-side value lists, which this detector cannot read; the item is not applied`,
    });
    return undefined;
  }
  if (inNested && type === 'wildcard') return invalid('Kibana allows only match, match_any and exists inside nested');
  const operator = raw['operator'];
  if (!OPERATORS.includes(operator as Operator))
    return invalid(`operator: expected "included" or "excluded", got ${JSON.stringify(operator)}`);
  const op = operator as Operator;
  const value = raw['value'];
  switch (type) {
    case 'match':
    case 'wildcard':
      if (typeof value !== 'string' || value === '') return invalid(`value: a ${type} entry needs a non-empty string`);
      return { type, field, operator: op, value };
    case 'match_any':
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
        return invalid('value: a match_any entry needs a non-empty array of non-empty strings');
      }
      return { type, field, operator: op, value: value as string[] };
    case 'exists':
      return { type, field, operator: op };
    default:
      return invalid(`type: expected match, match_any, wildcard, exists, nested or list, got ${JSON.stringify(type)}`);
  }
}

function parseNested(raw: Json, field: string, at: string, problems: EntryProblem[]): ExceptionEntry | undefined {
  const inner = raw['entries'];
  if (!Array.isArray(inner) || inner.length === 0) {
    problems.push({ unsupported: false, message: `${at}.entries: a nested entry needs a non-empty array` });
    return undefined;
  }
  const before = problems.length;
  const entries = inner.map((entry, index) => parseEntry(entry, `${at}.entries[${index}]`, true, problems));
  if (problems.length > before) return undefined;
  return { type: 'nested', field, entries: entries as NestedEntry[] };
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
