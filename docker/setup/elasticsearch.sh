#!/bin/sh
# One-shot set-up of Elasticsearch (security on): the kibana_system password, and a role and user
# with only what es-sink needs. Idempotent: every request is a PUT/POST that overwrites.
set -eu
es=http://elasticsearch:9200
auth="elastic:${ELASTIC_PASSWORD}"
request() { # method path body
  code=$(curl -s -o /tmp/out -w '%{http_code}' -u "$auth" -X "$1" -H 'Content-Type: application/json' "$es$2" -d "$3")
  case "$code" in 2*) echo "$1 $2: $code" ;; *) echo "$1 $2 failed: HTTP $code"; cat /tmp/out; exit 1 ;; esac
}
until curl -fs -u "$auth" "$es/_cluster/health?wait_for_status=yellow&timeout=5s" >/dev/null; do
  echo "waiting for Elasticsearch"; sleep 3
done
request POST /_security/user/kibana_system/_password "{\"password\":\"${KIBANA_PASSWORD}\"}"
request PUT /_security/role/pgcdc_sink '{
  "cluster": ["monitor", "manage_index_templates"],
  "indices": [{"names": ["cdc_*"], "privileges": ["create_index", "write", "read", "manage"]}]
}'
request PUT /_security/user/pgcdc_sink "{\"password\":\"${PGCDC_ES_PASSWORD}\",\"roles\":[\"pgcdc_sink\"],
  \"full_name\":\"pgcdc es-sink\"}"
echo "Elasticsearch set up"
