# ptr-operator: the commands README.md promises.
MVN ?= mvn -B
JAR := target/ptr-operator.jar

.PHONY: test demo env crds jar helm bench image clean

## test: prepare DNS servers and Kubernetes binaries, then run unit (*Test) and integration (*IT) tests
test: env
	$(MVN) verify

## demo: run the operator against a local kube-apiserver and PowerDNS with sample SendingIps
demo: env jar
	scripts/demo.sh

## bench: performance at scale (N = 1,000 and 10,000) against API, DNS and tool baselines, plus JMH; rewrites docs/benchmarks.md
bench:
	scripts/bench.sh

## env: install/build what tests and demo need (idempotent)
env:
	scripts/test-env.sh

## helm: build helm from the Go module proxy (also part of env)
helm:
	scripts/helm.sh

## image: build the operator image with podman (scripts/image.sh; the bases come from Debian when no registry is reachable)
image: jar
	scripts/image.sh

jar:
	$(MVN) -q -DskipTests package

## crds: regenerate crds/ from the Java model, and docs/api.md's field tables from crds/ (commit the result)
crds:
	$(MVN) -q -DskipTests process-test-classes
	$(MVN) -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
	java -cp "target/test-classes:target/classes:$$(cat target/classpath.txt)" dev.mailops.ptr.api.CrdFiles
	cp crds/*.yaml deploy/crds/
	cp crds/*.yaml helm/ptr-operator/crds/
	java -cp "target/test-classes:target/classes:$$(cat target/classpath.txt)" dev.mailops.ptr.api.ApiDocs

clean:
	$(MVN) -q clean
