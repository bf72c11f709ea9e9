#!/usr/bin/env bash
# 300 requests dropped at once into the watched folder of the running jar: prints the wall time to the
# last result against what 8 busy workers need. See the class comment of dev.cognigyops.bench.IntakeBenchmark.
#
#   bench/intake-300.sh
#   bench/intake-300.sh --files 100 --run-ms 1000
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -q -B package dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath

exec java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    dev.cognigyops.bench.IntakeBenchmark "$@"
