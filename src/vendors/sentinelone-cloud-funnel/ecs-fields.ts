// SentinelOne's match fast path (VendorFeed.toEcsFields): the rule fields as sentinelOneCloudFunnelToEcs sets them, each computed alone.
import { splitWindowsCommandLine } from '../shared/command-line.js';
import { stringPath, type FieldValue } from '../shared/field-subset.js';
import type { AvroRecord } from '../types.js';
import {
  collapseBackslashPairs,
  DATASET,
  MODULE,
  OS_TYPES,
  processEventType,
  routeOf,
  SCRIPT_FAILED,
  trimQuotes,
  type Route,
} from './to-ecs.js';

/*
 * The match fast path (VendorFeed.toEcsFields): the fields below, each as sentinelOneCloudFunnelToEcs
 * leaves it, computed alone. event.kind is not among them: it depends on both command lines.
 */

function collapsed(read: (record: AvroRecord) => string | undefined): (record: AvroRecord) => string | undefined {
  return (record) => {
    const value = read(record);
    return value === undefined ? undefined : collapseBackslashPairs(value);
  };
}

const categoryText = collapsed(stringPath('event.category'));
const metaEventName = collapsed(stringPath('meta.event.name'));
const eventType = collapsed(stringPath('event.type'));
const endpointOs = collapsed(stringPath('endpoint.os'));
const sourceName = collapsed(stringPath('src.process.name'));
const targetName = collapsed(stringPath('tgt.process.name'));

/** routeOf per category text, remembered (bounded: categories come from the data). */
const routes = new Map<string, Route>();
function routeOfRecord(record: AvroRecord): Route {
  const category = categoryText(record) ?? '';
  let route = routes.get(category);
  if (!route) {
    if (routes.size >= 256) routes.clear();
    route = routeOf(category);
    routes.set(category, route);
  }
  return route;
}

function processTypeOf(record: AvroRecord): string[] | undefined {
  return processEventType(metaEventName(record), eventType(record));
}

/** setFilled's rule: empty strings are not set. */
function filled(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

export const FIELD_VALUES: Readonly<Record<string, FieldValue['value']>> = {
  'event.category': (record) => {
    const route = routeOfRecord(record);
    return route.commandOrCross || route.process ? ['process'] : undefined;
  },
  'event.type': (record) => {
    const route = routeOfRecord(record);
    return (route.process ? processTypeOf(record) : undefined) ?? (route.commandOrCross ? ['info'] : undefined);
  },
  'event.action': (record) => (routeOfRecord(record).process ? processTypeOf(record) : undefined),
  'event.dataset': () => DATASET,
  'event.module': () => MODULE,
  'host.os.type': (record) => {
    const os = endpointOs(record);
    return os !== undefined && OS_TYPES.has(os) ? os : undefined;
  },
  'process.name': (record) => filled(routeOfRecord(record).process ? targetName(record) : sourceName(record)),
  // A process event moves the creator (src) to process.parent, its own parent dropped.
  'process.executable': (record) => filled(routeOfRecord(record).process ? targetImage(record) : sourceImage(record)),
  'process.parent.name': (record) => filled(routeOfRecord(record).process ? sourceName(record) : sourceParentName(record)),
  'process.command_line': (record) => processCommandLine(record),
  'process.args': (record) => argsOf(processCommandLine(record)),
  'process.parent.command_line': (record) => parentProcessCommandLine(record),
  'process.parent.args': (record) => argsOf(parentProcessCommandLine(record)),
};

const sourceParentName = collapsed(stringPath('src.process.parent.name'));
const sourceImage = collapsed(stringPath('src.process.image.path'));
const targetImage = collapsed(stringPath('tgt.process.image.path'));
const sourceCommandLine = collapsed(stringPath('src.process.cmdline'));
const grandparentCommandLine = collapsed(stringPath('src.process.parent.cmdline'));
const targetCommandLineText = collapsed(stringPath('tgt.process.cmdline'));

/** The script's trimming: the parent's line first; a failure there leaves the target's untrimmed. */
function trimmedCommandLines(record: AvroRecord): { parent: string | undefined; target: string | undefined } {
  let parent = grandparentCommandLine(record);
  let target = targetCommandLineText(record);
  let failed = false;
  if (parent !== undefined) {
    const trimmed = trimQuotes(parent);
    if (trimmed === SCRIPT_FAILED) failed = true;
    else parent = trimmed;
  }
  if (!failed && target !== undefined) {
    const trimmed = trimQuotes(target);
    if (trimmed !== SCRIPT_FAILED) target = trimmed;
  }
  return { parent, target };
}

function processCommandLine(record: AvroRecord): string | undefined {
  return filled(routeOfRecord(record).process ? trimmedCommandLines(record).target : sourceCommandLine(record));
}

function parentProcessCommandLine(record: AvroRecord): string | undefined {
  return filled(routeOfRecord(record).process ? sourceCommandLine(record) : trimmedCommandLines(record).parent);
}

/** splitArgs, then the cleanup that drops empty arguments (and an empty list). */
function argsOf(commandLine: string | undefined): string[] | undefined {
  if (commandLine === undefined) return undefined;
  const args = splitWindowsCommandLine(commandLine).filter((arg) => arg !== '');
  return args.length > 0 ? args : undefined;
}
