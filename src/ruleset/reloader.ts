// Reloads the detection set when its directories change (a ConfigMap swapping `..data`) or on request (SIGHUP).
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../telemetry/logger.js';

export interface ReloaderOptions<Set> {
  /** RULES_DIR and EXCEPTIONS_DIR: watched whole, since Kubernetes replaces files by swapping a symlink. */
  readonly directories: readonly string[];
  readonly debounceMs: number;
  /** Reads and checks everything; throws with every problem. */
  readonly load: () => Promise<Set>;
  /** Makes the new set active; synchronous, so no batch ever sees half of it. */
  readonly apply: (set: Set, trigger: string) => void;
  readonly refuse: (error: Error, trigger: string) => void;
  readonly logger: Logger;
}

/**
 * Reloads never overlap: a change during a reload schedules one more. A set that fails to load is
 * refused and the active one stays; the next change (or SIGHUP) tries again.
 */
export class Reloader<Set> {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again: string | undefined;
  private stopped = false;

  constructor(private readonly options: ReloaderOptions<Set>) {}

  start(): void {
    for (const directory of new Set(this.options.directories)) {
      try {
        const watcher = watch(directory, { recursive: true, persistent: false }, () => this.schedule('files changed'));
        watcher.on('error', (error) =>
          this.options.logger.warn({ directory, error }, 'cannot watch for rule/exception changes any more; SIGHUP still reloads'),
        );
        this.watchers.push(watcher);
      } catch (error) {
        this.options.logger.warn({ directory, error }, 'cannot watch for rule/exception changes; SIGHUP still reloads');
      }
    }
  }

  /** Debounced: editors and ConfigMap updates touch several files in a burst. */
  schedule(trigger: string): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(trigger), this.options.debounceMs);
    this.timer.unref();
  }

  /** Resolves when this reload (and any it had to queue behind) is done; never rejects. */
  async reload(trigger: string): Promise<void> {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = trigger;
      return this.running;
    }
    this.running = (async () => {
      let next: string | undefined = trigger;
      while (next !== undefined && !this.stopped) {
        const current = next;
        this.again = undefined;
        try {
          const set = await this.options.load();
          if (!this.stopped) this.options.apply(set, current);
        } catch (error) {
          this.options.refuse(error instanceof Error ? error : new Error(String(error)), current);
        }
        next = this.again;
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }
}
