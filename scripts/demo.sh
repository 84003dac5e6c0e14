#!/usr/bin/env bash
# `make demo`: the operator against a local kube-apiserver and PowerDNS, using the test fixtures.
# scripts/demo.sh --keep leaves everything running for manual kubectl use until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile
# through a file: on a terminal, Maven wraps what it prints in colour codes that would corrupt the path
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
classpath="target/test-classes:target/classes:$(cat target/classpath.txt)"
exec java -cp "$classpath" dev.mailops.ptr.testing.Demo "$@"
