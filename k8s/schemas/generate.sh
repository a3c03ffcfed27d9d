#!/usr/bin/env bash
# Regenerates the vendored JSON schemas of the custom resources the manifests use, from
# the npm packages @kubernetes-models/* (their TypeScript types are generated from each
# project's Go API types, the source controller-gen makes the CRDs from), with
# ts-json-schema-generator. The schemas forbid unknown fields, as `kubectl apply`'s
# strict field validation does. Run it after changing a version below, then commit
# the JSON files: tests/test_k8s_eks.py validates every rendered custom resource
# against them, offline.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund \
  @kubernetes-models/external-secrets@2.0.0 \
  @kubernetes-models/keda@2.0.0 \
  @kubernetes-models/prometheus-operator@6.0.0 \
  ts-json-schema-generator@2.4.0
echo '{"compilerOptions": {"module": "nodenext", "moduleResolution": "nodenext", "skipLibCheck": true}}' > tsconfig.json
# group/version  package path  kind
while read -r api path kind; do
  out="$here/${api%/*}/${api#*/}"
  mkdir -p "$out"
  npx ts-json-schema-generator --tsconfig tsconfig.json --no-type-check \
    --path "node_modules/@kubernetes-models/$path/$kind.d.ts" --type "I$kind" \
    -o "$out/$kind.json"
  echo "$api $kind"
done <<'KINDS'
external-secrets.io/v1 external-secrets/external-secrets.io/v1 ExternalSecret
external-secrets.io/v1 external-secrets/external-secrets.io/v1 SecretStore
external-secrets.io/v1 external-secrets/external-secrets.io/v1 ClusterSecretStore
keda.sh/v1alpha1 keda/keda.sh/v1alpha1 ScaledObject
keda.sh/v1alpha1 keda/keda.sh/v1alpha1 TriggerAuthentication
monitoring.coreos.com/v1 prometheus-operator/monitoring.coreos.com/v1 PodMonitor
monitoring.coreos.com/v1 prometheus-operator/monitoring.coreos.com/v1 ServiceMonitor
monitoring.coreos.com/v1 prometheus-operator/monitoring.coreos.com/v1 PrometheusRule
KINDS
