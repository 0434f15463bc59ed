// Bad and absurd-but-valid records for the bad-input fault suite, each with the outcome it must have.
import { expect } from 'vitest';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { frameConfluent } from '../../../src/decode/framing.js';
import { VENDORS } from '../../../src/vendors/index.js';
import type { VendorFeed } from '../../../src/vendors/types.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { vary } from '../../../scripts/samples/vary.js';
import { avroVarint } from '../../unit/decode/avro-varint.js';
import { fromNative } from '../../../scripts/native/from-native.js';

export const MiB = 1024 * 1024;

export function vendor(id: string): VendorFeed {
  const found = VENDORS.find((v) => v.id === id);
  if (!found) throw new Error(`no vendor ${id}`);
  return found;
}

/** A record that must be dead-lettered, with the codes its failure may carry (first = the expected one). */
export interface Poison {
  name: string;
  vendor: string;
  value: Buffer | null;
  codes: string[];
}

/**
 * What must become of a schema-valid record with absurd values: an alert with the values stored as
 * they came; no alert (the rule does not match); or, when Elasticsearch itself refuses the alert
 * document, a SINK_REJECTED dead letter carrying that document, never a silent loss.
 */
type AbsurdOutcome = 'alert' | 'no alert' | 'sink rejected';

export interface Absurd {
  name: string;
  vendor: string;
  value: Buffer;
  identity: string | undefined;
  outcome: AbsurdOutcome;
  /** Checks on the stored alert's source. */
  stored?: (source: Record<string, unknown>) => void;
}

let serial = 9_000_000;
/** A fixture's native record with fresh identities and times, then `change` applied. */
function nativeFrom(vendorId: string, fixtureFile: string, change: (native: Record<string, any>) => void): Record<string, unknown> {
  const fixture = loadFixtures(vendorId).find((f) => f.file === fixtureFile);
  if (!fixture) throw new Error(`${vendorId}/${fixtureFile} missing`);
  const native = vary(fixture.native, { serial: ++serial, nowMs: Date.now() }) as Record<string, any>;
  change(native);
  return native;
}

/** Undecodable records, seven kinds per vendor. */
export function poisonRecords(random: () => number): Poison[] {
  const out: Poison[] = [];
  for (const feed of VENDORS) {
    const template = loadFixtures(feed.id).find((f) => f.alert) ?? loadFixtures(feed.id)[0];
    const valid = encodeRecord(
      feed,
      fromNative(feed, vary(template?.native ?? {}, { serial: ++serial, nowMs: Date.now() }) as Record<string, unknown>),
      { format: 'confluent' },
    );
    const body = valid.subarray(5);
    const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const unframed = randomBytes(256);
    if (unframed[0] === 0) unframed[0] = 0x7b; // random, but never the Confluent magic byte
    out.push(
      { name: 'truncated Avro', vendor: feed.id, value: valid.subarray(0, Math.floor(valid.length / 2)), codes: ['DECODE_INVALID_AVRO'] },
      { name: 'random bytes', vendor: feed.id, value: unframed, codes: ['DECODE_BAD_MAGIC'] },
      {
        name: 'random Avro body',
        vendor: feed.id,
        value: frameConfluent(feed.bundledSchemaId, randomBytes(256)),
        codes: ['DECODE_INVALID_AVRO', 'DECODE_TRAILING_BYTES'],
      },
      {
        name: 'wrong magic byte',
        vendor: feed.id,
        value: Buffer.concat([Buffer.from([1]), valid.subarray(1)]),
        codes: ['DECODE_BAD_MAGIC'],
      },
      { name: 'unknown schema id', vendor: feed.id, value: frameConfluent(424_242, body), codes: ['DECODE_UNKNOWN_SCHEMA'] },
      { name: 'empty value', vendor: feed.id, value: Buffer.alloc(0), codes: ['DECODE_EMPTY_VALUE'] },
      { name: 'null value (tombstone)', vendor: feed.id, value: null, codes: ['DECODE_EMPTY_VALUE'] },
    );
  }
  return out;
}

/** Replaces every occurrence of `marker` in an encoded value (same length, so Avro lengths stay right). */
function patchBytes(value: Buffer, marker: Buffer, replacement: Buffer): Buffer {
  const out = Buffer.from(value);
  let at = out.indexOf(marker);
  if (at < 0) throw new Error('marker not found in the encoded record');
  while (at >= 0) {
    replacement.copy(out, at);
    at = out.indexOf(marker, at + marker.length);
  }
  return out;
}

/** Replaces the single occurrence of `marker` (lengths may differ: Avro records carry no sizes). */
function spliceOnce(value: Buffer, marker: Buffer, replacement: Buffer): Buffer {
  const at = value.indexOf(marker);
  if (at < 0 || value.indexOf(marker, at + 1) >= 0) throw new Error('marker must occur exactly once');
  return Buffer.concat([value.subarray(0, at), replacement, value.subarray(at + marker.length)]);
}

/** Schema-valid records with absurd values (Elastic Defend and Endgame), and all-null records for every vendor. */
export function absurdRecords(): Absurd[] {
  const defend = vendor('elastic-defend');
  const endgame = vendor('endgame');
  const sample = 'linux-exec-pg-dump-endpoint-sample.json';
  const make = (
    feed: VendorFeed,
    native: Record<string, unknown>,
    name: string,
    outcome: AbsurdOutcome,
    stored?: Absurd['stored'],
    patch?: (b: Buffer) => Buffer,
  ): Absurd => {
    const record = fromNative(feed, native);
    const encoded = encodeRecord(feed, record, { format: 'confluent' });
    return {
      name,
      vendor: feed.id,
      value: patch ? patch(encoded) : encoded,
      identity: feed.eventIdentity(record),
      outcome,
      ...(stored ? { stored } : {}),
    };
  };
  const hugeCommandLine = `pg_dump --file=/tmp/x.sql ${'--table=t'.repeat(Math.ceil(MiB / 9))}`;
  const FILETIME_1601 = 0;
  const FILETIME_2500 = (Date.UTC(2500, 0, 1) + 11_644_473_600_000) * 10_000;
  const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
  const MARKER = Buffer.from([0x01, 0x02, 0x03, 0x04]);
  const proc = (s: Record<string, unknown>) => s.process as Record<string, unknown>;
  return [
    make(
      defend,
      nativeFrom(defend.id, sample, (n) => {
        n.process.command_line = hugeCommandLine;
        n.process.args = hugeCommandLine.split(' ');
        n.process.args_count = n.process.args.length;
      }),
      '1 MiB command line',
      'alert',
      (s) => expect((proc(s).command_line as string).length).toBe(hugeCommandLine.length),
    ),
    make(
      defend,
      nativeFrom(defend.id, sample, (n) => (n.process.pid = -1)),
      'negative pid',
      'alert',
      (s) => expect(proc(s).pid).toBe(-1),
    ),
    make(
      defend,
      nativeFrom(defend.id, sample, (n) => (n.process.pid = 2 ** 53 - 1)),
      'huge pid (2^53 - 1)',
      'alert',
      (s) => expect(proc(s).pid).toBe(2 ** 53 - 1),
    ),
    make(
      defend,
      nativeFrom(defend.id, sample, (n) => (n.process.pid = Number.MAX_SAFE_INTEGER * 1024)),
      'pid near the long range end (2^63 - 1024)',
      'alert',
    ),
    // 2^63 - 1 cannot be written from a JS number; the record is encoded with a marker pid and patched.
    // Decoded as a double it becomes 2^63, past Elasticsearch's long: the alert document is refused.
    make(
      defend,
      nativeFrom(defend.id, sample, (n) => (n.process.pid = 987_654_321_987)),
      'pid 2^63 - 1 (Avro long max)',
      'sink rejected',
      undefined,
      (b) => spliceOnce(b, avroVarint(987_654_321_987n), avroVarint(2n ** 63n - 1n)),
    ),
    make(
      defend,
      nativeFrom(defend.id, sample, (n) => (n['@timestamp'] = '1601-01-01T00:00:00.000Z')),
      'timestamp in 1601',
      'alert',
      (s) => expect(s['@timestamp']).toBe('1601-01-01T00:00:00.000Z'),
    ),
    make(
      defend,
      nativeFrom(defend.id, sample, (n) => (n['@timestamp'] = '2500-01-01T00:00:00.000Z')),
      'timestamp in 2500',
      'alert',
      (s) => expect(s['@timestamp']).toBe('2500-01-01T00:00:00.000Z'),
    ),
    make(
      defend,
      nativeFrom(defend.id, sample, (n) => {
        n.process.command_line = `pg_dump --file=/tmp/${MARKER.toString('latin1')}.sql`;
        n.user.name = `db${MARKER.toString('latin1')}`;
      }),
      'non-UTF-8 bytes in strings',
      'alert',
      (s) => {
        expect(proc(s).command_line).toBe('pg_dump --file=/tmp/\uFFFD\uFFFD\uFFFD(.sql');
        expect((s.user as Record<string, unknown>).name).toBe('db\uFFFD\uFFFD\uFFFD(');
      },
      (b) => patchBytes(b, MARKER, INVALID_UTF8),
    ),
    make(
      endgame,
      nativeFrom(endgame.id, 'linux-exec-event-pg-dump.json', (n) => (n.timestamp = FILETIME_1601)),
      'Endgame FILETIME 0 (1601)',
      'alert',
      (s) => expect(s['@timestamp']).toBe('1601-01-01T00:00:00.000Z'),
    ),
    make(
      endgame,
      nativeFrom(endgame.id, 'linux-exec-event-pg-dump.json', (n) => (n.timestamp = FILETIME_2500)),
      'Endgame FILETIME in 2500',
      'alert',
      (s) => expect(s['@timestamp']).toBe('2500-01-01T00:00:00.000Z'),
    ),
    make(
      endgame,
      nativeFrom(endgame.id, 'linux-exec-event-pg-dump.json', (n) => (n.pid = -2_147_483_648)),
      'Endgame negative pid',
      'alert',
      (s) => expect(proc(s).pid).toBe(-2_147_483_648),
    ),
    ...VENDORS.map((feed) => make(feed, {}, `${feed.id}: every optional field null`, 'no alert')),
  ];
}
