#!/usr/bin/env bash
# Shared runner for the benchmark commands in bench/: finds a JDK 21+, builds
# bench/target/tally-bench.jar when missing or older than the sources, and runs one
# benchmark main class with the given arguments.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/find-jdk.sh
source "$root/scripts/find-jdk.sh"
jdk_home="$(tally_find_jdk)" || exit 1
jar="$root/bench/target/tally-bench.jar"

newer="$(find "$root/pom.xml" "$root/tally-audit" "$root/tally-gateway" "$root/bench" -path '*/target' -prune -o \
    \( -name 'pom.xml' -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit 2>/dev/null || true)"
if [[ ! -f "$jar" || -n "$newer" ]]; then
    echo "bench: building tally-bench.jar..." >&2
    (cd "$root" && JAVA_HOME="$jdk_home" ./mvnw -q -B -DskipTests -pl bench -am package) >&2
    touch "$jar"
fi

main="$1"
shift
cd "$root"
# A benchmark's script may choose its own heap and collector (BENCH_JVM_OPTS); the default
# suits the throughput benchmarks (ingest, query). Word splitting of the options is intended.
# shellcheck disable=SC2086
exec "$jdk_home/bin/java" --enable-native-access=ALL-UNNAMED ${BENCH_JVM_OPTS:--Xms2g -Xmx8g -XX:+UseParallelGC} \
    -cp "$jar" "dev.tally.bench.$main" "$@"
