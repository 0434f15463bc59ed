// Offline checks of deploy/k8s: Kubernetes JSON schemas, CRD shape, and that the resources agree with each
// other and with the service (ports, probes, secrets, shutdown bound, partition ceiling, configuration).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { environmentSchema, SECRET_VARIABLES } from '../../src/config/schema.js';
import { VENDORS } from '../../src/vendors/index.js';
import { renderPrometheusRule } from '../../scripts/deploy/render-prometheus-rule.js';
import { parseYamlFile, parseYamlFiles, readRepoFile, repoPath, runTool, toolAvailable } from './repo-tools.js';

// Manifests are free-form JSON; the assertions below are what gives them a shape.
type Manifest = Record<string, any>;

const K8S_DIR = repoPath('deploy', 'k8s');
// The oldest Kubernetes minor the base supports and the newest kubernetes-validate knows.
const KUBERNETES_VERSIONS = ['1.30.0', '1.37.0'];
const CORE_API_GROUPS = /^(v1|apps\/v1|policy\/v1|networking\.k8s\.io\/v1|autoscaling\/v2)$/;
const SHUTDOWN_BOUND_MS = 20_000;
// KAFKA_SASL_MECHANISM values and the names KEDA's Kafka scaler gives the same mechanisms
const KEDA_SASL: Record<string, string> = { plain: 'plaintext', 'scram-sha-256': 'scram_sha256', 'scram-sha-512': 'scram_sha512' };

const yamlFiles = readdirSync(K8S_DIR).filter((name) => name.endsWith('.yaml')).sort();
const parsed = parseYamlFiles(yamlFiles.map((name) => join(K8S_DIR, name)));
const documentsByFile = new Map(yamlFiles.map((name, i) => [name, (parsed[i] ?? []) as Manifest[]]));
const manifestFiles = yamlFiles.filter((name) => name !== 'kustomization.yaml');
const resources = manifestFiles.map((name) => ({ file: name, doc: documentsByFile.get(name)?.[0] as Manifest }));
const kustomization = documentsByFile.get('kustomization.yaml')?.[0] as Manifest;

function one(kind: string, exampleOnly = false): Manifest {
  const found = resources.filter((r) => r.doc.kind === kind && r.file.endsWith('.example.yaml') === exampleOnly);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.map((r) => r.file).join(', ') || 'none'}`);
  return found[0]!.doc;
}

function secretExample(name: string): Manifest {
  const found = resources.find((r) => r.doc.kind === 'Secret' && r.doc.metadata?.name === name);
  if (!found) throw new Error(`no Secret example named ${name}`);
  return found.doc;
}

const deployment = one('Deployment');
const podSpec = deployment.spec.template.spec as Manifest;
const container = podSpec.containers[0] as Manifest;
const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
const configMap = one('ConfigMap');
const config = configMap.data as Record<string, string>;

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edr-k8s-'));
  temporary.push(dir);
  return dir;
}

function kubernetesValidate(paths: readonly string[], version: string): { status: number; output: string } {
  const result = runTool('kubernetes-validate', ['--strict', '-k', version, ...paths]);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('kustomize layout', () => {
  it('lists every resource file exactly once, leaving out only the *.example.yaml Secrets', () => {
    const listed = kustomization.resources as string[];
    expect(new Set(listed).size).toBe(listed.length);
    const expected = manifestFiles.filter((name) => !name.endsWith('.example.yaml'));
    expect([...listed].sort()).toEqual(expected);
    expect(manifestFiles.filter((name) => name.endsWith('.example.yaml')).map((n) => documentsByFile.get(n)?.[0]?.kind)).toEqual([
      'Secret',
      'Secret',
    ]);
  });

  it('holds one resource per file', () => {
    for (const name of manifestFiles) {
      const docs = (documentsByFile.get(name) ?? []).filter((doc) => doc !== null);
      expect(docs, name).toHaveLength(1);
      expect(docs[0]?.apiVersion, name).toEqual(expect.any(String));
      expect(docs[0]?.kind, name).toEqual(expect.any(String));
      expect(docs[0]?.metadata?.name, name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('builds with kustomize, and the built resources pass the schemas', { skip: !toolAvailable('kubectl') }, () => {
    const built = runTool('kubectl', ['kustomize', K8S_DIR]);
    expect(built.status, built.stderr).toBe(0);
    const out = join(tempDir(), 'built.yaml');
    writeFileSync(out, built.stdout);
    for (const version of KUBERNETES_VERSIONS) {
      const result = kubernetesValidate([out], version);
      expect(result.status, result.output).toBe(0);
      expect(result.output).not.toMatch(/ERROR|failed validation/);
    }
    expect(built.stdout).toContain('image: ghcr.io/your-org/edr-dbdump-detector:0.1.0');
    const namespaces = [...built.stdout.matchAll(/^ {2}namespace: (\S+)$/gm)].map((m) => m[1]);
    expect(namespaces).toHaveLength(kustomization.resources.length);
    expect(new Set(namespaces)).toEqual(new Set(['edr-detection']));
  });
});

describe('Kubernetes schemas (kubernetes-validate, strict: unknown fields are errors)', () => {
  const core = resources.filter((r) => CORE_API_GROUPS.test(r.doc.apiVersion));

  it.each(KUBERNETES_VERSIONS)('every built-in resource is valid for Kubernetes %s', (version) => {
    expect(core.map((r) => r.doc.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Secret', 'Secret', 'Service', 'ServiceAccount'],
    );
    const result = kubernetesValidate(core.map((r) => join(K8S_DIR, r.file)), version);
    expect(result.status, result.output).toBe(0);
    expect(result.output.match(/passed for resource/g) ?? []).toHaveLength(core.length);
  });

  it('the validator is not a no-op: a Deployment with a misspelt field and a string port fails', () => {
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = '9464';
    broken.spec.replica = 2;
    const file = join(tempDir(), 'broken-deployment.yaml');
    writeFileSync(file, JSON.stringify(broken));
    const result = kubernetesValidate([file], KUBERNETES_VERSIONS[0]!);
    expect(result.status).not.toBe(0);
  });
});

// kubernetes-validate has no CRD schemas: required structure is checked field by field, and against the
// CRD schemas of @kubernetes-models when those packages are installed.
describe('custom resources', () => {
  it('ServiceMonitor selects the Service and scrapes its metrics port', () => {
    const monitor = one('ServiceMonitor');
    const service = one('Service');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(selects(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.spec.endpoints).toHaveLength(1);
    const endpoint = monitor.spec.endpoints[0];
    expect(service.spec.ports.map((p: Manifest) => p.name)).toContain(endpoint.port);
    expect(endpoint.path).toBe('/metrics');
    expect(endpoint.interval).toMatch(/^\d+[sm]$/);
  });

  it('PrometheusRule is the rendering of deploy/prometheus/rules.yml', () => {
    const rulesYaml = readRepoFile('deploy', 'prometheus', 'rules.yml');
    expect(readRepoFile('deploy', 'k8s', 'prometheusrule.yaml')).toBe(renderPrometheusRule(rulesYaml));
    const rule = one('PrometheusRule');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.spec).toEqual(parseYamlFile(repoPath('deploy', 'prometheus', 'rules.yml')));
    for (const group of rule.spec.groups) {
      expect(group.name).toEqual(expect.any(String));
      for (const r of group.rules) expect(r.expr).toEqual(expect.any(String));
    }
  });

  it('ScaledObject targets the Deployment with a Kafka trigger on the service\'s group and brokers', () => {
    const scaled = one('ScaledObject');
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaled.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(scaled.spec.triggers).toHaveLength(1);
    const trigger = scaled.spec.triggers[0];
    expect(trigger.type).toBe('kafka');
    expect(trigger.metadata.consumerGroup).toBe(config.KAFKA_GROUP_ID);
    expect(trigger.metadata.bootstrapServers).toBe(config.KAFKA_BROKERS);
    // KEDA reads every trigger metadata value as a string
    for (const [key, value] of Object.entries(trigger.metadata)) expect(typeof value, key).toBe('string');
    expect(trigger.metadata.allowIdleConsumers).toBe('false');
    expect(trigger.metadata.topic, 'no topic: lag over all the group\'s topics').toBeUndefined();
    expect(trigger.metadata.sasl).toBe(KEDA_SASL[config.KAFKA_SASL_MECHANISM ?? '']);
    expect(trigger.metadata.tls).toBe(config.KAFKA_SSL === 'true' ? 'enable' : 'disable');
    expect(trigger.authenticationRef.name).toBe(one('TriggerAuthentication').metadata.name);
  });

  it('TriggerAuthentication reads the same Secret keys the pods use', () => {
    const auth = one('TriggerAuthentication');
    expect(auth.apiVersion).toBe('keda.sh/v1alpha1');
    const refs = auth.spec.secretTargetRef as Manifest[];
    expect(refs.map((ref) => ref.parameter).sort()).toEqual(['ca', 'password', 'username']);
    for (const ref of refs) expect(Object.keys(secretExample(ref.name).stringData), ref.parameter).toContain(ref.key);
  });

  it('validates against the CRD schemas of @kubernetes-models when those packages are installed', async (context) => {
    const loaded = await loadCrdModels();
    if (!loaded) return context.skip('@kubernetes-models/prometheus-operator and @kubernetes-models/keda are not installed');
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'ScaledObject', 'TriggerAuthentication']) {
      const Model = loaded[kind];
      expect(Model, kind).toBeDefined();
      expect(() => new Model!(one(kind)).validate(), kind).not.toThrow();
    }
  });
});

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

  it('gives SIGTERM more time than the service\'s shutdown bound', () => {
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
    const heap = /--max-old-space-size=(\d+)/.exec(
      container.env.find((e: Manifest) => e.name === 'NODE_OPTIONS')?.value ?? '',
    );
    if (heap) expect(Number(heap[1])).toBeLessThan(mebibytes(container.resources.limits.memory));
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

  it('Service exposes the container\'s metrics port', () => {
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
      'NODE_OPTIONS',
    ]);
    const named = [...Object.keys(config), ...(container.env as Manifest[]).map((e) => e.name as string)];
    expect(named.filter((name) => !known.has(name))).toEqual([]);
    // every vendor feed is configured explicitly, so a default topic never changes under a deployment
    for (const vendor of VENDORS) expect(config[vendor.topicVariable], vendor.topicVariable).toEqual(expect.any(String));
  });

  it('the pod\'s environment passes the service\'s own configuration check', () => {
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
    expect(loaded.feeds.map((feed) => feed.topic).sort()).toEqual(
      VENDORS.map((vendor) => config[vendor.topicVariable]).sort(),
    );
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

// The CRD models are optional devDependencies; imported by a computed name so type-checking does not need them.
type CrdModel = new (data: unknown) => { validate(): void };
async function loadCrdModels(): Promise<Record<string, CrdModel> | undefined> {
  const modules = [
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
    '@kubernetes-models/keda/keda.sh/v1alpha1',
  ];
  try {
    const loaded = await Promise.all(modules.map((name) => import(name) as Promise<Record<string, CrdModel>>));
    return Object.assign({}, ...loaded) as Record<string, CrdModel>;
  } catch {
    return undefined;
  }
}
