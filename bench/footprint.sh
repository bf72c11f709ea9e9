#!/usr/bin/env bash
# What Camel's HTTP server, its management (probes) and its metrics cost at start: the packaged jar
# started with the Dockerfile's JVM flags, with camel.server.enabled / camel.management.enabled /
# camel.metrics.enabled all true (the service) and all false (as the command line has them), ROUNDS
# times each, alternating. Prints, per start: the time to Camel's "started" line, the time to the first
# 200 of /observe/health/ready (server on), and the process's RSS 5 s after it started (after one scrape
# of /observe/metrics when the server is on); then min / median / max of each. Not a test.
#
#   bench/footprint.sh            # builds target/cognigy-ops.jar first unless SKIP_BUILD=1
#   ROUNDS=5 bench/footprint.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-4}
JAR=${JAR:-target/cognigy-ops.jar}
# the Dockerfile's JDK_JAVA_OPTIONS
FLAGS=$(sed -n 's/.*JDK_JAVA_OPTIONS="\([^"]*\)".*/\1/p' Dockerfile)
[ -n "$FLAGS" ] || { echo "no JDK_JAVA_OPTIONS in the Dockerfile" >&2; exit 1; }
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -o -q package -DskipTests

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

one_start() { # $1 = true|false → "started_ms ready_ms rss_kib"
    local on=$1 dir port pid t0 started=- ready=- rss
    dir=$(mktemp -d); port=$(free_port)
    mkdir -p "$dir/work"
    t0=$(now_ms)
    ( cd "$dir/work" && exec env COGNIGY_BASE_URL=http://127.0.0.1:9 COGNIGY_DATA_DIR="$dir/data" \
        CAMEL_SERVER_ENABLED=$on CAMEL_MANAGEMENT_ENABLED=$on CAMEL_METRICS_ENABLED=$on CAMEL_SERVER_PORT=$port \
        java $FLAGS -jar "$OLDPWD/$JAR" > "$dir/out.log" 2>&1 ) &
    pid=$!
    for _ in $(seq 1 1200); do
        if [ "$started" = - ] && grep -q "(cognigy-ops) started in" "$dir/out.log" 2>/dev/null; then
            started=$(( $(now_ms) - t0 ))
        fi
        if [ "$on" = true ] && [ "$ready" = - ] && \
           [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/observe/health/ready" 2>/dev/null)" = 200 ]; then
            ready=$(( $(now_ms) - t0 ))
        fi
        if [ "$started" != - ] && { [ "$on" = false ] || [ "$ready" != - ]; }; then break; fi
        kill -0 $pid 2>/dev/null || { echo "the jar exited:" >&2; tail -20 "$dir/out.log" >&2; exit 1; }
        sleep 0.05
    done
    [ "$on" = true ] && curl -s -o /dev/null "http://127.0.0.1:$port/observe/metrics"
    sleep 5
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    kill $pid; wait $pid 2>/dev/null || true
    rm -rf "$dir"
    echo "$started $ready $rss"
}

stats() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "-"; exit} printf "%s / %s / %s", a[1], a[int((NR+1)/2)], a[NR]}'; }

echo "JVM flags: $FLAGS"
echo "cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A S R M
for i in $(seq 1 "$ROUNDS"); do
    for on in true false; do
        read -r started ready rss < <(one_start $on)
        printf 'round %d  server+management+metrics=%-5s  started %6s ms  ready %6s ms  RSS %6d MiB\n' \
            "$i" "$on" "$started" "$ready" $(( rss / 1024 ))
        S[$on]+="$started"$'\n'; R[$on]+="$ready"$'\n'; M[$on]+="$(( rss / 1024 ))"$'\n'
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for on in true false; do
    printf 'server+management+metrics=%-5s  started (min/median/max) %s ms   ready %s ms   RSS %s MiB\n' "$on" \
        "$(printf '%s' "${S[$on]}" | grep -v '^-$' | stats)" \
        "$(printf '%s' "${R[$on]}" | grep -v '^-$' | stats)" \
        "$(printf '%s' "${M[$on]}" | stats)"
done
