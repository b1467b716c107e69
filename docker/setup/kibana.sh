#!/bin/sh
# One-shot: imports the pgcdc data views and dashboard into Kibana (overwriting earlier imports).
set -eu
kibana=http://kibana:5601
until curl -fs "$kibana/api/status" | grep -q '"level":"available"'; do
  echo "waiting for Kibana"; sleep 5
done
code=$(curl -s -o /tmp/out -w '%{http_code}' -u "elastic:${ELASTIC_PASSWORD}" -H 'kbn-xsrf: true' \
  -X POST "$kibana/api/saved_objects/_import?overwrite=true" --form file=@/kibana/pgcdc.ndjson)
cat /tmp/out; echo
case "$code" in 2*) ;; *) echo "import failed: HTTP $code"; exit 1 ;; esac
grep -q '"success":true' /tmp/out || { echo "import reported errors"; exit 1; }
echo "Kibana: open http://localhost:5601/app/dashboards#/view/pgcdc-changes"
