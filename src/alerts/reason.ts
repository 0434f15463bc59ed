// The human sentence in an alert's `event.reason`, shaped like the reason Kibana writes for its alerts.
import type { EcsEvent } from '../ecs/event.js';

/**
 * "process event with process pg_dump, parent process bash, by postgres on db-7 created low alert
 * Potential Database Dumping Activity." Parts whose fields the event lacks are left out.
 */
export function buildReason(event: EcsEvent, rule: { readonly name: string; readonly severity: string }): string {
  const category = textOf(event.event?.category);
  const processName = textOf(event.process?.name);
  const parentName = textOf(event.process?.parent?.name);
  const user = textOf(event.user?.name) ?? textOf(event.process?.user?.name);
  const host = textOf(event.host?.name) ?? textOf(event.host?.hostname) ?? textOf(event.host?.id);

  const details: string[] = [];
  if (processName !== undefined) details.push(`process ${processName}`);
  if (parentName !== undefined) details.push(`parent process ${parentName}`);

  let reason = category === undefined ? 'event' : `${category} event`;
  if (details.length > 0) reason += ` with ${details.join(', ')},`;
  if (user !== undefined) reason += ` by ${user}`;
  if (host !== undefined) reason += ` on ${host}`;
  return `${reason} created ${rule.severity} alert ${rule.name}.`;
}

/** A field as text: a non-empty string, or the non-empty strings of an array joined by ", ". */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (Array.isArray(value)) {
    const texts = value.filter((item): item is string => typeof item === 'string' && item !== '');
    return texts.length > 0 ? texts.join(', ') : undefined;
  }
  return undefined;
}
