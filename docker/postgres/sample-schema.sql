-- The sample schema of the quick start and the docker compose stack: customers and their orders.
-- quickstart.sh runs it with psql; docker compose mounts it into docker-entrypoint-initdb.d.
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
