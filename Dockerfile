# Runtime image of ptr-operator: a jlink'ed Java 17 runtime holding only the modules the operator uses, the jar,
# and a class data sharing archive of the classes it loads at start, on a base without shell or package manager.
# Runs as UID/GID 65532 and needs no writable path but /tmp (the manifests mount an emptyDir there).
#
#   make image                        builds the jar, then this file with podman (scripts/image.sh; docs/development.md)
#   docker build -t ghcr.io/mailops/ptr-operator:0.1.0 .   after `mvn -B package`, with the default bases below
#
# The bases are build arguments. JDK_IMAGE runs jlink, so it needs a JDK 17 with its jmods, JAVA_HOME and a shell;
# RUNTIME_IMAGE needs glibc, libstdc++ and libgcc_s (what the JVM links; zlib is copied along when the JDK uses the
# system one). scripts/image.sh builds both from Debian packages where no registry is reachable.
ARG JDK_IMAGE=eclipse-temurin:17-jdk
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

FROM ${JDK_IMAGE} AS build
# lets scripts/image.sh find the build stages of earlier builds to remove them
LABEL dev.mailops.ptr-operator.stage=build
# Found by `scripts/image.sh --modules` (jdeps over the jar's classes and every runtime dependency), plus
# jdk.crypto.ec: TLS with EC keys and ECDHE (kube-apiserver, AWS, Google) loads it as a security provider, which
# jdeps cannot see.
ARG JLINK_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.naming,java.net.http,java.scripting,java.security.jgss,java.sql,jdk.httpserver,jdk.management,jdk.unsupported,jdk.crypto.ec
# The same flags as the Deployment, so that the archive below is made by the JVM configuration that uses it.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -Xss512k -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
RUN set -eu; \
    "$JAVA_HOME/bin/jlink" --add-modules "$JLINK_MODULES" --strip-debug --no-man-pages --no-header-files \
      --generate-cds-archive --output /opt/java; \
    # the archive for heaps above 32 GB (no compressed oops): this heap is a fraction of 512 Mi
    rm -f /opt/java/lib/server/classes_nocoops.jsa; \
    zlib="$(ldd /opt/java/lib/libzip.so | awk '$1 ~ /^libz\.so/ { print $3 }')"; \
    if [ -n "$zlib" ]; then cp -L "$zlib" /opt/java/lib/; fi
COPY target/ptr-operator.jar /app/ptr-operator.jar
# Training run for AppCDS: start the operator against an API server that is not there; the classes it loads in 25 s of
# trying (CLI, Kubernetes client, operator framework, JSON, logging, metrics) are archived when SIGTERM ends the JVM.
RUN set -eu; \
    printf 'apiVersion: v1\nkind: Config\nclusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]\ncontexts: [{name: none, context: {cluster: none, user: none}}]\ncurrent-context: none\nusers: [{name: none, user: {token: training}}]\n' > /tmp/kubeconfig; \
    KUBECONFIG=/tmp/kubeconfig timeout -s TERM 25 /opt/java/bin/java -XX:ArchiveClassesAtExit=/app/ptr-operator.jsa \
      -jar /app/ptr-operator.jar run --health-port 0 >/tmp/training.log 2>&1 || true; \
    test -s /app/ptr-operator.jsa || { cat /tmp/training.log; exit 1; }

FROM ${RUNTIME_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
# The project has not declared a licence yet: NOASSERTION (SPDX) until it does; pass --build-arg LICENSES=...
ARG LICENSES=NOASSERTION
LABEL org.opencontainers.image.title="ptr-operator" \
      org.opencontainers.image.description="Verifies, and where allowed sets, the reverse DNS (PTR) of email sending IPs." \
      org.opencontainers.image.source="https://github.com/mailops/ptr-operator" \
      org.opencontainers.image.url="https://github.com/mailops/ptr-operator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="${LICENSES}"
COPY --from=build /opt/java /opt/java
COPY --from=build /app/ptr-operator.jar /app/ptr-operator.jar
COPY --from=build /app/ptr-operator.jsa /app/ptr-operator.jsa
# Owned by root, read-only for the runtime user; the same UID/GID as the manifests' runAsUser (distroless nonroot).
USER 65532:65532
# /healthz, /readyz and /metrics
EXPOSE 8081
# The settings docs/benchmarks.md measured; the manifests set the same (JAVA_TOOL_OPTIONS replaces these).
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -Xss512k -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
# Exec form: java is PID 1 and gets the SIGTERM itself. A missing or stale archive only costs start time.
ENTRYPOINT ["/opt/java/bin/java", "-XX:SharedArchiveFile=/app/ptr-operator.jsa", "-jar", "/app/ptr-operator.jar", "run"]
