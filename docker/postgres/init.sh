#!/bin/sh
# Runs once, when the data directory is created: a sample schema with data, and a least-privilege
# role for the replicator (LOGIN REPLICATION + SELECT on the captured tables). The publication is
# created here by the tables' owner, so the replicator needs no ownership.
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v cdc_password="$PGCDC_POSTGRES_PASSWORD" <<'SQL'
CREATE TABLE customers (
  id         serial PRIMARY KEY,
  name       text NOT NULL,
  email      text,
  tags       text[],
  profile    jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
  id          bigserial PRIMARY KEY,
  customer_id int NOT NULL REFERENCES customers(id),
  amount      numeric(12,2) NOT NULL,
  status      text NOT NULL,
  ordered_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO customers (name, email, tags, profile)
SELECT 'Customer ' || g, 'customer' || g || '@example.com', ARRAY['tier' || (g % 3)],
       jsonb_build_object('city', (ARRAY['Lyon','Osaka','Lima'])[1 + g % 3], 'vip', g % 10 = 0)
FROM generate_series(1, 1000) g;
INSERT INTO orders (customer_id, amount, status)
SELECT 1 + g % 1000, round((random() * 500)::numeric, 2), (ARRAY['new','paid','shipped'])[1 + g % 3]
FROM generate_series(1, 5000) g;

CREATE ROLE cdc_user WITH LOGIN REPLICATION PASSWORD :'cdc_password';
GRANT CONNECT ON DATABASE shop TO cdc_user;
GRANT USAGE ON SCHEMA public TO cdc_user;
GRANT SELECT ON customers, orders TO cdc_user;
CREATE PUBLICATION pgcdc_publication FOR TABLE customers, orders;
SQL
