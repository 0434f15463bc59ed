// Maps one Cloud Funnel event to ECS the way Elastic's sentinel_one_cloud_funnel `event` pipelines do.
import type { EcsEvent } from '../../ecs/event.js';
import { splitWindowsCommandLine } from '../shared/command-line.js';
import { integerAt, isNullOrEmpty, pruned, put, stringAt, take, valueAt, type Draft } from '../shared/ecs-draft.js';
import { isoFromIsoOrEpochMillis } from '../shared/ingest-date.js';
import type { AvroRecord } from '../types.js';

export const DATASET = 'sentinel_one_cloud_funnel.event';
export const MODULE = 'sentinel_one_cloud_funnel';

export const OS_TYPES: ReadonlySet<string> = new Set(['linux', 'windows', 'macos', 'ios', 'android']);
const END_TYPES: ReadonlySet<string> = new Set(['ProcessExit', 'ProcessTermination', 'Process Exit', 'Process Termination']);

interface Reader {
  text(path: string): string | undefined;
  long(path: string): number | undefined;
}

/*
 * Before parsing, Elastic's pipeline rewrites every `\\\\` of the raw JSON text into `\\`, undoing
 * double escaping: in the parsed values every pair of backslashes becomes one (`\\srv\share` reads
 * `\srv\share`), a single backslash stays. `\/` needs nothing: it is JSON's own escape for `/`.
 */
export function collapseBackslashPairs(text: string): string {
  return text.includes('\\\\') ? text.replace(/\\\\/g, '\\') : text;
}

function reader(record: AvroRecord): Reader {
  return {
    text: (path) => {
      const value = stringAt(record, path);
      return value === undefined ? undefined : collapseBackslashPairs(value);
    },
    long: (path) => integerAt(record, path),
  };
}

/** `set` with ignore_empty_value. */
function setFilled(doc: Draft, path: string, value: string | number | undefined): void {
  if (value !== undefined && value !== '') put(doc, path, value);
}

function date(value: number | undefined): string | undefined {
  return value === undefined ? undefined : isoFromIsoOrEpochMillis(value);
}

/** Uids arrive as numbers and are converted to strings. */
function idText(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** The default pipeline: every event, `process.*` from the creator (src) and `process.parent.*` from its parent. */
function mapCommon(r: Reader, doc: Draft, parentCommandLine: string | undefined): void {
  put(doc, 'event.kind', 'event');
  put(doc, '@timestamp', date(r.long('event.time')));
  setFilled(doc, 'event.id', r.text('event.id'));
  setFilled(doc, 'group.id', r.text('group.id'));
  setFilled(doc, 'host.hostname', r.text('endpoint.name'));
  setFilled(doc, 'host.os.name', r.text('os.name'));
  const os = r.text('endpoint.os');
  setFilled(doc, 'host.os.platform', os);
  if (os !== undefined && OS_TYPES.has(os)) put(doc, 'host.os.type', os);
  setFilled(doc, 'host.type', r.text('endpoint.type'));

  setFilled(doc, 'process.command_line', r.text('src.process.cmdline'));
  setFilled(doc, 'process.executable', r.text('src.process.image.path'));
  for (const hash of ['md5', 'sha1', 'sha256']) setFilled(doc, `process.hash.${hash}`, r.text(`src.process.image.${hash}`));
  setFilled(doc, 'process.name', r.text('src.process.name'));

  setFilled(doc, 'process.parent.command_line', parentCommandLine);
  setFilled(doc, 'process.parent.hash.md5', r.text('osSrc.process.parent.image.md5'));
  setFilled(doc, 'process.parent.hash.sha1', r.text('src.process.parent.image.sha1'));
  setFilled(doc, 'process.parent.hash.sha256', r.text('src.process.parent.image.sha256'));
  setFilled(doc, 'process.parent.name', r.text('src.process.parent.name'));
  put(doc, 'process.parent.pid', r.long('src.process.parent.pid'));
  setFilled(doc, 'process.parent.real_user.id', idText(r.long('src.process.parent.rUserUid')));
  setFilled(doc, 'process.parent.real_user.name', r.text('src.process.parent.rUserName'));
  put(doc, 'process.parent.start', date(r.long('src.process.parent.startTime')));
  setFilled(doc, 'process.parent.title', r.text('src.process.parent.displayName'));
  setFilled(doc, 'process.parent.user.id', idText(r.long('src.process.parent.eUserUid')));
  setFilled(doc, 'process.parent.user.name', r.text('src.process.parent.eUserName'));
  setFilled(doc, 'process.parent.user.name', r.text('src.process.parent.user'));

  put(doc, 'process.pid', r.long('src.process.pid'));
  setFilled(doc, 'process.real_user.id', idText(r.long('src.process.rUserUid')));
  setFilled(doc, 'process.real_user.name', r.text('src.process.rUserName'));
  put(doc, 'process.start', date(r.long('src.process.startTime')));
  setFilled(doc, 'process.title', r.text('src.process.displayName'));
  setFilled(doc, 'process.user.id', idText(r.long('src.process.eUserUid')));
  const user = r.text('src.process.user');
  if (user) {
    put(doc, 'process.user.name', user);
    // The whole value is copied to user.name AND user.domain; only a backslash splits it.
    const slash = user.indexOf('\\');
    put(doc, 'user.name', slash < 0 ? user : user.slice(slash + 1));
    put(doc, 'user.domain', slash < 0 ? user : user.slice(0, slash));
  }
  setFilled(doc, 'process.user.name', r.text('src.process.eUserName'));
  setFilled(doc, 'host.id', r.text('agent.uuid'));
  setFilled(doc, 'process.parent.executable', r.text('src.process.parent.image.path'));
  setFilled(doc, 'process.parent.entity_id', r.text('src.process.parent.uid'));
  setFilled(doc, 'process.entity_id', r.text('src.process.uid'));
}

export interface Route {
  /** The command-script and cross-process pipelines: category process, type info. */
  readonly commandOrCross: boolean;
  /** The process pipeline: the target becomes `process`, the creator its parent. */
  readonly process: boolean;
}

/** Sub-pipelines are chosen by substring of the category; only those that can yield category "process" are modelled. */
export function routeOf(categoryText: string | undefined): Route {
  const category = (categoryText ?? '').toLowerCase();
  const cross = category.includes('cross');
  return { commandOrCross: cross || category.includes('command'), process: !cross && category.includes('process') };
}

/** event.type of a process event; an end type wins over a creation. */
export function processEventType(metaEventName: string | undefined, eventType: string | undefined): string[] | undefined {
  if (END_TYPES.has(eventType ?? '')) return ['end'];
  return metaEventName === 'PROCESSCREATION' ? ['start'] : undefined;
}

/** The process sub-pipeline: the creator moves to `process.parent` (its own parent is dropped) and `process.*` is the target. */
function mapProcessEvent(r: Reader, doc: Draft, targetCommandLine: string | undefined): void {
  put(doc, 'event.category', ['process']);
  const type = processEventType(r.text('meta.event.name'), r.text('event.type'));
  if (type) {
    put(doc, 'event.type', type);
    // event.action is a copy of event.type, so a creation's action is "start".
    put(doc, 'event.action', [...type]);
  }

  // The target's signature is set on `process` just before `process` becomes `process.parent`, so in
  // Elastic's documents it describes the target but sits under process.parent; exists is always set.
  setFilled(doc, 'process.code_signature.subject_name', r.text('tgt.process.publisher'));
  const signed = r.text('tgt.process.signedStatus') === 'signed';
  put(doc, 'process.code_signature.exists', signed);
  if (r.text('tgt.process.verifiedStatus') === 'verified') put(doc, 'process.code_signature.trusted', true);
  else if (signed) put(doc, 'process.code_signature.trusted', false);

  const creator = (take(doc, 'process') ?? {}) as Draft;
  delete creator['parent'];
  put(doc, 'process.parent', creator);

  setFilled(doc, 'process.user.name', r.text('tgt.process.user'));
  setFilled(doc, 'process.name', r.text('tgt.process.name'));
  setFilled(doc, 'process.executable', r.text('tgt.process.image.path'));
  put(doc, 'process.pid', r.long('tgt.process.pid'));
  setFilled(doc, 'process.entity_id', r.text('tgt.process.uid'));
  setFilled(doc, 'process.command_line', targetCommandLine);
  for (const hash of ['md5', 'sha1', 'sha256']) setFilled(doc, `process.hash.${hash}`, r.text(`tgt.process.image.${hash}`));
  setFilled(doc, 'process.real_user.id', idText(r.long('tgt.process.rUserUid')));
  setFilled(doc, 'process.real_user.name', r.text('tgt.process.rUserName'));
  put(doc, 'process.start', date(r.long('tgt.process.startTime')));
  setFilled(doc, 'process.title', r.text('tgt.process.displayName'));
  setFilled(doc, 'process.user.id', idText(r.long('tgt.process.eUserUid')));
}

export const SCRIPT_FAILED = Symbol('script failed');

/** Painless trimQuotes: one leading and one trailing `"` go together; a lone `"` makes substring throw. */
export function trimQuotes(text: string): string | typeof SCRIPT_FAILED {
  if (!text.startsWith('"') || !text.endsWith('"')) return text;
  return text.length === 1 ? SCRIPT_FAILED : text.slice(1, -1);
}

function splitArgs(doc: Draft, prefix: 'process' | 'process.parent'): void {
  const commandLine = valueAt(doc, `${prefix}.command_line`);
  if (typeof commandLine !== 'string' || commandLine === '') return;
  // Counted before the cleanup drops the empty arguments `""` produces.
  const args = splitWindowsCommandLine(commandLine);
  put(doc, `${prefix}.args`, args);
  put(doc, `${prefix}.args_count`, args.length);
}

export function sentinelOneCloudFunnelToEcs(record: AvroRecord): EcsEvent {
  const r = reader(record);
  let scriptFailed = false;
  let parentCommandLine = r.text('src.process.parent.cmdline');
  let targetCommandLine = r.text('tgt.process.cmdline');
  if (parentCommandLine !== undefined) {
    const trimmed = trimQuotes(parentCommandLine);
    if (trimmed === SCRIPT_FAILED) scriptFailed = true;
    else parentCommandLine = trimmed;
  }
  // The script stops at its first failure, leaving the target command line untrimmed.
  if (!scriptFailed && targetCommandLine !== undefined) {
    const trimmed = trimQuotes(targetCommandLine);
    if (trimmed === SCRIPT_FAILED) scriptFailed = true;
    else targetCommandLine = trimmed;
  }

  const draft: Draft = {};
  mapCommon(r, draft, parentCommandLine);
  const route = routeOf(r.text('event.category'));
  if (route.commandOrCross) {
    put(draft, 'event.category', ['process']);
    put(draft, 'event.type', ['info']);
  }
  if (route.process) mapProcessEvent(r, draft, targetCommandLine);
  splitArgs(draft, 'process');
  splitArgs(draft, 'process.parent');

  const doc = (pruned(draft, isNullOrEmpty) ?? {}) as Draft;
  if (scriptFailed) put(doc, 'event.kind', 'pipeline_error');
  put(doc, 'event.dataset', DATASET);
  put(doc, 'event.module', MODULE);
  return doc;
}
