#!/usr/bin/env bash
# Builds the browser's npki module (internal/web/wasm) into
# internal/web/ui/static/wasm/npki.wasm.gz and copies Go's wasm_exec.js beside the
# scripts. The build is reproducible (-trimpath, no build id, no VCS stamp), so
# `build.sh --check` (run by CI) fails when the committed files are stale.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=internal/web/ui/static
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GOOS=js GOARCH=wasm go build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o "$tmp/npki.wasm" ./internal/web/wasm
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$tmp/wasm_exec.js"
if [ "${1:-}" = "--check" ]; then
  gunzip -c "$out/wasm/npki.wasm.gz" | cmp -s - "$tmp/npki.wasm" ||
    { echo "internal/web/ui/static/wasm/npki.wasm.gz is stale: run internal/web/wasm/build.sh and commit"; exit 1; }
  cmp -s "$out/js/wasm_exec.js" "$tmp/wasm_exec.js" ||
    { echo "internal/web/ui/static/js/wasm_exec.js differs from this Go's: run internal/web/wasm/build.sh"; exit 1; }
  echo "wasm: up to date"
  exit 0
fi
mkdir -p "$out/wasm" "$out/js"
gzip -9 -n -c "$tmp/npki.wasm" > "$out/wasm/npki.wasm.gz"
cp "$tmp/wasm_exec.js" "$out/js/wasm_exec.js"
ls -l "$tmp/npki.wasm" "$out/wasm/npki.wasm.gz"
