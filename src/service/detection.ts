// Start-up step for detection: each feed's runtime (rules, decoder) for the active set, rebuilt on every reload.
import type { Config } from '../config/load.js';
import { registryClient } from '../decode/feed-decoder.js';
import { refusedByReason } from '../detect/rule-set.js';
import type { FeedRuntime } from '../pipeline/feed-runtime.js';
import type { DetectionSet } from '../ruleset/detection-set.js';
import { buildFeedRuntimes } from '../ruleset/feed-runtimes.js';
import { loadDetectionSet } from '../ruleset/load-detection-set.js';
import { Reloader } from '../ruleset/reloader.js';
import type { Events } from '../telemetry/events.js';
import type { Logger } from '../telemetry/logger.js';
import type { Operations } from './operations.js';

export interface Detection extends AsyncDisposable {
  /** The runtime the next batch of this topic uses: always from one detection set, never a mixture. */
  runtimeFor: (topic: string) => FeedRuntime | undefined;
  /** Reloads rules, exceptions and suppression now (SIGHUP); a bad set is refused and the old one kept. */
  reload: (trigger: string) => Promise<void>;
}

const summary = (set: DetectionSet) => ({
  fingerprint: set.fingerprint,
  loadedAtMs: set.loadedAtMs,
  rules: set.rules.length,
  exceptionLists: set.exceptions.lists.size,
});

export function startDetection(
  config: Config,
  detection: DetectionSet,
  operations: Pick<Operations, 'events' | 'addProbe'>,
  logger: Logger,
): Detection {
  const events: Events = operations.events;
  const decoding = {
    format: config.VALUE_FORMAT,
    registryUrl: config.SCHEMA_REGISTRY_URL,
    registryUsername: config.SCHEMA_REGISTRY_USERNAME,
    registryPassword: config.SCHEMA_REGISTRY_PASSWORD,
  };
  const schemaRegistry = registryClient(decoding);
  operations.addProbe((state) => (state.schemaRegistryProblem = schemaRegistry?.health().reason));

  const buildRuntimes = (set: DetectionSet): Map<string, FeedRuntime> => {
    const built = buildFeedRuntimes(config.feeds, set, { ...decoding, registry: schemaRegistry });
    events.rulesReady({
      loaded: set.loaded.rules.length,
      activeByVendor: new Map([...built.rulesByVendor].map(([vendor, list]) => [vendor, list.length])),
      refusedByReason: refusedByReason(set.loaded),
      idle: built.idle.map(({ rule }) => ({ id: rule.id, name: rule.name })),
    });
    return built.byTopic;
  };
  let activeSet = detection;
  let runtimes = buildRuntimes(detection);
  events.detectionSetLoaded(summary(detection), undefined, 'start-up');
  const reloader = new Reloader<DetectionSet>({
    directories: [config.RULES_DIR, config.EXCEPTIONS_DIR],
    debounceMs: config.RELOAD_DEBOUNCE_MS,
    load: () => loadDetectionSet(config),
    apply: (next, trigger) => {
      // One assignment: the next batch of every partition runs on the new set, none on a mixture.
      runtimes = next.fingerprint === activeSet.fingerprint ? runtimes : buildRuntimes(next);
      events.detectionSetLoaded(summary(next), activeSet.fingerprint, trigger);
      events.detectionSetReloadSucceeded();
      activeSet = next;
    },
    refuse: (error, trigger) => events.detectionSetRefused(error, activeSet.fingerprint, trigger),
    logger,
  });
  reloader.start();
  return {
    runtimeFor: (topic) => runtimes.get(topic),
    reload: (trigger) => reloader.reload(trigger),
    [Symbol.asyncDispose]: async () => reloader.stop(),
  };
}
