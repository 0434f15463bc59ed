// How the deploy/k8s resources agree with each other and with the service: security context, shutdown
// bound, probes, resources, partition ceiling, selectors, ports, secrets, and the service's own config check.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { environmentSchema, SECRET_VARIABLES } from '../../src/config/schema.js';
import { VENDORS } from '../../src/vendors/index.js';
import {
  config,
  configMap,
  container,
  deployment,
  kustomization,
  one,
  podLabels,
  podSpec,
  resources,
  secretExample,
  selects,
  type Manifest,
} from './k8s-manifests.js';
import { readRepoFile, tempDir } from './repo-tools.js';

// SIGTERM -> finish the batch, commit, disconnect: the service's documented bound (SHUTDOWN_TIMEOUT_MS).
const SHUTDOWN_BOUND_MS = 20_000;

describe('the pod', () => {
  it('runs unprivileged: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(podSpec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.securityContext.capabilities.add).toBeUndefined();
    expect(podSpec.automountServiceAccountToken).toBe(false);
    expect(one('ServiceAccount').metadata.name).toBe(podSpec.serviceAccountName);
  });

  it("gives SIGTERM more time than the service's shutdown bound", () => {
    const bound = Number(config.SHUTDOWN_TIMEOUT_MS ?? SHUTDOWN_BOUND_MS);
    expect(bound).toBeLessThanOrEqual(SHUTDOWN_BOUND_MS);
    expect(podSpec.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(bound + 5_000);
  });

  it('probes liveness on /healthz, readiness on /readyz and start-up, all on the metrics port', () => {
    const metricsPort = container.ports.find((p: Manifest) => p.name === 'metrics');
    expect(metricsPort.containerPort).toBe(Number(config.METRICS_PORT));
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(container.startupProbe.httpGet.port).toBe('metrics');
    const startupSeconds = container.startupProbe.periodSeconds * container.startupProbe.failureThreshold;
    expect(startupSeconds).toBeGreaterThanOrEqual(60);
  });

  it('requests memory for the 256 MiB target and caps it near 512 MiB', () => {
    const mebibytes = (quantity: string): number => {
      const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
      if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
      return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
    };
    expect(mebibytes(container.resources.requests.memory)).toBeGreaterThanOrEqual(256);
    expect(mebibytes(container.resources.limits.memory)).toBeGreaterThanOrEqual(384);
    expect(mebibytes(container.resources.limits.memory)).toBeLessThanOrEqual(768);
    expect(container.resources.requests.cpu).toEqual(expect.any(String));
    // The heap cap comes from the image's launcher unless the pod sets its own NODE_OPTIONS.
    const nodeOptions = container.env.find((e: Manifest) => e.name === 'NODE_OPTIONS')?.value ?? readRepoFile('bin/start.sh');
    const heap = /--max-old-space-size=(\d+)/.exec(nodeOptions);
    expect(heap).not.toBeNull();
    expect(Number(heap![1])).toBeLessThan(mebibytes(container.resources.limits.memory) * 0.75);
  });

  it('spreads replicas across zones and nodes', () => {
    const keys = podSpec.topologySpreadConstraints.map((c: Manifest) => c.topologyKey);
    expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    for (const constraint of podSpec.topologySpreadConstraints) {
      expect(selects(constraint.labelSelector.matchLabels, podLabels)).toBe(true);
    }
  });

  it('uses an image name kustomize rewrites to a pinned tag', () => {
    expect(kustomization.images).toEqual([expect.objectContaining({ name: container.image })]);
    expect(kustomization.images[0].newTag).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('replicas and partitions', () => {
  const scaled = one('ScaledObject');
  const partitions = Number(scaled.metadata.annotations['edr-dbdump-detector/total-partitions']);

  it('never runs more replicas than the four topics have partitions', () => {
    expect(partitions).toBeGreaterThan(0);
    expect(scaled.spec.maxReplicaCount).toBeLessThanOrEqual(partitions);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaled.spec.minReplicaCount).toBeLessThanOrEqual(scaled.spec.maxReplicaCount);
    expect(scaled.spec.fallback.replicas).toBeLessThanOrEqual(scaled.spec.maxReplicaCount);
    // the ScaledObject owns the count; a fixed value must still respect the ceiling
    if (deployment.spec.replicas !== undefined) expect(deployment.spec.replicas).toBeLessThanOrEqual(partitions);
    // a surge pod during a rollout would be a consumer beyond the ceiling
    expect(deployment.spec.strategy.rollingUpdate.maxSurge).toBe(0);
  });

  it('lets voluntary disruptions take one pod at a time', () => {
    const budget = one('PodDisruptionBudget');
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(selects(budget.spec.selector.matchLabels, podLabels)).toBe(true);
  });
});

describe('wiring between resources', () => {
  it('Deployment selector, Service, NetworkPolicy and PodDisruptionBudget all select the pod labels', () => {
    expect(selects(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(selects(one('Service').spec.selector, podLabels)).toBe(true);
    expect(selects(one('NetworkPolicy').spec.podSelector.matchLabels, podLabels)).toBe(true);
  });

  it("Service exposes the container's metrics port", () => {
    const service = one('Service');
    expect(service.spec.ports).toEqual([
      expect.objectContaining({ name: 'metrics', port: Number(config.METRICS_PORT), targetPort: 'metrics' }),
    ]);
  });

  it('NetworkPolicy lets Prometheus in on the metrics port and only DNS, Kafka and Elasticsearch out', () => {
    const policy = one('NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toHaveLength(1);
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 'metrics', protocol: 'TCP' }]);
    const egressPorts = policy.spec.egress.map((rule: Manifest) => rule.ports.map((p: Manifest) => p.port));
    const kafkaPorts = config.KAFKA_BROKERS!.split(',').map((broker) => Number(broker.split(':').pop()));
    const elasticsearchPort = Number(new URL(config.ELASTICSEARCH_URL!).port || 443);
    expect(egressPorts).toEqual([[53, 53], [...new Set(kafkaPorts)], [elasticsearchPort]]);
    for (const rule of policy.spec.egress) expect(rule.to.length).toBeGreaterThan(0);
  });

  it('takes its environment from the ConfigMap and every secret from a Secret, never a literal', () => {
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    for (const name of SECRET_VARIABLES) {
      expect(config[name], `${name} must not be in the ConfigMap`).toBeUndefined();
      expect(container.env.find((e: Manifest) => e.name === name)?.value, name).toBeUndefined();
    }
    for (const entry of container.env as Manifest[]) {
      const ref = entry.valueFrom?.secretKeyRef;
      if (ref) expect(Object.keys(secretExample(ref.name).stringData), entry.name).toContain(ref.key);
    }
  });

  it('mounts every file the ConfigMap names, from a Secret key that the example shows', () => {
    const fileSettings = Object.entries(config).filter(([key]) => key.endsWith('_FILE'));
    expect(fileSettings.length).toBeGreaterThanOrEqual(4);
    for (const [key, path] of fileSettings) {
      const mount = (container.volumeMounts as Manifest[]).find((m) => path.startsWith(`${m.mountPath}/`));
      expect(mount, `${key}=${path} is not under a volume mount`).toBeDefined();
      expect(mount!.readOnly).toBe(true);
      const volume = (podSpec.volumes as Manifest[]).find((v) => v.name === mount!.name);
      const item = (volume?.secret?.items as Manifest[] | undefined)?.find((i) => `${mount!.mountPath}/${i.path}` === path);
      expect(item, `${key}: no Secret item provides ${path}`).toBeDefined();
      expect(Object.keys(secretExample(volume!.secret.secretName).stringData)).toContain(item!.key);
    }
  });

  it('names only variables the service knows', () => {
    const known = new Set([
      ...Object.keys(environmentSchema.shape),
      ...SECRET_VARIABLES.map((name) => `${name}_FILE`),
      ...VENDORS.map((vendor) => vendor.topicVariable),
      // process settings read by Node.js and glibc, not by the service
      'NODE_OPTIONS',
      'MALLOC_MMAP_THRESHOLD_',
    ]);
    const named = [...Object.keys(config), ...(container.env as Manifest[]).map((e) => e.name as string)];
    expect(named.filter((name) => !known.has(name))).toEqual([]);
    // every vendor feed is configured explicitly, so a default topic never changes under a deployment
    for (const vendor of VENDORS) expect(config[vendor.topicVariable], vendor.topicVariable).toEqual(expect.any(String));
  });

  it("the pod's environment passes the service's own configuration check", () => {
    // Lay the Secret examples out where the volumes would mount them, then load the config like main.ts does.
    const root = tempDir();
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) env[key] = value;
    for (const entry of container.env as Manifest[]) {
      if (entry.value !== undefined) env[entry.name] = entry.value;
      else if (entry.valueFrom?.secretKeyRef) {
        env[entry.name] = secretExample(entry.valueFrom.secretKeyRef.name).stringData[entry.valueFrom.secretKeyRef.key];
      } else if (entry.valueFrom?.fieldRef) env[entry.name] = 'edr-dbdump-detector-7d9c-abcde';
    }
    for (const mount of container.volumeMounts as Manifest[]) {
      const volume = (podSpec.volumes as Manifest[]).find((v) => v.name === mount.name);
      if (!volume?.secret) continue;
      const secret = secretExample(volume.secret.secretName);
      for (const item of volume.secret.items as Manifest[]) {
        const file = join(root, mount.mountPath, item.path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, secret.stringData[item.key]);
      }
    }
    for (const [key, value] of Object.entries(env)) {
      if (key.endsWith('_FILE')) env[key] = join(root, value);
    }
    const loaded = loadConfig(env, VENDORS);
    expect(loaded.feeds.map((feed) => feed.topic).sort()).toEqual(VENDORS.map((vendor) => config[vendor.topicVariable]).sort());
    expect(loaded.KAFKA_SSL).toBe(true);
    expect(loaded.KAFKA_SASL_PASSWORD).toBe('REPLACE_ME');
    expect(loaded.ELASTICSEARCH_API_KEY).toBe('REPLACE_ME');
    expect(loaded.METRICS_PORT).toBe(container.ports[0].containerPort);
  });

  it('Secret examples hold placeholders only', () => {
    for (const { file, doc } of resources.filter((r) => r.doc.kind === 'Secret')) {
      expect(doc.data, file).toBeUndefined();
      for (const [key, value] of Object.entries(doc.stringData as Record<string, string>)) {
        expect(value, `${file} ${key}`).toContain('REPLACE_ME');
        expect(value.replace(/-----(BEGIN|END) CERTIFICATE-----|REPLACE_ME|\s/g, ''), `${file} ${key}`).toBe('');
      }
    }
  });
});
