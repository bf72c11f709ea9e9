#!/usr/bin/env bash
# 1,000 training monitors (each its own run) at a 1 s interval against a local status server for 60 s:
# prints the app's live threads, peak RSS, polls per second and the p50/p99 lateness of polls against
# their schedule. See bench/README.md and the class comment of dev.cognigyops.bench.MonitorBenchmark.
#
#   bench/monitor-1000.sh
#   bench/monitor-1000.sh --monitors 2000 --seconds 120
#   bench/monitor-1000.sh --flags ""                 # JVM defaults for the app
#   bench/monitor-1000.sh --postgres                 # the run store on a PostgreSQL started by the bench
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -q -B package dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath

exec java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    dev.cognigyops.bench.MonitorBenchmark "$@"
