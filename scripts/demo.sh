#!/usr/bin/env bash
# `make demo`: the operator against a local kube-apiserver and PowerDNS, using the test fixtures.
# scripts/demo.sh --keep leaves everything running for manual kubectl use until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile
classpath="target/test-classes:target/classes:$(mvn -B -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
exec java -cp "$classpath" dev.mailops.ptr.testing.Demo "$@"
