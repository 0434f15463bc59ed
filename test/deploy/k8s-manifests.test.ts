// Offline checks of deploy/k8s against the Kubernetes JSON schemas (kubernetes-validate), the kustomize
// build, and the custom resources' required structure; k8s-wiring.test.ts checks how the resources agree.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPrometheusRule } from '../../scripts/deploy/render-prometheus-rule.js';
import {
  config,
  deployment,
  documentsByFile,
  K8S_DIR,
  kustomization,
  manifestFiles,
  one,
  resources,
  secretExample,
  selects,
  type Manifest,
} from './k8s-manifests.js';
import { parseYamlFile, readRepoFile, repoPath, runTool, tempDir, toolAvailable } from './repo-tools.js';

// The oldest Kubernetes minor the base supports and the newest kubernetes-validate knows.
const KUBERNETES_VERSIONS = ['1.30.0', '1.37.0'];
const CORE_API_GROUPS = /^(v1|apps\/v1|policy\/v1|networking\.k8s\.io\/v1|autoscaling\/v2)$/;
// KAFKA_SASL_MECHANISM values and the names KEDA's Kafka scaler gives the same mechanisms
const KEDA_SASL: Record<string, string> = { plain: 'plaintext', 'scram-sha-256': 'scram_sha256', 'scram-sha-512': 'scram_sha512' };

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
    expect(core.map((r) => r.doc.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Secret',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
    const result = kubernetesValidate(
      core.map((r) => join(K8S_DIR, r.file)),
      version,
    );
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

  it("ScaledObject targets the Deployment with a Kafka trigger on the service's group and brokers", () => {
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
    expect(trigger.metadata.topic, "no topic: lag over all the group's topics").toBeUndefined();
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

  it('validates the custom resources against their CRD schemas (@kubernetes-models)', async () => {
    const loaded = await loadCrdModels();
    expect(loaded, '@kubernetes-models/prometheus-operator and @kubernetes-models/keda (devDependencies) load').toBeTruthy();
    if (!loaded) return;
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'ScaledObject', 'TriggerAuthentication']) {
      const Model = loaded[kind];
      expect(Model, kind).toBeDefined();
      expect(() => new Model!(one(kind)).validate(), kind).not.toThrow();
    }
  });
});

// The CRD models (devDependencies) are imported by a computed name so type-checking does not depend on their typings.
type CrdModel = new (data: unknown) => { validate(): void };
async function loadCrdModels(): Promise<Record<string, CrdModel> | undefined> {
  const modules = ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', '@kubernetes-models/keda/keda.sh/v1alpha1'];
  try {
    const loaded = await Promise.all(modules.map((name) => import(name) as Promise<Record<string, CrdModel>>));
    return Object.assign({}, ...loaded) as Record<string, CrdModel>;
  } catch {
    return undefined;
  }
}
