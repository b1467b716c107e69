#!/usr/bin/env bash
# Re-records the pgoutput fixtures in this folder from a throwaway PostgreSQL 15 server.
# Usage: bash record-fixtures.sh   (needs the PostgreSQL 15 server binaries; see README.md)
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
OUT=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/pgcdc-fixtures.XXXXXX)
PORT=5432 # only names the unix socket inside $WORK; the server does not listen on TCP

# initdb and postgres refuse to run as root, so a root caller runs them as an unprivileged user.
if [ "$(id -u)" = 0 ]; then
  PG_USER=${PG_USER:-pgcdc}
  id "$PG_USER" >/dev/null 2>&1 || useradd --system --create-home "$PG_USER"
  chown "$PG_USER" "$WORK"
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  as_pg() { "$@"; }
fi

cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

as_pg "$PG_BIN/initdb" -D "$WORK/data" -U postgres --encoding=UTF8 --locale=C.UTF-8 -A trust >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start \
  -o "-c listen_addresses='' -c unix_socket_directories=$WORK -p $PORT -c wal_level=logical -c timezone=UTC" >/dev/null

psql() { as_pg "$PG_BIN/psql" -h "$WORK" -p "$PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

# Prints every change the slot holds as "lsn<TAB>xid<TAB>hex of the pgoutput message".
# The session time zone is Asia/Kolkata so that timestamptz text carries a non-UTC offset.
peek() {
  local options=$1
  psql -At -F $'\t' <<SQL
SET timezone = 'Asia/Kolkata';
SELECT lsn, xid, encode(data, 'hex')
FROM pg_logical_slot_peek_binary_changes('s', NULL, NULL, 'proto_version', '1', 'publication_names', 'pub' $options);
SQL
}

header() { printf '# %s\n# Recorded by record-fixtures.sh from PostgreSQL %s. Columns: lsn, xid, pgoutput message as hex.\n' "$1" "$(psql -At -c 'SHOW server_version')"; }

# ---- Scenario 1: every supported column type, text and binary tuple formats ----
psql >/dev/null <<'SQL'
CREATE EXTENSION hstore;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TYPE floatrange AS RANGE (subtype = float8);
CREATE TYPE pair AS (a integer, b text);
CREATE TABLE scalars (
  id integer PRIMARY KEY,
  c_bool boolean, c_int2 smallint, c_int4 integer, c_int8 bigint, c_numeric numeric, c_float4 real, c_float8 double precision,
  c_text text, c_varchar varchar(20), c_bpchar char(5), c_char "char", c_name name, c_uuid uuid,
  c_json json, c_jsonb jsonb, c_bytea bytea,
  c_date date, c_time time, c_timetz timetz, c_timestamp timestamp, c_timestamptz timestamptz, c_interval interval,
  c_inet inet, c_cidr cidr, c_macaddr macaddr, c_macaddr8 macaddr8, c_money money, c_bit bit(4), c_varbit varbit,
  c_xml xml, c_tsvector tsvector, c_oid oid,
  c_point point, c_line line, c_lseg lseg, c_box box, c_path path, c_polygon polygon, c_circle circle
);
CREATE TABLE arrays (
  id integer PRIMARY KEY,
  a_int4 integer[], a_text text[], a_int8_2d bigint[], a_int4_3d integer[], a_numeric numeric[], a_bool boolean[],
  a_tstz timestamptz[], a_jsonb jsonb[], a_bytea bytea[], a_box box[], a_date date[], a_uuid uuid[],
  a_int4range int4range[], a_float8 double precision[], a_interval interval[], a_bounded integer[]
);
CREATE TABLE ranges (
  id integer PRIMARY KEY,
  r_int4 int4range, r_int8 int8range, r_num numrange, r_ts tsrange, r_tstz tstzrange, r_date daterange,
  r_int4multi int4multirange
);
CREATE TABLE user_types (
  id integer PRIMARY KEY,
  u_mood mood, u_posint posint, u_hstore hstore, u_floatrange floatrange, u_pair pair, u_mood_arr mood[], u_hstore_arr hstore[],
  u_posint_arr posint[]
);
CREATE PUBLICATION pub FOR ALL TABLES;
SELECT pg_create_logical_replication_slot('s', 'pgoutput');

INSERT INTO scalars VALUES (1, true, 32767, -2147483648, 9223372036854775807,
  12345678901234567890.123456789012345678900, 1.1, 0.1,
  E'h\u00e9llo "w\u00f6rld" \\ tab\tend \U0001F600', 'varchar', 'ab', 'x', 'a_name', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  '{"a": [1, 2.50, {"b": null}], "big": 12345678901234567890123}',
  '{"pi": 3.14159265358979323846264338327950288, "z": 1.10, "nested": {"arr": [true, false, null, "s"]}}',
  '\xdeadbeef00ff',
  '2024-02-29', '23:59:59.999999', '12:34:56.789+05:30', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.123456+01',
  '1 year 2 mons 3 days 04:05:06.5',
  '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', 1234.56, B'1010', B'101',
  '<a href="x">t &amp; u</a>', 'a fat cat sat on a mat', 4294967295,
  '(1.5,-2)', '{1,-1,0}', '[(0,0),(1,1)]', '(2,2),(0,0)', '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(1,0))', '<(1,2),3>');
INSERT INTO scalars VALUES (2, false, -32768, 0, -9223372036854775808,
  'NaN', 'NaN', '-Infinity',
  '', '', '', '', '', '00000000-0000-0000-0000-000000000000',
  '"just a string"', '[]',
  '\x',
  'infinity', '24:00:00', '00:00:00-12', '-infinity', 'infinity',
  '-1 days +02:03:00',
  '::1', '2001:db8::/32', '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff:ff:ff', -1234.56, B'0000', B'',
  '', '', 0,
  '(0,0)', '{0,1,0}', '[(0,0),(0,0)]', '(0,0),(0,0)', '((0,0),(1,0),(1,1))', '((0,0))', '<(0,0),0>');
INSERT INTO scalars (id, c_numeric, c_float4, c_float8, c_date, c_timestamp, c_timestamptz, c_interval, c_time, c_timetz, c_text, c_jsonb)
VALUES (3, '-0.000000100', 'Infinity', 1.7976931348623157e308, '0044-03-15 BC', '0044-03-15 10:00:00.5 BC',
  '1900-01-01 00:00:00+00', '-1 years -2 mons +3 days -04:05:06.000001', '00:00:00', '23:59:59.999999+14:59',
  E'line1\nline2', '{"deep": {"deeper": {"deepest": [1, [2, [3]]]}}, "empty": {}, "s": "\u00e9"}');
INSERT INTO scalars (id) VALUES (4);
INSERT INTO scalars (id, c_numeric, c_interval, c_timestamptz, c_date) VALUES
  (5, '123456789012345678901234567890123456789012345678901234567890.000000000000000000000000000000000000001',
   '0', '0044-03-15 10:00:00+00 BC', '10000-01-01');

INSERT INTO arrays VALUES (1,
  '{1,2,NULL}',
  ARRAY['a b', 'with "quote"', 'back\slash', NULL, 'NULL', '', 'x,y', '{braces}', 'plain', E'\u00e9'],
  '{{1,2},{3,4}}', '{{{1,2},{3,4}},{{5,6},{7,8}}}',
  '{1.10,NaN,-0.5}', '{t,f,NULL}',
  ARRAY['2024-01-01 00:00:00+00'::timestamptz, 'infinity'],
  ARRAY['{"k": [1, 2]}'::jsonb, 'null', '"s"'],
  ARRAY['\x0102'::bytea, '\x'],
  ARRAY['(1,1),(0,0)'::box, '(3,3),(2,2)'],
  '{2024-01-01,infinity}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
  ARRAY['[1,3)'::int4range, 'empty'],
  '{1.5,NaN,Infinity,-Infinity}', ARRAY['1 day'::interval, '-00:00:01'],
  '[0:2]={7,8,9}');
INSERT INTO arrays (id, a_int4, a_text, a_int8_2d) VALUES (2, '{}', '{}', '{}');

INSERT INTO ranges VALUES (1, '[1,10)', '(,100]', '[1.5,2.50]',
  '["2024-01-01 00:00","2024-02-01 00:00")', '[2024-01-01 00:00+00,)', '[2024-01-01,infinity)', '{[1,3), [5,8)}');
INSERT INTO ranges VALUES (2, 'empty', '(,)', 'empty', '(,"2024-01-01 12:00")', 'empty', '(,)', '{}');

INSERT INTO user_types VALUES (1, 'happy', 42, 'a=>1, "b c"=>NULL, "quo\"te"=>"back\\slash"', '(1.5,2.5]', ROW(1, 'x y'),
  '{sad,happy}', ARRAY['k=>v'::hstore, ''], '{1,NULL,3}');
SQL
{ header "Every supported column type as text tuples (scalars, arrays, ranges, user-defined types)"; peek ""; } > "$OUT/types.tsv"
{ header "The same changes as types.tsv with the 'binary' option, so tuples carry kind 'b'"; peek ", 'binary', 'true'"; } > "$OUT/types-binary.tsv"

# The type descriptors a pg_type-backed TypeCatalog would load: oid, schema, name, typtype, typcategory,
# element (array element, range subtype or multirange's range), domain base type, array delimiter.
catalog_query() {
  cat <<SQL
SELECT t.oid, n.nspname, t.typname, t.typtype, t.typcategory,
       COALESCE(r.rngsubtype, mr.rngtypid, t.typelem), t.typbasetype, t.typdelim
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_range r ON r.rngtypid = t.oid
LEFT JOIN pg_range mr ON mr.rngmultitypid = t.oid
WHERE $1
ORDER BY t.oid;
SQL
}
{ echo "# pg_type rows below OID 16384 (built-in types); columns as in record-fixtures.sh catalog_query"
  catalog_query "t.oid < 16384" | psql -At -F $'\t'; } > "$OUT/builtin-types.tsv"
{ echo "# pg_type rows of the user-defined types created by record-fixtures.sh; columns as in catalog_query"
  catalog_query "t.oid >= 16384 AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')" \
    | psql -At -F $'\t'; } > "$OUT/user-types.tsv"

psql -c "SELECT pg_drop_replication_slot('s')" >/dev/null

# ---- Scenario 2: DML, replica identities, TOAST, truncate, messages, schema changes, origin ----
psql >/dev/null <<'SQL'
CREATE TABLE accounts (id integer PRIMARY KEY, name text, note text);
ALTER TABLE accounts ALTER COLUMN note SET STORAGE EXTERNAL; -- out of line without compression, so 9 kB is TOASTed
CREATE TABLE audited (id integer PRIMARY KEY, amount numeric(12,2), memo text);
ALTER TABLE audited REPLICA IDENTITY FULL;
CREATE TABLE parent (id integer PRIMARY KEY);
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id));
CREATE TABLE tickets (id serial PRIMARY KEY, title text);
SELECT pg_replication_origin_create('upstream');
SELECT pg_create_logical_replication_slot('s', 'pgoutput');

BEGIN;
INSERT INTO accounts VALUES (1, 'alice', 'short'), (2, 'bob', repeat('0123456789', 900));
INSERT INTO audited VALUES (1, 10.50, 'm1');
INSERT INTO parent VALUES (1);
INSERT INTO child VALUES (1, 1);
INSERT INTO tickets (title) VALUES ('first');
COMMIT;
UPDATE accounts SET id = 10 WHERE id = 1;
UPDATE accounts SET name = 'bobby' WHERE id = 2;
UPDATE audited SET amount = 11.75 WHERE id = 1;
BEGIN;
SELECT pg_logical_emit_message(true, 'p', 'x');
DELETE FROM accounts WHERE id = 10;
DELETE FROM audited WHERE id = 1;
COMMIT;
SELECT pg_logical_emit_message(false, 'p', 'nontx');
TRUNCATE parent CASCADE;
TRUNCATE tickets RESTART IDENTITY;
TRUNCATE audited;
ALTER TABLE accounts ADD COLUMN email text;
INSERT INTO accounts VALUES (3, 'carol', 'n', 'carol@example.com');
ALTER TABLE accounts DROP COLUMN note;
INSERT INTO accounts VALUES (4, 'dave', 'dave@example.com');
ALTER TABLE accounts ALTER COLUMN id TYPE bigint;
INSERT INTO accounts VALUES (5, 'erin', 'erin@example.com');
SELECT pg_replication_origin_session_setup('upstream');
BEGIN;
SELECT pg_replication_origin_xact_setup('0/ABCDEF', '2024-01-02 03:04:05.123456+00');
INSERT INTO tickets (title) VALUES ('from upstream');
COMMIT;
SELECT pg_replication_origin_session_reset();
SQL
{ header "DML with replica identity DEFAULT and FULL, a key change, an unchanged TOASTed value, truncates, logical messages, ADD/DROP/retype COLUMN, and a replication origin"; peek ", 'messages', 'true'"; } > "$OUT/dml.tsv"

psql -c "SELECT pg_drop_replication_slot('s')" >/dev/null
echo "fixtures written to $OUT"
