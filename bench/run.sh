#!/usr/bin/env bash
# Benchmarks of issue 8, run from anywhere:
#   bench/run.sh [--quick] [--runs N] [--only w1,w2,w3,w4,w5] [--out DIR]
#       starts PostgreSQL, Kafka and Elasticsearch on loopback, runs the workloads, writes
#       bench/results/{full,quick}/results.md, results.json and latency.png
#   bench/run.sh --jmh [JMH options]
#       the micro-benchmarks (decoder, event mapping, sink mapping); default options: -prof gc -f 1 -wi 3 -i 5
# Builds what it needs first (set BENCH_SKIP_BUILD=1 to reuse the last build).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  # bench is in the reactor only under the 'bench' profile (so ./mvnw verify stays within CI's budget).
  # One reactor build packages this checkout's modules and bench together; bench's class path then
  # names the modules' target/ jars, and nothing is installed into the (shared) local repository.
  # Extra Maven options via MAVEN_ARGS (e.g. MAVEN_ARGS=-o for offline).
  ./mvnw -q -B -ntp -DskipTests -Pbench -pl bench -am package
fi
# Other engineers rebuild the modules' jars while a run goes on; a jar replaced under a running JVM breaks
# its class loading, and a daemon started later would be another build. So a run uses private copies,
# taken now, and the daemons' shaded jars go last on the class path (the plain jars come first).
# One folder per invocation (named by this shell's pid, which the JVM keeps through exec); folders of
# invocations that have ended are removed.
for old in bench/target/jars/*; do
  [ -d "$old" ] && ! kill -0 "$(basename "$old")" 2>/dev/null && rm -rf "$old"
done
JARS="$PWD/bench/target/jars/$$"  # absolute: the Kafka broker JVM reuses this class path in another folder
mkdir -p "$JARS"
CP="$PWD/bench/target/classes"
SHADED=""
IFS=: read -r -a ENTRIES < bench/target/classpath.txt || true  # no newline at the end: read says 1
for entry in "${ENTRIES[@]}"; do
  case "$entry" in
    # The project's own jars: from the modules' target folders, or as installed into the local
    # repository (bench/pom.xml outside the reactor). Copied as <module>.jar, the name Daemons expects.
    "$PWD"/*/target/*.jar|*/repository/dev/pgcdc/*/*/*.jar)
      name=$(basename "$entry" .jar)
      name="${name%%-[0-9]*}.jar"  # drop the version: cdc-replicator-0.1.0-SNAPSHOT.jar -> cdc-replicator.jar
      cp "$entry" "$JARS/$name"
      case "$name" in
        cdc-replicator.jar|es-sink.jar) SHADED="$SHADED:$JARS/$name" ;;
        *) CP="$CP:$JARS/$name" ;;
      esac ;;
    *) CP="$CP:$entry" ;;
  esac
done
CP="$CP$SHADED"

if [ "${1:-}" = "--jmh" ]; then
  shift
  if [ $# -eq 0 ]; then
    set -- -prof gc -f 1 -wi 3 -w 2s -i 5 -r 2s -rf json -rff bench/results/jmh.json
  fi
  mkdir -p bench/results
  exec java -cp "$CP" org.openjdk.jmh.Main "$@"
fi

exec java -Xmx3g -Djava.awt.headless=true -Dbench.jars="$JARS" -cp "$CP" dev.pgcdc.bench.BenchMain "$@"
