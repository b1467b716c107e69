#!/usr/bin/env bash
# Quick start: builds pgcdc, starts a local PostgreSQL, Kafka and Elasticsearch (the devstack
# module; no Docker needed), creates a sample schema with data, runs cdc-replicator and es-sink as
# `java -jar` processes, makes a few live changes and shows where the documents are.
# Ctrl-C stops everything and deletes all data. Needs a JDK 17+ and PostgreSQL binaries
# (`apt-get install -y postgresql`); everything listens on 127.0.0.1 only.
#
#   ./quickstart.sh            run until Ctrl-C
#   ./quickstart.sh --demo     run the demo, check the documents arrived, stop (used by CI)
set -euo pipefail
cd "$(dirname "$0")"

demo_only=no
[ "${1:-}" = "--demo" ] && demo_only=yes

work=.devstack/quickstart
rm -rf "$work"
mkdir -p "$work"
pids=()

log() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
  trap - EXIT INT TERM
  log "stopping"
  # Daemons first (SIGTERM: they flush and confirm what is durable), then the engines.
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "everything stopped; data deleted"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building (./mvnw package)"
./mvnw -q -B -ntp -DskipTests install
./mvnw -q -B -ntp -pl devstack dependency:build-classpath -Dmdep.outputFile="$PWD/$work/devstack.classpath" >/dev/null

log "starting PostgreSQL, Kafka and Elasticsearch"
java -cp "devstack/target/classes:$(cat "$work/devstack.classpath")" dev.pgcdc.devstack.DevStackMain \
  --dir "$work" >"$work/devstack.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  [ -f "$work/engines.env" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/devstack.log"; echo "the engines failed to start (log above)"; exit 1; }
  sleep 1
done
[ -f "$work/engines.env" ] || { tail -40 "$work/devstack.log"; echo "the engines did not start within 300 s"; exit 1; }
# shellcheck disable=SC1090
set -a; . "$work/engines.env"; set +a
export PGPASSWORD="$PG_PASSWORD"
psql_shop() { "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d shop "$@"; }

log "creating the sample database 'shop'"
"$PG_BIN/psql" -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -c "CREATE DATABASE shop"
psql_shop -f docker/postgres/sample-schema.sql

cat >"$work/config.yaml" <<YAML
postgres:
  host: $PG_HOST
  port: $PG_PORT
  user: $PG_USER
  password: \${PGPASSWORD}
  dbname: shop
  slot_name: quickstart_slot
  publication_name: quickstart_publication
  tables:
    - public.customers
    - public.orders
kafka:
  brokers:
    - $KAFKA_BOOTSTRAP
  topic: cdc-events
  groupID: quickstart-sink
  dead_letter_topic: cdc-events-dlq
elasticsearch:
  addresses:
    - $ES_URL
  indexPrefix: cdc_
replicator:
  position_path: $work/replicator-position
logging:
  sqlite_path: $work/logs/cdc.db
metrics:
  host: 127.0.0.1
YAML

log "starting cdc-replicator and es-sink (java -jar)"
# The replicator's documented JVM options (README, "Running the daemons"): a 256 MiB heap and the serial
# collector keep its peak RSS near 240 MiB at full speed instead of ~550 MiB with the JVM's defaults.
java -Xmx256m -XX:+UseSerialGC -jar cdc-replicator/target/cdc-replicator.jar --config "$work/config.yaml" >"$work/replicator.log" 2>&1 &
pids+=($!)
# The sink's documented option (README): the serial collector, faster and leaner than G1 beside Elasticsearch.
java -XX:+UseSerialGC -jar es-sink/target/es-sink.jar --config "$work/config.yaml" >"$work/sink.log" 2>&1 &
pids+=($!)

count() { curl -s "$ES_URL/$1/_count" | sed -n 's/.*"count":\([0-9]*\).*/\1/p'; }
wait_for_count() { # index expected
  for _ in $(seq 1 180); do
    [ "$(count "$1")" = "$2" ] && return 0
    for pid in "${pids[@]:1}"; do
      kill -0 "$pid" 2>/dev/null || { tail -30 "$work"/replicator.log "$work"/sink.log; echo "a daemon exited (logs above)"; exit 1; }
    done
    sleep 1
  done
  echo "$1 holds $(count "$1") documents, expected $2"; tail -30 "$work"/replicator.log "$work"/sink.log; exit 1
}

log "waiting for the initial snapshot to reach Elasticsearch"
wait_for_count cdc_public_customers 1000
wait_for_count cdc_public_orders 5000
echo "cdc_public_customers: $(count cdc_public_customers) documents, cdc_public_orders: $(count cdc_public_orders) documents"

log "live changes: insert customer 1001, rename customer 7, delete order 1"
psql_shop <<'SQL'
INSERT INTO customers (id, name, email, tags, profile)
VALUES (1001, 'Grace Hopper', 'grace@example.com', ARRAY['new'], '{"city": "Arlington", "vip": true}');
UPDATE customers SET name = 'Ada Lovelace', tags = ARRAY['tier1', 'renamed'] WHERE id = 7;
DELETE FROM orders WHERE id = 1;
SQL
wait_for_count cdc_public_customers 1001
wait_for_count cdc_public_orders 4999
for _ in $(seq 1 30); do
  curl -s "$ES_URL/cdc_public_customers/_doc/7" | grep -q 'Ada Lovelace' && break
  sleep 1
done
curl -s "$ES_URL/cdc_public_customers/_doc/7" | grep -q 'Ada Lovelace' || { echo "the update of customer 7 did not arrive"; exit 1; }
echo "GET cdc_public_customers/_doc/7:"
curl -s "$ES_URL/cdc_public_customers/_doc/7?pretty"

cat <<EOT

The pipeline is running:
  PostgreSQL     psql -h $PG_HOST -p $PG_PORT -U $PG_USER shop      (password: $PG_PASSWORD)
  Kafka          $KAFKA_BOOTSTRAP, topic cdc-events
  Elasticsearch  $ES_URL
Try:
  curl '$ES_URL/cdc_public_customers/_doc/1001?pretty'
  curl '$ES_URL/cdc_public_orders/_search?q=status:paid&size=3&pretty'
  java -jar cdc-replicator/target/cdc-replicator.jar logs --config $work/config.yaml --limit 20
  java -jar cdc-replicator/target/cdc-replicator.jar status --config $work/config.yaml
Health and metrics: http://127.0.0.1:8081/health  http://127.0.0.1:8081/metrics  (replicator)
                    http://127.0.0.1:8082/health  http://127.0.0.1:8082/metrics  (sink)
Change rows with psql and watch the documents follow. Config: $work/config.yaml, logs: $work/*.log
EOT

if [ "$demo_only" = yes ]; then
  log "demo passed"
  exit 0
fi
echo "Press Ctrl-C to stop everything (the data is deleted)."
wait "${pids[0]}"
