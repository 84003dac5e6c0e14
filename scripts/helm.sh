#!/usr/bin/env bash
# Builds a real helm v3 from the Go module proxy (no release-download site is reachable here) into
#   ${HELM_BIN_DIR:-$HOME/.cache/ptr-operator/bin}/helm
# Already there at the wanted version: nothing to do. Prints the binary's path on stdout.
# Measured 2026-11-28 on the 2-core dev machine (shared, load ~8): a cold build (empty GOMODCACHE and
# GOCACHE, 113 modules, 438 MB modules + 730 MB build cache) took 4m23s wall, 189s user CPU, 880 MB RSS;
# `go install` was not refused (helm v3.19.0 has no replace directives), so the wrapper module is a fallback.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.19.0}"
BIN_DIR="${HELM_BIN_DIR:-$HOME/.cache/ptr-operator/bin}"
WORK="${HELM_BUILD_DIR:-$HOME/.cache/ptr-operator/helm-build}"
HELM="$BIN_DIR/helm"

log() { printf '[helm.sh] %s\n' "$*" >&2; }

if [[ -x "$HELM" ]] && "$HELM" version --short 2>/dev/null | grep -q "^${HELM_VERSION}+\?"; then
  log "present: $HELM ($("$HELM" version --short))"
  echo "$HELM"
  exit 0
fi

GO="$(command -v go || true)"
[[ -z "$GO" && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
if [[ -z "$GO" ]]; then
  log "no Go toolchain found (PATH or /usr/local/go/bin/go); cannot build helm"
  exit 1
fi

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local GOBIN="$BIN_DIR"
mkdir -p "$BIN_DIR"
# helm reports its version from this variable; without it `helm version` says v3.x-dev-ish defaults
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}"
start=$(date +%s)

if ! "$GO" install -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"; then
  # `go install pkg@version` is refused when the module's go.mod has replace directives:
  # build from a wrapper module that requires helm instead.
  log "go install refused; building through a wrapper module in $WORK"
  mkdir -p "$WORK" && cd "$WORK"
  rm -f go.mod go.sum
  "$GO" mod init ptr-operator.local/helm >/dev/null 2>&1
  "$GO" mod edit -require "helm.sh/helm/v3@${HELM_VERSION}"
  cat > tools.go <<'GO'
//go:build tools

package tools

import _ "helm.sh/helm/v3/cmd/helm"
GO
  "$GO" mod tidy >/dev/null
  "$GO" build -ldflags "$ldflags" -o "$HELM" helm.sh/helm/v3/cmd/helm
fi

log "built $HELM ($("$HELM" version --short)) in $(( $(date +%s) - start ))s"
echo "$HELM"
