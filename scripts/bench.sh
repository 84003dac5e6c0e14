#!/usr/bin/env bash
# `make bench`: performance at email-service-provider scale (docs/benchmarks.md).
#   scripts/bench.sh                  N = 1,000 and 10,000, JMH, rewrites docs/benchmarks.md
#   BENCH_N=200 scripts/bench.sh      other sizes (comma separated); BENCH_OUT=none leaves the docs alone
#   BENCH_SHARDS=2 ...                also K replicas sharing N fresh SendingIps (run --shard i --total-shards K)
#   BENCH_ARGS="--jfr" ...            extra harness arguments (see dev.mailops.ptr.bench.Bench), e.g.
#                                     "--skip-tools --lean-from 50000" for the large sizes (docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bench] %s\n' "$*" >&2; }

# dnsperf and adnshost (adns-tools) are the baselines; dig comes with bind9-dnsutils (scripts/test-env.sh)
missing=()
for p in dnsperf adns-tools; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
scripts/test-env.sh

N="${BENCH_N:-1000,10000}"
OUT="${BENCH_OUT:-docs/benchmarks.md}"
WORK=target/bench
mkdir -p "$WORK"
start=$(date +%s)

log "building the jar and the harness"
mvn -B -q -DskipTests package
mvn -B -q -DskipTests test-compile

if [[ "${BENCH_JMH:-1}" == 1 ]]; then
  log "JMH: ReverseNames.of, Names.normalise, HostnameJudge (mvn -Pjmh)"
  mvn -B -q -Pjmh -DskipTests test-compile
  mvn -B -q -Pjmh dependency:build-classpath -Dmdep.outputFile=target/classpath-jmh.txt
  jmh_cp="target/test-classes:target/classes:$(cat target/classpath-jmh.txt)"
  java -cp "$jmh_cp" org.openjdk.jmh.Main -f 1 -wi 2 -w 1s -i 3 -r 1s -rf csv -rff "$WORK/jmh.csv" \
    'dev.mailops.ptr.bench.jmh.*' | tail -n 20
fi

# through a file: printed, Maven's colour codes would corrupt the first and last entries
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
classpath="target/test-classes:target/classes:$(cat target/classpath.txt)"
args=(--n "$N" --work "$WORK")
[[ "$OUT" == none ]] || args+=(--out "$OUT")
[[ -f "$WORK/jmh.csv" && "${BENCH_JMH:-1}" == 1 ]] && args+=(--jmh "$WORK/jmh.csv")
[[ -z "${BENCH_SHARDS:-}" || "${BENCH_SHARDS}" == 0 ]] || args+=(--shards "$BENCH_SHARDS")
# shellcheck disable=SC2206
args+=(${BENCH_ARGS:-})
java -Xmx2g -cp "$classpath" dev.mailops.ptr.bench.Bench "${args[@]}"
log "done in $(( $(date +%s) - start )) s"
