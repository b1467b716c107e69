#!/bin/sh
# Runs once, when the data directory is created, after 01-sample-schema.sql: a least-privilege
# role for the replicator (LOGIN REPLICATION + SELECT on the captured tables). The publication is
# created here by the tables' owner, so the replicator needs no ownership.
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v cdc_password="$PGCDC_POSTGRES_PASSWORD" <<'SQL'
CREATE ROLE cdc_user WITH LOGIN REPLICATION PASSWORD :'cdc_password';
GRANT CONNECT ON DATABASE shop TO cdc_user;
GRANT USAGE ON SCHEMA public TO cdc_user;
GRANT SELECT ON customers, orders TO cdc_user;
CREATE PUBLICATION pgcdc_publication FOR TABLE customers, orders;
SQL
