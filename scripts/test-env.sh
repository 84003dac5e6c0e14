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

# dnsperf and adns-tools: the baselines of the benchmark (its smoke test BenchSmokeIT runs in make test);
# prometheus: for promtool, which AlertRulesIT runs on the chart's PrometheusRule
packages=(pdns-server pdns-backend-sqlite3 bind9 bind9-utils bind9-dnsutils sqlite3 dnsperf adns-tools prometheus)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  # policy-rc.d may forbid starting services; the tests start their own servers anyway
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

scripts/k8s-test-binaries.sh
scripts/helm.sh >/dev/null
scripts/kstatus.sh >/dev/null
log "ready"
