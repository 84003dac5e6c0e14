#!/usr/bin/env bash
# Prepares everything the tests and the demo need on a fresh Debian machine (run as root, or with sudo):
# authoritative DNS servers and promtool from Debian, and kube-apiserver/etcd/kubectl, helm and the kstatus
# helper built from the Go module proxy.
# Every step is skipped when already done, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test-env] %s\n' "$*" >&2; }

# Go lives here on these machines; a non-login shell may not have it on PATH
[[ -d /usr/local/go/bin ]] && export PATH="$PATH:/usr/local/go/bin"

# dnsperf and adns-tools: the baselines of the benchmark (its smoke test BenchSmokeIT runs in make test)
# podman, runc, mmdebstrap: ImageIT builds the operator image (scripts/image.sh) and runs it
# prometheus: for promtool, which AlertRulesIT runs on the chart's PrometheusRule
packages=(pdns-server pdns-backend-sqlite3 bind9 bind9-utils bind9-dnsutils sqlite3 dnsperf adns-tools
  podman runc mmdebstrap prometheus)
scripts/apt-ensure.sh "${packages[@]}"

scripts/k8s-test-binaries.sh
scripts/helm.sh >/dev/null
scripts/kstatus.sh >/dev/null
log "ready"
