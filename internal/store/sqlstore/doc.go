// Package sqlstore is certcenter's one storage implementation: database/sql over
// PostgreSQL (github.com/jackc/pgx/v5/stdlib) and embedded SQLite (modernc.org/sqlite).
// It implements the store interfaces that internal/ca and internal/center declare, the
// bootstrap and the hash-chained audit log, and it runs its own schema migrations
// (goose, migrations/{postgres,sqlite} with identical version numbers) at Open.
//
// Every change that touches more than one row, and every change that records an audit
// event, is one transaction: either all of it is stored or none. Timestamps are stored as
// BIGINT unix microseconds in both databases and returned in UTC. The differences between
// the two databases live in dialect.go, and in pgpipeline.go for the issuance writes that
// PostgreSQL pipelines through pgx's native API.
//
// sqlstore does not decide policy: it does not choose serials, validity or CRL partitions,
// verify identities, or encrypt anything (enrollment secrets arrive already sealed). It
// never sees personal data in clear. Callers test its errors with errors.Is against
// store.ErrNotFound and store.ErrConflict; the conformance suite is store/storetest.
//
// Tests run storetest on SQLite in a temporary folder and on PostgreSQL in a fresh schema
// (testenv.PostgresDSN; skipped when the server is missing unless CERTCENTER_REQUIRE_ALL=1).
// BenchmarkStoreCertificate measures the issuance write with 10k certificates stored, and
// with 1M when CERTCENTER_BENCH_1M=1 (see certificates_bench_test.go).
package sqlstore
