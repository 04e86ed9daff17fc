#!/usr/bin/env bash
# Deploys the published Kubernetes manifests (NexusTrade API, Redis and the monitoring stack) to the current
# kubectl context, waits for every workload, and port-forwards Grafana, Prometheus and Alertmanager.
#
# Safe to re-run: namespaces and objects are applied (not created), and the placeholder Secrets of
# <manifests>/secrets/ are only created when missing, so real values set in the cluster are never overwritten.
# Every apply is server-side, under one field manager (nexustrade-deploy): apply by hand the same way, or a later
# server-side apply reports conflicts with the client-side one.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  cat <<EOF
Usage: scripts/deploy-monitoring.sh [options]

Applies the manifests written by the AppHost's publish step (kubectl apply --server-side -k), then waits for the rollouts and
forwards Grafana (localhost:3000), Prometheus (localhost:9090) and Alertmanager (localhost:9093) until Ctrl-C.

Options:
  --context NAME      kubectl context to use (default: the current context)
  --manifests DIR     published manifests (default: ./artifacts/k8s)
  --publish           publish the manifests into DIR first (dotnet run --project NexusTrade.AppHost ...)
  --timeout DURATION  how long each rollout may take (default: 5m)
  --no-port-forward   stop after the rollouts
  --dry-run           print every command that would change something, run none of them
  --mode MODE         bundled (default: the manifests bring their own monitoring stack) or operator (published with
                      --NexusTrade:Kubernetes:Monitoring=operator for a cluster that runs kube-prometheus-stack: stops
                      first, with one line, if the Prometheus Operator's CRDs are missing; no port-forwards)
  --allow-placeholders  apply even while a Secret still holds REPLACE_ME (a throw-away cluster; Grafana will not
                      start on its placeholder password, nor Prometheus and Alertmanager on the placeholder of
                      monitoring-auth's web-config.yml: fill that one first, scripts/monitoring-login.sh)
  --help              show this help

Secrets: <manifests>/secrets/ holds placeholder Secrets (value REPLACE_ME). They are created only when missing;
while any key of them still holds REPLACE_ME the script stops before applying and prints the command that fills it.
Real values set in the cluster are kept when it is re-run. After changing grafana-admin, restart Grafana
(kubectl -n monitoring rollout restart deployment/grafana): it resets its admin password from the Secret at start.
EOF
}

context=""
manifests="./artifacts/k8s"
publish=false
port_forward=true
dry_run=false
allow_placeholders=false
timeout="5m"
mode=bundled

while [ $# -gt 0 ]; do
  case "$1" in
    --context) [ $# -ge 2 ] || { echo "deploy: --context needs a name" >&2; exit 2; }; context=$2; shift 2 ;;
    --manifests) [ $# -ge 2 ] || { echo "deploy: --manifests needs a directory" >&2; exit 2; }; manifests=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || { echo "deploy: --timeout needs a duration" >&2; exit 2; }; timeout=$2; shift 2 ;;
    --mode) [ $# -ge 2 ] || { echo "deploy: --mode needs bundled or operator" >&2; exit 2; }; mode=$2; shift 2 ;;
    --publish) publish=true; shift ;;
    --no-port-forward) port_forward=false; shift ;;
    --dry-run) dry_run=true; shift ;;
    --allow-placeholders) allow_placeholders=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "deploy: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

case "$mode" in bundled | operator) ;; *) echo "deploy: --mode is '$mode': use bundled or operator" >&2; exit 2 ;; esac

kubectl_args=()
if [ -n "$context" ]; then kubectl_args=(--context "$context"); fi
# As typed by hand, for the pipelines a dry run prints.
printf -v kubectl_shown ' %q' kubectl "${kubectl_args[@]}"
kubectl_shown=${kubectl_shown# }
# Absolute, so that the publish step (another working directory) writes where this script reads.
manifests=$(realpath -m -- "$manifests")

# Prints a command as it would be typed.
show() {
  local quoted
  printf -v quoted ' %q' "$@"
  echo "+${quoted}"
}

# Runs a command that changes something; in a dry run, only prints it.
run() {
  show "$@"
  if [ "$dry_run" = false ]; then "$@"; fi
}

kube() {
  run kubectl "${kubectl_args[@]}" "$@"
}

# One apply mode for everything: server-side, as one field manager.
field_manager=nexustrade-deploy
kube_apply() {
  kube apply --server-side --field-manager="$field_manager" "$@"
}

command -v kubectl >/dev/null 2>&1 || { echo "deploy: kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/)" >&2; exit 1; }

if [ -n "$context" ]; then
  kubectl config get-contexts "$context" >/dev/null 2>&1 || { echo "deploy: kubectl has no context '$context'" >&2; exit 1; }
  current=$context
elif ! current=$(kubectl config current-context 2>/dev/null); then
  if [ "$dry_run" = false ]; then
    echo "deploy: kubectl has no current context: pass --context NAME or run kubectl config use-context" >&2
    exit 1
  fi
  current="(none)"
fi
echo "deploy: kubectl context: $current"

# Operator mode: the objects are for the cluster's Prometheus Operator, whose CRDs must exist before anything is applied.
if [ "$mode" = operator ]; then
  missing_crds=()
  for crd in servicemonitors probes prometheusrules; do
    kubectl "${kubectl_args[@]}" get crd "$crd.monitoring.coreos.com" >/dev/null 2>&1 || missing_crds+=("$crd.monitoring.coreos.com")
  done
  if [ "${#missing_crds[@]}" -gt 0 ]; then
    echo "deploy: the cluster has no Prometheus Operator CRDs ${missing_crds[*]}: install kube-prometheus-stack (or its CRDs) first, or deploy with --mode bundled" >&2
    exit 1
  fi
fi

if [ "$publish" = true ]; then
  publish_mode=()
  if [ "$mode" = operator ]; then publish_mode=(--NexusTrade:Kubernetes:Monitoring=operator); fi
  run dotnet run --project "$repo_root/NexusTrade.AppHost" -- --operation publish --step publish --output-path "$manifests" "${publish_mode[@]}"
fi

if [ ! -f "$manifests/kustomization.yaml" ] || [ ! -f "$manifests/index.tsv" ]; then
  if [ "$dry_run" = false ]; then
    echo "deploy: $manifests has no kustomization.yaml and index.tsv of a publish: publish first (--publish, or aspire publish -o $manifests)" >&2
    exit 1
  fi
  echo "deploy: $manifests is not published yet: its namespaces, Secrets and workloads are listed once it is" >&2
fi

# What was published, from the index the publisher writes beside the manifests (index.tsv: file, kind, namespace, name,
# a placeholder Secret's keys), so that no YAML is parsed here: the manifests' files, the Secrets, the workloads.
index="$manifests/index.tsv"
resource_files=() secret_rows=() workloads=() placeholder="" login_user="" login_secret="" login_key=""
if [ -f "$index" ]; then
  placeholder=$(sed -n 's/^# placeholder: //p' "$index")
  # The monitoring login on Prometheus and Alertmanager: user, Secret (namespace monitoring), password key.
  read -r login_user login_secret login_key <<<"$(sed -n 's/^# login: //p' "$index")" || true
  declare -A seen_files=()
  while IFS=$'\t' read -r file kind namespace name keys; do
    case "$file" in "#"* | "") continue ;; esac
    case "$file" in
      secrets/*) secret_rows+=("$file $namespace $name ${keys//,/ }") ;;
      *) [ -n "${seen_files[$file]:-}" ] || { seen_files[$file]=1; resource_files+=("$manifests/$file"); } ;;
    esac
    case "$kind" in Deployment | StatefulSet | DaemonSet) workloads+=("$kind $namespace $name") ;; esac
  done < "$index"
fi

# 1. Namespaces first, with their Pod Security labels: the Secrets below live in them.
if [ -f "$manifests/namespaces.yaml" ] || [ "$dry_run" = true ]; then
  kube_apply -f "$manifests/namespaces.yaml"
fi

# 2. Placeholder Secrets, only where none exists yet; then every key still holding the placeholder.
placeholder_base64=$(printf '%s' "$placeholder" | base64)
placeholders=()

# The keys of a Secret in the cluster whose value is still the placeholder (values are compared encoded, never printed).
secret_placeholder_keys() {
  kubectl "${kubectl_args[@]}" get secret -n "$1" "$2" -o 'jsonpath={.data}' 2>/dev/null |
    grep -o "\"[^\"]*\":\"$placeholder_base64\"" | cut -d'"' -f2 || true
}

for row in "${secret_rows[@]}"; do
  read -r file namespace name file_keys <<<"$row"
  file="$manifests/$file"
  if [ "$dry_run" = true ]; then
    echo "+ $kubectl_shown get secret -n $namespace $name || $kubectl_shown apply --server-side --field-manager=$field_manager -f $file"
    continue
  elif kubectl "${kubectl_args[@]}" get secret -n "$namespace" "$name" >/dev/null 2>&1; then
    echo "deploy: Secret $namespace/$name exists: kept as it is"
    keys=$(secret_placeholder_keys "$namespace" "$name")
  else
    kube_apply -f "$file"
    keys=$file_keys
  fi
  if [ -n "$keys" ]; then placeholders+=("$namespace $name $(tr '\n' ' ' <<<"$keys")"); fi
done

if [ "${#placeholders[@]}" -gt 0 ]; then
  if [ "$allow_placeholders" = true ]; then
    echo "deploy: applying with placeholder values ($placeholder) left in: ${placeholders[*]}" >&2
  else
    echo "deploy: Secrets still hold placeholder values ($placeholder); nothing else was applied. Put each value in a file named after its key, then fill the Secret and re-run:" >&2
    for entry in "${placeholders[@]}"; do
      read -r namespace name keys <<<"$entry"
      from_files=""
      # The monitoring login's web configuration holds the password's bcrypt hash: a script writes both files.
      if [ "$name" = "$login_secret" ]; then
        echo "  scripts/monitoring-login.sh \"\$(mktemp -d)\"   (writes both keys of $name, the hash from the password, and prints the command)" >&2
        continue
      fi
      for key in $keys; do from_files+=" --from-file=$key=./$key"; done
      echo "  $kubectl_shown create secret generic $name -n $namespace$from_files --dry-run=client -o yaml | $kubectl_shown apply --server-side --field-manager=$field_manager -f -" >&2
    done
    echo "deploy: (what each key holds: kubectl get secret -n NAMESPACE NAME -o jsonpath='{.metadata.annotations.nexustrade\.io/replace-before-use}'; --allow-placeholders applies anyway)" >&2
    exit 1
  fi
fi

# 3. What the manifests need of the cluster and cannot bring: a warning each, before applying.
if [ "$dry_run" = false ] && [ "${#resource_files[@]}" -gt 0 ]; then
  # Claims that name no StorageClass are served by the cluster's default class; without one they stay Pending.
  if grep -q '^kind: PersistentVolumeClaim\|volumeClaimTemplates:' "${resource_files[@]}" && ! grep -q 'storageClassName:' "${resource_files[@]}"; then
    defaults=$(kubectl "${kubectl_args[@]}" get storageclass \
      -o 'jsonpath={range .items[*]}{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}{"\n"}{end}' 2>/dev/null || true)
    if ! grep -qx true <<<"$defaults"; then
      echo "deploy: warning: the cluster has no default StorageClass and the manifests name none: the PersistentVolumeClaims (Prometheus, Alertmanager, Redis, Grafana) will stay Pending. Publish with --NexusTrade:Kubernetes:StorageClassName=NAME (kubectl get storageclass lists them), or mark a class as the default." >&2
    fi
  fi
  # The HPA (NexusTrade:Kubernetes:Autoscaling=cpu) reads the resource metrics API, which metrics-server provides.
  if grep -q '^kind: HorizontalPodAutoscaler' "${resource_files[@]}" && ! kubectl "${kubectl_args[@]}" get --raw /apis/metrics.k8s.io/v1beta1 >/dev/null 2>&1; then
    echo "deploy: warning: the manifests autoscale the API on CPU, but the cluster serves no resource metrics API (metrics.k8s.io): install metrics-server, or publish with --NexusTrade:Kubernetes:Autoscaling=off. Until then the API stays at its minimum replicas and KubeHpaScalingInactive fires." >&2
  fi
fi

# 4. Everything else.
kube_apply -k "$manifests"

# 5. Wait for every workload.
for workload in "${workloads[@]}"; do
  read -r kind namespace name <<<"$workload"
  kube rollout status -n "$namespace" "$(tr '[:upper:]' '[:lower:]' <<<"$kind")/$name" --timeout="$timeout"
done

if [ "$port_forward" = false ] || [ "$mode" = operator ]; then
  # The chart's Grafana shows the dashboards (folder NexusTrade): kubectl port-forward to its Service as the chart's notes say.
  if [ "$mode" = operator ]; then echo "deploy: the dashboards are in the cluster's Grafana, folder NexusTrade"; fi
  echo "deploy: done"
  exit 0
fi

# 6. Port-forwards in the background, stopped when the script exits.
forward_pids=()
stop_forwarding() {
  for pid in "${forward_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_forwarding EXIT
trap 'exit 130' INT TERM

for forward in grafana:3000 prometheus:9090 alertmanager:9093; do
  service=${forward%%:*}
  port=${forward##*:}
  if [ "$dry_run" = true ]; then
    show kubectl "${kubectl_args[@]}" port-forward -n monitoring "svc/$service" "$port:$port"
  else
    kubectl "${kubectl_args[@]}" port-forward -n monitoring "svc/$service" "$port:$port" >/dev/null &
    forward_pids+=("$!")
  fi
done

if [ "$dry_run" = true ]; then exit 0; fi
echo "deploy: Grafana http://localhost:3000  Prometheus http://localhost:9090  Alertmanager http://localhost:9093  (Ctrl-C to stop)"
echo "deploy: Grafana: user admin, password in Secret monitoring/grafana-admin (key admin-password)."
echo "deploy: Prometheus and Alertmanager: user $login_user, password in Secret monitoring/$login_secret (key $login_key):"
echo "  $kubectl_shown get secret -n monitoring $login_secret -o jsonpath='{.data.$login_key}' | base64 -d"
wait
