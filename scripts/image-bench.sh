#!/usr/bin/env bash
# Size and start time of the operator image, before and after (docs/benchmarks.md, "The container image"):
#   naive      the whole JRE 17 and the fat jar, `java -jar` (what the first Dockerfile did with eclipse-temurin:17-jre)
#   jlink      the image of `make image` started without its class data sharing archive
#   jlink+cds  the image of `make image` as it is
# Start time: from `podman run` to the first 200 of /readyz against a test kube-apiserver, each image run as
# deploy/deployment.yaml runs it (dev.mailops.ptr.bench.ImageStartBench).
#   scripts/image-bench.sh [RUNS]   default 5 runs per image
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"

mvn -B -q -DskipTests package >/dev/null
mvn -B -q -DskipTests test-compile >/dev/null
image="$(scripts/image.sh | tail -n 1)"
naive="$(scripts/image.sh --naive | tail -n 1)"

echo "| image | size (podman image inspect) |"
echo "|---|---|"
for i in "$naive" "$image"; do
  echo "| $i | $(( $(scripts/podman.sh image inspect --format '{{.Size}}' "$i") / 1000000 )) MB |"
done
echo
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
java -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" dev.mailops.ptr.bench.ImageStartBench "$RUNS" \
  "naive=$naive" \
  "jlink=$image=[\"/opt/java/bin/java\",\"-jar\",\"/app/ptr-operator.jar\",\"run\"]" \
  "jlink+cds=$image"
