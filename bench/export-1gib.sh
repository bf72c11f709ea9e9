#!/usr/bin/env bash
# Exports a 1 GiB artifact through cognigy-ops (java -jar target/cognigy-ops.jar run FILE) from the bundled
# Cognigy simulator into a local S3 server (S3Proxy), measures wall time, peak RSS and heap of the app's JVM,
# compares with curl + an AWS SDK upload of the same artifact, and prints the figures. See bench/README.md.
#
#   bench/export-1gib.sh                                   # JVM defaults vs the recommended flags, 1 GiB
#   bench/export-1gib.sh --size 4GiB                       # another size
#   bench/export-1gib.sh --config 'mine=-Xmx96m -XX:+UseSerialGC' --no-baseline
#   bench/export-1gib.sh --repeat 3 --timeline             # three rounds, RSS/heap once a second
#
# Every argument goes to dev.cognigyops.bench.ExportBenchmark (its class comment lists them).
# BENCH_JAVA_OPTS: options of the harness JVM (the simulator and S3Proxy run there; it is not measured).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v curl >/dev/null || { echo "curl is needed for the baseline (or pass --no-baseline)" >&2; exit 2; }

# the app jar, the test classes (harness, simulator, S3Proxy fixture) and the test class path
mvn -q -B package dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath

# plain java rather than exec:java: the pom pins exec's mainClass to the demo, and the servers' threads
# would keep Maven's JVM waiting
exec java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
    dev.cognigyops.bench.ExportBenchmark "$@"
