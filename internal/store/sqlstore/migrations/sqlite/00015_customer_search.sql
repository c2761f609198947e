-- Teller search keys (internal/center/search.go): keyed hashes (sealer.MAC, under a key
-- derived from the secrets key) of a customer's normalized name with their birth date,
-- and of their mobile number, so that the staff console finds a customer by an index
-- lookup and opens only the matching sealed profiles. Names, birth dates and phone
-- numbers are low-entropy: a plain hash would be reversed by enumeration, an HMAC
-- cannot be without the key. Each key is bound to the institution.
--
-- search_keys says whether the row's keys were computed (1) or not yet (0: rows made
-- before this migration, or by a node of an older version during a rolling upgrade).
-- The migration cannot compute them (the database never holds the key): each node's
-- customer-search backfill job fills them in bounded batches after start.
-- The PostgreSQL twin is migrations/postgres/00015_customer_search.sql; keep them in step.

-- +goose Up
ALTER TABLE customers ADD COLUMN name_birth_hash BLOB;
ALTER TABLE customers ADD COLUMN phone_hash BLOB;
ALTER TABLE customers ADD COLUMN search_keys INTEGER NOT NULL DEFAULT 0;
CREATE INDEX customers_name_birth ON customers (institution_code, name_birth_hash, id);
CREATE INDEX customers_phone ON customers (institution_code, phone_hash, id);
CREATE INDEX customers_unkeyed ON customers (institution_code, id) WHERE search_keys = 0;

-- +goose Down
DROP INDEX customers_unkeyed;
DROP INDEX customers_phone;
DROP INDEX customers_name_birth;
ALTER TABLE customers DROP COLUMN search_keys;
ALTER TABLE customers DROP COLUMN phone_hash;
ALTER TABLE customers DROP COLUMN name_birth_hash;
