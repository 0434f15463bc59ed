// Which ECS fields each feed can set on a Linux process event, so rule coverage per feed can be computed from the fields a rule reads.
import { VENDORS } from './index.js';
import type { VendorFeed } from './types.js';

/*
 * The lineage of a feed names every field its toEcs can set (the lineage tests hold every vendor
 * to that), so its keys are the fields a rule can find in that feed's documents. A field listed
 * here is set when the vendor's record carries its source; a field missing here is never set, and
 * a rule that reads it (without `?`) can never match that feed's events.
 */

/** The ECS fields `vendor` can set on a Linux process event, sorted. */
export function linuxProcessEcsFields(vendor: Pick<VendorFeed, 'lineage'>): readonly string[] {
  return Object.keys(vendor.lineage).sort();
}

/** Per feed id, the ECS fields it can set on a Linux process event. */
export const LINUX_PROCESS_ECS_FIELDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  VENDORS.map((vendor) => [vendor.id, new Set(linuxProcessEcsFields(vendor))] as const),
);

/** The fields of `fieldsRead` the feed never sets (empty: the feed sets every field the rule reads). */
export function fieldsNotSet(fieldsRead: Iterable<string>, vendor: Pick<VendorFeed, 'lineage'>): string[] {
  return [...new Set(fieldsRead)].filter((field) => !Object.hasOwn(vendor.lineage, field)).sort();
}
