// Elastic Defend exec records built from the mysqldump fixture, varied by user, parent, host and time.
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';

const DEFEND = VENDORS.find((vendor) => vendor.id === 'elastic-defend')!;
const BASE = loadFixtures('elastic-defend').find((fixture) => fixture.file === 'linux-exec-mysqldump.json')!.native;

export interface DefendVariant {
  /** The vendor's event id: distinct ids give distinct alerts. */
  id: string;
  user?: string;
  parent?: string;
  host?: string;
  time?: string;
}

/** Framed with `schemaId` when given (an id the registry assigned), else with the bundled id. */
export function defendRecord(variant: DefendVariant, schemaId?: number): { key: string; value: Buffer } {
  const native = structuredClone(BASE) as Record<string, any>;
  native.event.id = variant.id;
  if (variant.user !== undefined) native.user = { ...native.user, name: variant.user };
  if (variant.parent !== undefined) native.process.parent = { ...native.process.parent, name: variant.parent };
  if (variant.host !== undefined) native.host = { ...native.host, name: variant.host, hostname: variant.host };
  if (variant.time !== undefined) native['@timestamp'] = variant.time;
  return {
    key: variant.id,
    value: encodeRecord(DEFEND, fromNative(DEFEND, native), { format: 'confluent', ...(schemaId === undefined ? {} : { schemaId }) }),
  };
}

export const DEFEND_VENDOR_ID = DEFEND.id;
