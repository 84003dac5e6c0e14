#!/usr/bin/env bash
# podman as `make image` and ImageIT run it: runc (crun refuses hybrid cgroup v1/v2 hosts), the cgroupfs manager
# (no systemd needed) and scripts/containers.conf (no default ulimits). Set CONTAINERS_CONF to use your own file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
runtime=()
if runc="$(command -v runc || ls /usr/sbin/runc 2>/dev/null)"; then
  runtime=(--runtime "$runc")
fi
exec podman "${runtime[@]}" --cgroup-manager=cgroupfs "$@"
