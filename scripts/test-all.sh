#!/usr/bin/env bash
# Every test tier, in order: build and static checks, unit tests, then the slow real-data tests. Stops at
# the first failing tier, and ends with one "N passed, N failed" line over all tiers.
set -euo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

tier() {
  local name=$1
  shift
  echo "== $name"
  node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$results/$name.tap" "$@"
}

echo "== build"
node esbuild.mjs
echo "== typecheck"
npx tsc -p . --noEmit
echo "== lint"
npx eslint .
npx prettier --check .

status=0
tier unit test/unit/*.test.ts || status=$?
if [ "$status" -eq 0 ]; then
  tier slow --test-concurrency=1 test/slow/*.test.ts || status=$?
fi

passed=$(cat "$results"/*.tap | awk '/^# pass [0-9]+$/ { n += $3 } END { print n + 0 }')
failed=$(cat "$results"/*.tap | awk '/^# fail [0-9]+$/ { n += $3 } END { print n + 0 }')
echo "tests: $passed passed, $failed failed"
exit "$status"
