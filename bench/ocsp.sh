#!/usr/bin/env bash
# Revocation benchmark (issue 6): OCSP responses per second with wrk against certcenter's
# pre-signed responder and `openssl ocsp -index -multi 2` with the same 100k serials,
# CRL generation for 100k and 1M revoked certificates, and revocation-to-visibility time.
# Heavy (a few minutes, ~1 GB of temporary files): not part of `go test ./...`.
#
#   bench/ocsp.sh                       # everything, defaults
#   bench/ocsp.sh -crl 100000           # skip the 1M CRL run
#   bench/ocsp.sh -serials 20000 -duration 5s -crl=   # quick look (-crl= skips the CRL part)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk not found (apt-get install wrk)"; exit 1; }
command -v openssl >/dev/null || { echo "bench: openssl not found"; exit 1; }
exec go run ./bench/ocspbench -lua bench/ocsp.lua "$@"
