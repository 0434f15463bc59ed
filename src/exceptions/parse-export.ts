// Reads one file of Kibana's exception-list export (ndjson: list objects, their items, a summary line).
import { NAMESPACE_TYPES, OS_TYPES, type ExceptionItem, type ExceptionProblem, type NamespaceType, type OsType } from './exception-list.js';
import { isObject, parseEntries, type EntryProblem } from './parse-entries.js';

interface ParsedListHeader {
  readonly listId: string;
  readonly name: string;
  readonly namespaceType: NamespaceType;
  readonly type: string;
  readonly source: string;
}

export interface ParsedExportFile {
  readonly lists: ParsedListHeader[];
  readonly items: ExceptionItem[];
  readonly problems: ExceptionProblem[];
}

/** Keys only the export summary line has (exception-list export, or a rules export that carried lists). */
const SUMMARY_KEYS = ['exported_exception_list_count', 'exported_exception_list_item_count', 'exported_rules_count'];

export function parseExportFile(file: string, text: string): ParsedExportFile {
  const result: ParsedExportFile = { lists: [], items: [], problems: [] };
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const lineNumber = index + 1;
    const problem = (message: string, code: ExceptionProblem['code'] = 'EXCEPTION_INVALID'): void => {
      result.problems.push({ code, file, line: lineNumber, message });
    };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problem(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!isObject(value)) return problem('expected a JSON object');
    if (SUMMARY_KEYS.some((key) => key in value)) return;
    if ('rule_id' in value) return problem('a rule object: rules are read from RULES_DIR, not from exception files');
    if ('item_id' in value || 'entries' in value) {
      const item = parseItem(value, `${file}:${lineNumber}`, problem);
      if (item !== undefined) result.items.push(item);
      return;
    }
    if ('list_id' in value) {
      const header = parseListHeader(value, `${file}:${lineNumber}`, problem);
      if (header !== undefined) result.lists.push(header);
      return;
    }
    problem('neither an exception list, an exception item nor an export summary');
  });
  return result;
}

type Report = (message: string, code?: ExceptionProblem['code']) => void;

function parseListHeader(raw: Record<string, unknown>, source: string, problem: Report): ParsedListHeader | undefined {
  const listId = nonEmpty(raw['list_id']);
  const name = typeof raw['name'] === 'string' ? raw['name'] : '';
  const namespaceType = namespace(raw['namespace_type']);
  const type = nonEmpty(raw['type']);
  const errors: string[] = [];
  if (listId === undefined) errors.push('list_id: expected a non-empty string');
  if (namespaceType === undefined)
    errors.push(`namespace_type: expected "single" or "agnostic", got ${JSON.stringify(raw['namespace_type'])}`);
  if (type === undefined) errors.push('type: expected a non-empty string');
  errors.forEach((message) => problem(`exception list: ${message}`));
  if (errors.length > 0) return undefined;
  return { listId: listId!, name, namespaceType: namespaceType!, type: type!, source };
}

function parseItem(raw: Record<string, unknown>, source: string, problem: Report): ExceptionItem | undefined {
  const itemId = nonEmpty(raw['item_id']);
  const listId = nonEmpty(raw['list_id']);
  const name = typeof raw['name'] === 'string' ? raw['name'] : '';
  const label = `exception item ${itemId === undefined ? '' : `"${itemId}" `}`;
  const errors: string[] = [];
  if (itemId === undefined) errors.push('item_id: expected a non-empty string');
  if (listId === undefined) errors.push('list_id: expected a non-empty string');
  const namespaceType = namespace(raw['namespace_type']);
  if (namespaceType === undefined)
    errors.push(`namespace_type: expected "single" or "agnostic", got ${JSON.stringify(raw['namespace_type'])}`);
  if (raw['type'] !== undefined && raw['type'] !== 'simple') errors.push(`type: expected "simple", got ${JSON.stringify(raw['type'])}`);
  const osTypes = raw['os_types'] ?? [];
  if (!Array.isArray(osTypes) || !osTypes.every((os) => OS_TYPES.includes(os as OsType))) {
    errors.push(`os_types: expected an array of ${OS_TYPES.join(', ')}, got ${JSON.stringify(raw['os_types'])}`);
  }
  let expiresAtMs: number | undefined;
  const expire = raw['expire_time'];
  if (expire !== undefined && expire !== null) {
    expiresAtMs = typeof expire === 'string' && /^\d{4}-\d\d-\d\dT/.test(expire) ? Date.parse(expire) : Number.NaN;
    if (Number.isNaN(expiresAtMs)) errors.push(`expire_time: expected an ISO 8601 date-time, got ${JSON.stringify(expire)}`);
  }
  const entryProblems: EntryProblem[] = [];
  const entries = parseEntries(raw['entries'], entryProblems);
  errors.forEach((message) => problem(`${label}${message}`));
  entryProblems.forEach((entry) => problem(`${label}${entry.message}`, entry.unsupported ? 'EXCEPTION_UNSUPPORTED' : 'EXCEPTION_INVALID'));
  if (errors.length > 0 || entryProblems.length > 0) return undefined;
  return {
    itemId: itemId!,
    listId: listId!,
    name,
    namespaceType: namespaceType!,
    osTypes: osTypes as OsType[],
    expiresAtMs,
    entries,
    source,
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function namespace(value: unknown): NamespaceType | undefined {
  return NAMESPACE_TYPES.includes(value as NamespaceType) ? (value as NamespaceType) : undefined;
}
