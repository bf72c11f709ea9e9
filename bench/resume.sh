#!/usr/bin/env bash
# How long a run is orphaned after its instance is killed with SIGKILL: from the kill to the resumed
# run's next call out, on one instance (restart on the embedded store) and on a cluster of two on
# PostgreSQL (lease takeover). Needs PostgreSQL's binaries (scripts/test installs them). See
# bench/README.md and the class comment of dev.cognigyops.bench.ResumeBenchmark.
#
#   bench/resume.sh
#   bench/resume.sh --rounds 5 --lease 15
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -q -B package dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath

exec java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    dev.cognigyops.bench.ResumeBenchmark "$@"
