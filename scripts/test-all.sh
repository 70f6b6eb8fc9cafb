#!/usr/bin/env bash
# Every test tier, in order: build and static checks, unit tests, the webgpu backend's tests, sweeps on a
# real local Slurm, integration tests in a real VS Code (code-server's, driven by Chromium), then the slow
# real-data tests. Stops at the first failing tier and ends with one "N passed, N failed, N skipped" line over
# all tiers.
set -euo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# Seconds per stage, printed at the end: CI has a time budget, and this says where it goes.
stage_name=""
stage_start=$SECONDS
stage_times=""
stage() {
  if [ -n "$stage_name" ]; then stage_times+="${stage_times:+, }$stage_name $((SECONDS - stage_start)) s"; fi
  stage_name=$1
  stage_start=$SECONDS
}

tier() {
  local name=$1
  shift
  echo "== $name"
  node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$results/$name.tap" "$@"
}

stage build
echo "== build"
node esbuild.mjs
stage "typecheck+lint"
echo "== typecheck"
npx tsc -p . --noEmit
npx tsc -p webview --noEmit
echo "== lint"
npx eslint .
npx prettier --check .

status=0
stage unit
tier unit test/unit/*.test.ts test/integration/harness/harness.test.ts || status=$?

if [ "$status" -eq 0 ]; then
  # Real trainer processes (256 MB heaps) killed, failing or contending on run folders, one file at a time.
  stage fault
  tier fault --test-concurrency=1 test/fault/*.test.ts || status=$?
fi

if [ "$status" -eq 0 ]; then
  # The GPU backend on whatever Vulkan adapter exists (CI: lavapipe, scripts/webgpu/install-software-gpu.sh);
  # its tests skip with the reason only where there is none.
  stage webgpu
  MLA_WEBGPU_ALLOW_SOFTWARE=1 tier webgpu test/webgpu/*.test.ts || status=$?
fi

if [ "$status" -eq 0 ]; then
  echo "== slurm: sweeps as array jobs on a real one-node Slurm (scripts/slurm/start-local.sh)"
  stage slurm
  tier slurm --test-concurrency=1 test/slurm/*.test.ts || status=$?
fi

if [ "$status" -eq 0 ]; then
  stage integration
  echo "== integration: install the offline VS Code (code-server 4.100.3 + Chromium) if missing"
  bash scripts/vscode-server/install.sh
  echo "== integration: the harness fails on a failing suite (self-test)"
  node --import tsx test/integration/harness/selftest.ts 2>&1 | tee "$results/selftest.log" || status=$?
  echo "== integration: MLA Studio's suites in a real VS Code"
  # pipefail: a failing driver fails the pipe even though tee succeeds.
  node --import tsx test/integration/run.ts 2>&1 | tee "$results/integration.log" || status=$?
fi
if [ "$status" -eq 0 ]; then
  stage ui
  echo "== ui: the dashboard in Chromium, dark, light and high-contrast themes (screenshots in test/ui/artifacts/)"
  node --import tsx test/ui/run.ts 2>&1 | tee "$results/ui.log" || status=$?
fi
if [ "$status" -eq 0 ]; then
  stage slow
  tier slow --test-concurrency=1 test/slow/*.test.ts || status=$?
fi

passed=$(cat "$results"/*.tap 2>/dev/null | awk '/^# pass [0-9]+$/ { n += $3 } END { print n + 0 }')
failed=$(cat "$results"/*.tap 2>/dev/null | awk '/^# fail [0-9]+$/ { n += $3 } END { print n + 0 }')
if [ -f "$results/selftest.log" ]; then
  read -r st_passed st_failed < <(awk '/^[0-9]+ passed, [0-9]+ failed$/ { p = $1; f = $3 } END { print p + 0, f + 0 }' "$results/selftest.log")
  passed=$((passed + st_passed))
  failed=$((failed + st_failed))
fi
if [ -f "$results/integration.log" ]; then
  read -r in_passed in_failed < <(awk '/^integration: [0-9]+ passed, [0-9]+ failed$/ { p = $2; f = $4 } END { print p + 0, f + 0 }' "$results/integration.log")
  passed=$((passed + in_passed))
  failed=$((failed + in_failed))
fi
if [ -f "$results/ui.log" ]; then
  read -r ui_passed ui_failed < <(awk '/^ui: [0-9]+ passed, [0-9]+ failed$/ { p = $2; f = $4 } END { print p + 0, f + 0 }' "$results/ui.log")
  passed=$((passed + ui_passed))
  failed=$((failed + ui_failed))
fi
skipped=$(cat "$results"/*.tap 2>/dev/null | awk '/^# skipped [0-9]+$/ { n += $3 } END { print n + 0 }')
# A skipped test printed its reason above (e.g. a dataset or PyTorch that is not installed).
stage done
echo "seconds per stage: $stage_times"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
