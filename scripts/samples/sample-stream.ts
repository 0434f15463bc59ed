// Endless realistic telemetry per vendor: mostly ordinary processes, a few dump-tool runs, near misses.
import type { VendorFeed } from '../../src/vendors/types.js';
import { loadFixtures, type Fixture } from './fixtures.js';
import { vary } from './vary.js';

/** Ordinary Linux programs that stand in for a dump tool in "ordinary" records. */
const ORDINARY_PROCESSES = ['ls', 'bash', 'sshd', 'python3', 'curl', 'systemctl', 'psql', 'mysql', 'grep', 'tar', 'rsync', 'cron'];

export interface SampleMix {
  /** Share of records that are real dump-tool runs (alerts). */
  dumpShare: number;
  /** Share of records that are near misses (wrong case, fork, other OS, ...). */
  nearMissShare: number;
  /** Ordinary records get a process name never used before (a stream whose rule fields never repeat). */
  distinctNames?: boolean;
}

export interface Sample {
  vendor: VendorFeed;
  native: Record<string, unknown>;
  /** True when the rule must alert on this record. */
  expectAlert: boolean;
  template: string;
}

/** A small deterministic PRNG, so a seed reproduces a stream. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SampleStream {
  private readonly alerting: Fixture[];
  private readonly nearMisses: Fixture[];
  private serial = 0;

  constructor(
    readonly vendor: VendorFeed,
    private readonly mix: SampleMix,
    private readonly random: () => number,
    private readonly serialBase = Date.now() % 1_000_000_000,
  ) {
    const fixtures = loadFixtures(vendor.id);
    this.alerting = fixtures.filter((f) => f.alert && typeof f.expected.process?.name === 'string');
    this.nearMisses = fixtures.filter((f) => !f.alert);
    if (this.alerting.length === 0) throw new Error(`${vendor.id}: no alerting fixture to build samples from`);
  }

  next(nowMs = Date.now()): Sample {
    const serial = this.serialBase + ++this.serial;
    const roll = this.random();
    const pick = <T>(items: T[]): T => items[Math.floor(this.random() * items.length)] as T;
    if (roll < this.mix.dumpShare) {
      const template = pick(this.alerting);
      return {
        vendor: this.vendor,
        native: vary(template.native, { serial, nowMs }) as Record<string, unknown>,
        expectAlert: true,
        template: template.file,
      };
    }
    if (roll < this.mix.dumpShare + this.mix.nearMissShare && this.nearMisses.length > 0) {
      const template = pick(this.nearMisses);
      return {
        vendor: this.vendor,
        native: vary(template.native, { serial, nowMs }) as Record<string, unknown>,
        expectAlert: false,
        template: template.file,
      };
    }
    const template = pick(this.alerting);
    const from = template.expected.process?.name as string;
    const ordinary = pick(ORDINARY_PROCESSES);
    const rename = { from, to: this.mix.distinctNames ? `${ordinary}-${serial.toString(36)}` : ordinary };
    return {
      vendor: this.vendor,
      native: vary(template.native, { serial, nowMs, rename }) as Record<string, unknown>,
      expectAlert: false,
      template: `${template.file} as ${rename.to}`,
    };
  }
}
