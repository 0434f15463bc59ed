// Loads deploy/k8s once for the manifest tests: every file's documents, lookups by kind, label selection.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlFiles, repoPath } from './repo-tools.js';

// Manifests are free-form JSON; the tests' assertions are what gives them a shape.
export type Manifest = Record<string, any>;

export const K8S_DIR = repoPath('deploy', 'k8s');

const yamlFiles = readdirSync(K8S_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort();
const parsed = parseYamlFiles(yamlFiles.map((name) => join(K8S_DIR, name)));
export const documentsByFile = new Map(yamlFiles.map((name, i) => [name, (parsed[i] ?? []) as Manifest[]]));
export const manifestFiles = yamlFiles.filter((name) => name !== 'kustomization.yaml');
export const resources = manifestFiles.map((name) => ({ file: name, doc: documentsByFile.get(name)?.[0] as Manifest }));
export const kustomization = documentsByFile.get('kustomization.yaml')?.[0] as Manifest;

/** The single resource of a kind (the *.example.yaml Secrets only when asked for). */
export function one(kind: string, exampleOnly = false): Manifest {
  const found = resources.filter((r) => r.doc.kind === kind && r.file.endsWith('.example.yaml') === exampleOnly);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.map((r) => r.file).join(', ') || 'none'}`);
  return found[0]!.doc;
}

export function secretExample(name: string): Manifest {
  const found = resources.find((r) => r.doc.kind === 'Secret' && r.doc.metadata?.name === name);
  if (!found) throw new Error(`no Secret example named ${name}`);
  return found.doc;
}

/** matchLabels semantics: every pair present; an empty selector selects nothing here, by policy. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

export const deployment = one('Deployment');
export const podSpec = deployment.spec.template.spec as Manifest;
export const container = podSpec.containers[0] as Manifest;
export const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
export const configMap = one('ConfigMap');
export const config = configMap.data as Record<string, string>;
