#!/usr/bin/env bash
# fuzz-all.sh DURATION: runs every Fuzz* target in the module for DURATION each.
set -euo pipefail
dur=${1:-60s}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "== $pkg $f ($dur)"
    go test -run "^$" -fuzz "^$f\$" -fuzztime "$dur" -fuzzminimizetime 2s "$pkg"
  done
done
