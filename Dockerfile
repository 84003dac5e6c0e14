# Runtime image of ptr-operator. Build the jar first (`mvn -B package`), then with any OCI builder:
#   docker build -t ghcr.io/mailops/ptr-operator:0.1.0 .
FROM eclipse-temurin:17-jre

# A fixed non-root UID/GID matching the manifests' runAsUser 10001 (Pod Security "restricted").
RUN groupadd --system --gid 10001 ptr \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ptr

WORKDIR /app
# Owned by root and not writable by the runtime user.
COPY target/ptr-operator.jar /app/ptr-operator.jar

USER 10001:10001
# /healthz, /readyz and /metrics
EXPOSE 8081
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/ptr-operator.jar", "run"]
