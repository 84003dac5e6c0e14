#!/usr/bin/env bash
# `make image`: builds the operator image from target/ptr-operator.jar with podman (installed from Debian when missing).
#   scripts/image.sh                   bases built here from Debian packages (no registry needed), cached
#   BASES=published scripts/image.sh   the Dockerfile's default bases (eclipse-temurin JDK, distroless cc): needs a registry
#   IMAGE=registry.example.com/ptr-operator:1.2.3 scripts/image.sh   another name (default ghcr.io/mailops/ptr-operator:<version>)
#   scripts/image.sh --name            prints the image name and tag it builds, and nothing else
#   scripts/image.sh --modules         prints the Java modules the jar and its dependencies use (jdeps), for the Dockerfile
#   scripts/image.sh --naive           builds localhost/ptr-operator-naive (full JRE, java -jar): the benchmark's "before"
# The image tag is the project version without -SNAPSHOT, the tag deploy/ and the Helm chart reference.
# The last line of the output is the image name.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[image] %s\n' "$*" >&2; }

project_version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)"
IMAGE="${IMAGE:-ghcr.io/mailops/ptr-operator:${project_version%-SNAPSHOT}}"
if [[ "${1:-}" == --name ]]; then
  echo "$IMAGE"
  exit 0
fi

if [[ "${1:-}" == --modules ]]; then
  mvn -B -q dependency:build-classpath -Dincludescope=runtime -Dmdep.outputFile=target/classpath-runtime.txt
  # every dependency jar as a root: a walk from our classes misses what is reached by reflection or ServiceLoader
  # shellcheck disable=SC2046
  jdeps --ignore-missing-deps --multi-release 17 -q --print-module-deps target/classes \
    $(tr ':' ' ' < target/classpath-runtime.txt)
  exit 0
fi

scripts/apt-ensure.sh podman runc mmdebstrap
podman=(scripts/podman.sh)

JAR=target/ptr-operator.jar
[[ -f "$JAR" ]] || { log "$JAR is missing: run 'make jar' (or 'make image', which builds it)"; exit 1; }
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
SUITE=bookworm
# bump when a base recipe below changes, so that cached bases are rebuilt
RECIPE=2
work=target/image
mkdir -p "$work"

# The host's APT sources (Debian's mirror or a local one) serve the packages of the bases.
sources() {
  local f
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [[ -s "$f" ]] && { echo "$f"; return; }
  done
  echo "http://deb.debian.org/debian"
}

# Builds a base with mmdebstrap unless podman's store has it: $1 tag, $2 a Dockerfile instruction, rest mmdebstrap args.
base() {
  local tag="$1" change="$2"
  shift 2
  if "${podman[@]}" image exists "$tag"; then
    log "base $tag: cached"
    return
  fi
  log "base $tag: mmdebstrap $*"
  local tar
  tar="$work/$(echo "$tag" | tr '/:' '__').tar"
  mmdebstrap --quiet "$@" "$SUITE" "$tar" "$(sources)"
  "${podman[@]}" import --quiet --change "$change" "$tar" "$tag" >/dev/null
  rm -f "$tar"
}

if [[ "${1:-}" == --naive ]]; then
  # What the first Dockerfile did (eclipse-temurin:17-jre, java -jar), from Debian: the whole JRE 17 on Debian minbase.
  NAIVE_BASE="localhost/ptr-operator-base/jre17-full:$SUITE-$RECIPE"
  base "$NAIVE_BASE" "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64" \
    --variant=minbase --include=openjdk-17-jre-headless \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin'
  printf '%s\n' "FROM $NAIVE_BASE" "COPY target/ptr-operator.jar /app/ptr-operator.jar" "USER 65532:65532" \
    'ENTRYPOINT ["java", "-jar", "/app/ptr-operator.jar", "run"]' > "$work/Containerfile.naive"
  IMAGE=localhost/ptr-operator-naive:latest
  "${podman[@]}" build --quiet -f "$work/Containerfile.naive" -t "$IMAGE" . >/dev/null
  echo "$IMAGE"
  exit 0
fi

if [[ "${BASES:-debian}" == debian ]]; then
  JDK_BASE="localhost/ptr-operator-base/jdk17:$SUITE-$RECIPE"
  RUNTIME_BASE="localhost/ptr-operator-base/runtime:$SUITE-$RECIPE"
  # Build stage: Debian's OpenJDK 17 (jlink, and the jmods it links from), a shell for RUN, and objcopy (binutils):
  # Debian's jlink --strip-debug also strips the native libraries with it.
  base "$JDK_BASE" "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64" \
    --variant=minbase --include=openjdk-17-jdk-headless,binutils \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin'
  # Runtime base, like distroless cc: only the C and C++ runtime libraries the JVM links, unpacked (no shell, no
  # package manager, no maintainer scripts), plus the nonroot user 65532 and a linker cache.
  base "$RUNTIME_BASE" "USER=65532:65532" \
    --variant=extract --include=libc6,libgcc-s1,libstdc++6 \
    --customize-hook='rm -rf "$1"/etc/apt "$1"/etc/dpkg "$1"/var/cache/apt "$1"/var/lib/apt "$1"/var/lib/dpkg "$1"/usr/share/doc "$1"/usr/share/locale "$1"/usr/share/lintian "$1"/usr/share/gdb "$1"/usr/share/gcc "$1"/usr/lib/x86_64-linux-gnu/gconv' \
    --customize-hook='printf "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n" > "$1"/etc/passwd' \
    --customize-hook='printf "root:x:0:\nnonroot:x:65532:\n" > "$1"/etc/group' \
    --customize-hook='printf "passwd: files\ngroup: files\nhosts: files dns\n" > "$1"/etc/nsswitch.conf' \
    --customize-hook='mkdir -p "$1"/home/nonroot && chown 65532:65532 "$1"/home/nonroot && chmod 1777 "$1"/tmp' \
    --customize-hook='echo "include /etc/ld.so.conf.d/*.conf" > "$1"/etc/ld.so.conf && ldconfig -r "$1"'
  base_args=(--build-arg "JDK_IMAGE=$JDK_BASE" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE")
else
  base_args=()
fi

log "building $IMAGE"
"${podman[@]}" build --quiet "${base_args[@]}" \
  --build-arg "VERSION=$project_version" --build-arg "REVISION=$revision" \
  ${JLINK_MODULES:+--build-arg "JLINK_MODULES=$JLINK_MODULES"} \
  -t "$IMAGE" . >/dev/null
# Earlier builds leave untagged images behind: their final images, and build stages of 0.5 GB each. Keep the newest
# build stage (its jlink layer is the cache of the next build), remove the rest.
stale=($("${podman[@]}" images -q --filter dangling=true --filter label=org.opencontainers.image.title=ptr-operator)
  $("${podman[@]}" images -q --filter dangling=true --filter label=dev.mailops.ptr-operator.stage=build | tail -n +2))
((${#stale[@]} == 0)) || "${podman[@]}" rmi "${stale[@]}" >/dev/null 2>&1 || true
size="$("${podman[@]}" image inspect --format '{{.Size}}' "$IMAGE")"
log "built $IMAGE, $((size / 1000000)) MB"
echo "$IMAGE"
