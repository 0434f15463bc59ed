// Micro-benchmark of the decode and map stages per vendor: full decode, full decode + toEcs, projected decode (+ toEcs).
//
// Run: npm run build && node dist/bench/decode-map.js   (writes bench/results/decode-map.json)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createDecoder, type RecordDecoder } from '../src/decode/decoder.js';
import { encodeRecord } from '../src/decode/encoder.js';
import { lineagePaths } from '../src/decode/projection.js';
import { packagePath } from '../src/package-root.js';
import { VENDORS } from '../src/vendors/index.js';
import type { AvroRecord, VendorFeed } from '../src/vendors/types.js';

const MESSAGES_PER_VENDOR = 30_000;
const ROUNDS = 7;
const DUMP_SHARE = 0.01;
/** The fields "Potential Database Dumping Activity" reads; the projection keeps their lineage. */
const RULE_FIELDS = ['host.os.type', 'event.type', 'event.action', 'event.category', 'process.name'];
const ORDINARY_BINARIES = ['bash', 'sh', 'ls', 'cat', 'grep', 'sed', 'awk', 'sshd', 'systemd', 'cron', 'python3', 'curl', 'tar', 'gzip', 'psql', 'node', 'java', 'sleep', 'ps', 'find'];

interface Fixture {
  native: Record<string, unknown>;
  alert: boolean;
}

/** Deterministic PRNG (mulberry32) so every run measures the same mix. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fixturesOf(vendor: VendorFeed): Fixture[] {
  const dir = packagePath('test', 'fixtures', vendor.id);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Fixture);
}

/** Replaces the string at an Avro path (through nested records), keeping its directory part if any. */
function renameAt(record: AvroRecord, path: string, name: string): void {
  const keys = path.split('.');
  let node: unknown = record;
  for (const key of keys.slice(0, -1)) {
    node = (node as AvroRecord | null)?.[key];
    if (node === null || typeof node !== 'object') return;
  }
  const leaf = keys[keys.length - 1]!;
  const current = (node as AvroRecord)[leaf];
  if (typeof current !== 'string') return;
  const cut = Math.max(current.lastIndexOf('/'), current.lastIndexOf('\\'));
  (node as AvroRecord)[leaf] = cut >= 0 ? current.slice(0, cut + 1) + name : name;
}

/** ~99% ordinary processes (fixtures with the process renamed to common binaries), ~1% dump-tool runs. */
function messageMix(vendor: VendorFeed, next: () => number): Buffer[] {
  const fixtures = fixturesOf(vendor);
  const dumps = fixtures.filter((fixture) => fixture.alert);
  const namePaths = lineagePaths(vendor, ['process.name', 'process.executable', 'process.command_line']);
  const messages: Buffer[] = [];
  for (let i = 0; i < MESSAGES_PER_VENDOR; i++) {
    const pickDump = dumps.length > 0 && next() < DUMP_SHARE;
    const pool = pickDump ? dumps : fixtures;
    const record = vendor.fromNative(structuredClone(pool[Math.floor(next() * pool.length)]!.native));
    if (!pickDump) {
      const binary = ORDINARY_BINARIES[Math.floor(next() * ORDINARY_BINARIES.length)]!;
      for (const path of namePaths) renameAt(record, path, binary);
    }
    messages.push(encodeRecord(vendor, record, { format: 'confluent' }));
  }
  return messages;
}

type Mode = 'decode' | 'decodeMap' | 'projectedDecode' | 'projectedMap';
const MODES: readonly Mode[] = ['decode', 'decodeMap', 'projectedDecode', 'projectedMap'];

/** Records per second of one pass over `messages`; `sink` keeps the work observable. */
function pass(mode: Mode, vendor: VendorFeed, full: RecordDecoder, projected: RecordDecoder, messages: readonly Buffer[], sink: { n: number }): number {
  const started = process.hrtime.bigint();
  for (const message of messages) {
    if (mode === 'decode' || mode === 'projectedDecode') {
      sink.n += ((mode === 'decode' ? full : projected).decodeSync(vendor, message) as AvroRecord) ? 1 : 0;
    } else {
      const decoder = mode === 'decodeMap' ? full : projected;
      const ecs = vendor.toEcs(decoder.decodeSync(vendor, message) as AvroRecord);
      sink.n += ecs.process?.name === 'pg_dump' ? 1 : 0;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return messages.length / seconds;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function main(): void {
  const next = random(20240514);
  const full = createDecoder({ format: 'confluent', vendors: VENDORS });
  const projected = full.project((feed) => lineagePaths(feed as VendorFeed, RULE_FIELDS));
  const sink = { n: 0 };
  const results = [];
  const benchStarted = Date.now();

  for (const vendor of VENDORS) {
    if (fixturesOf(vendor).length === 0) {
      console.warn(`skipping ${vendor.id}: no fixtures to build a message mix from`);
      continue;
    }
    const messages = messageMix(vendor, next);
    const averageBytes = messages.reduce((sum, message) => sum + message.length, 0) / messages.length;
    for (const mode of MODES) pass(mode, vendor, full, projected, messages, sink); // warm-up: JIT, caches
    const rounds: Record<Mode, number[]> = { decode: [], decodeMap: [], projectedDecode: [], projectedMap: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved so drift (thermal, neighbours on a shared machine) hits every mode alike.
      for (const mode of MODES) rounds[mode].push(pass(mode, vendor, full, projected, messages, sink));
    }
    results.push({
      vendor: vendor.id,
      averageMessageBytes: Math.round(averageBytes),
      projectedFields: lineagePaths(vendor, RULE_FIELDS),
      medianRecordsPerSecond: {
        decode: Math.round(median(rounds.decode)),
        decodeMap: Math.round(median(rounds.decodeMap)),
        projectedDecode: Math.round(median(rounds.projectedDecode)),
        projectedMap: Math.round(median(rounds.projectedMap)),
      },
      roundsRecordsPerSecond: Object.fromEntries(MODES.map((mode) => [mode, rounds[mode].map(Math.round)])),
    });
  }

  const report = {
    benchmark: 'decode-map',
    description:
      'Per vendor, records/s of (decode) full Avro decode, (decodeMap) full decode + toEcs, (projectedDecode) decode projected to the lineage of the rule fields, (projectedMap) projected decode + toEcs of the projection. Confluent framing with bundled schema ids; medians of interleaved rounds after one warm-up pass.',
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      logicalCpus: os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    config: { messagesPerVendor: MESSAGES_PER_VENDOR, rounds: ROUNDS, dumpShare: DUMP_SHARE, ruleFields: RULE_FIELDS, format: 'confluent' },
    durationSeconds: Math.round((Date.now() - benchStarted) / 100) / 10,
    results,
  };

  const rows = results.map((result) => {
    const { decode, decodeMap, projectedDecode, projectedMap } = result.medianRecordsPerSecond;
    return {
      vendor: result.vendor,
      'bytes/msg': result.averageMessageBytes,
      'decode rec/s': decode.toLocaleString('en-US'),
      'decode+map rec/s': decodeMap.toLocaleString('en-US'),
      'projected rec/s': projectedDecode.toLocaleString('en-US'),
      'projected+map rec/s': projectedMap.toLocaleString('en-US'),
      'projected vs full': `${(projectedMap / decodeMap).toFixed(1)}x`,
    };
  });
  console.log(`decode-map on ${report.machine.cpu}, Node ${report.machine.node}, ${MESSAGES_PER_VENDOR} msgs x ${ROUNDS} rounds (median)`);
  console.table(rows);
  const out = packagePath('bench', 'results', 'decode-map.json');
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${out.slice(packagePath().length + 1)} in ${report.durationSeconds}s (sink ${sink.n})`);
}

main();
