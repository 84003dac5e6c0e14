#!/usr/bin/env bash
# Places kube-apiserver, etcd and kubectl where fabric8 kube-api-test looks for them:
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/
# Already there: nothing to do. Otherwise they are built from the Go module proxy
# (no prebuilt-binary download site is reachable here). Without Go, kube-api-test's
# own download is left to do the job on machines that have internet.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.34.4}"
ETCD_VERSION="${ETCD_VERSION:-3.6.4}"
ARCH="$(go env GOARCH 2>/dev/null || echo amd64)"
BASE_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
TARGET="$BASE_DIR/k8s/${K8S_VERSION}-linux-${ARCH}"
WORK="${K8S_BUILD_DIR:-$HOME/.cache/ptr-operator/k8s-build}"

log() { printf '[k8s-test-binaries] %s\n' "$*" >&2; }

if [[ -x "$TARGET/kube-apiserver" && -x "$TARGET/etcd" && -x "$TARGET/kubectl" ]]; then
  log "present in $TARGET"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  log "no Go toolchain: kube-api-test will download Kubernetes $K8S_VERSION itself"
  exit 0
fi

export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
start=$(date +%s)
mkdir -p "$TARGET" "$WORK/kubernetes" "$WORK/etcd"

# --- kube-apiserver and kubectl -------------------------------------------------------------
# k8s.io/kubernetes refuses `go install` because its go.mod replaces the staging modules with
# local paths; a wrapper module repeats those replaces with the published v0.x versions.
cd "$WORK/kubernetes"
staging_minor="v0.${K8S_VERSION#1.}"
if [[ ! -f go.mod ]] || ! grep -q "k8s.io/kubernetes v${K8S_VERSION}\$" go.mod; then
  rm -f go.mod go.sum
  go mod init ptr-operator.local/k8s-binaries >/dev/null 2>&1
  upstream_gomod=$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  go mod edit -require "k8s.io/kubernetes@v${K8S_VERSION}"
  # every `k8s.io/x => ./staging/src/k8s.io/x` upstream becomes `k8s.io/x => k8s.io/x v0.N.M`
  for module in $(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$upstream_gomod"); do
    go mod edit -replace "${module}=${module}@${staging_minor}"
  done
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubectl/pkg/cmd"
)
GO
  go mod tidy >/dev/null
fi
git_minor="${K8S_VERSION#1.}"; git_minor="${git_minor%%.*}"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION} \
 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${git_minor} \
 -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/client-go/pkg/version.gitVersion=v${K8S_VERSION} \
 -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=${git_minor}"
log "building kube-apiserver v${K8S_VERSION}"
go build -trimpath -ldflags "$ldflags" -o "$TARGET/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
log "building kubectl v${K8S_VERSION}"
go build -trimpath -ldflags "$ldflags" -o "$TARGET/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl

# --- etcd ----------------------------------------------------------------------------------
cd "$WORK/etcd"
if [[ ! -f go.mod ]] || ! grep -q "go.etcd.io/etcd/server/v3 v${ETCD_VERSION}\$" go.mod; then
  rm -f go.mod go.sum
  go mod init ptr-operator.local/etcd-binary >/dev/null 2>&1
  go mod edit -require "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}"
  cat > tools.go <<'GO'
//go:build tools

package tools

import _ "go.etcd.io/etcd/server/v3"
GO
  go mod tidy >/dev/null
fi
log "building etcd v${ETCD_VERSION}"
go build -trimpath -ldflags "-s -w" -o "$TARGET/etcd.tmp" go.etcd.io/etcd/server/v3

for binary in kube-apiserver kubectl etcd; do mv "$TARGET/$binary.tmp" "$TARGET/$binary"; done
log "built into $TARGET in $(( $(date +%s) - start ))s"
