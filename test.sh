#!/usr/bin/env bash
# Runs every test of the solution against a dedicated, throw-away Azurite.
# The LAST line printed is always "N passed, N failed" (", N skipped" when some were).
# Exit 0 only when nothing failed and at least one test passed.
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter Templates
# --fast runs the unit layer only (no Azurite, no processes, no console tests): every test class without the
# Integration trait; a --filter given with it narrows that further.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=tools/lib.sh
source tools/lib.sh
LOG_TAG='test'

# Ports of the test Azurite: not run.sh's 10000-10002, so tests never touch dev data and
# can run while ./run.sh is up.
TEST_AZURITE_BLOB_PORT=${TEST_AZURITE_BLOB_PORT:-10100}
TEST_AZURITE_QUEUE_PORT=${TEST_AZURITE_QUEUE_PORT:-10101}
TEST_AZURITE_TABLE_PORT=${TEST_AZURITE_TABLE_PORT:-10102}

# A single test running longer than this is taken as hung: the test host is killed and the
# run fails, instead of eating CI's whole time budget.
TEST_HANG_TIMEOUT=${TEST_HANG_TIMEOUT:-5m}

FAST=0
args=()
while (($# > 0)); do
    case $1 in
    --fast) FAST=1 ;;
    --filter)
        args+=("$1" "${2:-}")
        shift
        ;;
    *) args+=("$1") ;;
    esac
    shift
done
if ((FAST)); then
    filter='Category!=Integration'
    rest=()
    for ((i = 0; i < ${#args[@]}; i++)); do
        if [[ ${args[$i]} == --filter ]]; then
            i=$((i + 1))
            filter="($filter)&(${args[$i]})"
        else
            rest+=("${args[$i]}")
        fi
    done
    args=("${rest[@]}" --filter "$filter")
    # Whatever reaches for Azurite or starts a process fails at once, naming the trait its class lacks.
    export TEST_UNIT_LAYER_ONLY=1
fi
set -- "${args[@]}"

LOG_DIR=.data/logs
RESULTS_DIR=.data/test-results
TEST_LOG=$LOG_DIR/test.log
mkdir -p "$LOG_DIR"

# No first-run banner or telemetry attempts (the network is closed anyway); no terminal
# logger, whose live view would replace the classic summary lines we also parse.
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export MSBUILDTERMINALLOGGER=off

AZURITE_DIR=""
# shellcheck disable=SC2317 # called through the trap
cleanup() {
    # Always stop the Azurite we started (not one we reused) and drop its temp data.
    if [[ -n ${AZURITE_PID:-} ]]; then
        # stderr to the log: nothing may print after the counting line.
        stop_pid "$AZURITE_PID" 10 2>>"$LOG_DIR/test-azurite.log"
    fi
    if [[ -n $AZURITE_DIR ]]; then
        rm -rf "$AZURITE_DIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Any failure before the tests ran still has to end with the counting line.
fail_setup() {
    err "$1"
    echo "0 passed, 1 failed"
    exit 1
}

# The deployment tests render deploy/kubernetes with kubectl's kustomize; without one they fail, saying so.
KUBECTL=$(ensure_kubectl) && export KUBECTL || err "no usable kubectl: the deployment manifest tests will fail"

if ((!FAST)); then
    ensure_node_tools || fail_setup "could not install the node tools (Azurite)"

    AZURITE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/outbound-test-azurite.XXXXXX")
    start_azurite "$AZURITE_DIR" "$TEST_AZURITE_BLOB_PORT" "$TEST_AZURITE_QUEUE_PORT" \
        "$TEST_AZURITE_TABLE_PORT" "$LOG_DIR/test-azurite.log" TEST_AZURITE ||
        fail_setup "could not start the test Azurite"
    STORAGE_CONNECTION_STRING=$(azurite_connection_string "$TEST_AZURITE_BLOB_PORT" \
        "$TEST_AZURITE_QUEUE_PORT" "$TEST_AZURITE_TABLE_PORT")
    export STORAGE_CONNECTION_STRING
fi

# Old trx files would be counted again: start from an empty results folder.
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

# The results directory is given absolute: dotnet test may resolve a relative one per project.
# Extra arguments come last, so they can add to or override these options.
log "Running dotnet test (output also in $TEST_LOG, trx in $RESULTS_DIR)"
rc=0
dotnet test Orleans.sln -c Release \
    --blame-hang-timeout "$TEST_HANG_TIMEOUT" --blame-hang-dump-type none \
    --logger "console;verbosity=normal" \
    --logger "trx;LogFilePrefix=tests" \
    --results-directory "$PWD/$RESULTS_DIR" \
    "$@" 2>&1 | tee "$TEST_LOG" || rc=$?

if ! counts=$(summarize_test_results "$RESULTS_DIR" "$TEST_LOG"); then
    # No trx and no summary line: the build failed or the test host never started.
    err "dotnet test produced no test results (exit code $rc); see $TEST_LOG"
    echo "0 passed, 1 failed"
    exit 1
fi
read -r passed failed skipped <<<"$counts"

if ((rc != 0 && failed == 0)); then
    # e.g. one test project did not build, or a test host crashed after the others passed.
    err "dotnet test exited with code $rc although no test failed; counting it as 1 failure"
    failed=1
fi

# --- the web console: component tests (Vitest), then browser tests (Playwright, Chromium) ---------------------
# Run with the whole suite; a filtered run (extra arguments) is for dotnet tests only. SKIP_CONSOLE_TESTS=1 skips them.
add_counts() {
    local p f sk
    read -r p f sk <<<"$1"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + sk))
}
if (($# == 0)) && ((!FAST)) && [[ ${SKIP_CONSOLE_TESTS:-0} != 1 ]]; then
    if ensure_console_packages; then
        log "Running the console's component tests (Vitest; log: $LOG_DIR/console-unit.log)"
        (cd console && npx vitest run --reporter=default --reporter=json --outputFile="$PWD/../$RESULTS_DIR/vitest.json") \
            >"$LOG_DIR/console-unit.log" 2>&1 || true
        if counts=$(vitest_counts "$RESULTS_DIR/vitest.json"); then
            add_counts "$counts"
            log "Vitest: $(tail -n 6 "$LOG_DIR/console-unit.log" | grep -E 'Tests' | sed 's/\x1b\[[0-9;]*m//g' | xargs)"
        else
            err "Vitest produced no report; see $LOG_DIR/console-unit.log"
            failed=$((failed + 1))
        fi

        if ensure_chromium; then
            # The solution is built (Release) by the run above; the browser tests' system reuses that build.
            log "Running the console's browser tests (Playwright on Chromium; log: $LOG_DIR/console-e2e.log)"
            (cd console && RUN_SKIP_BUILD=1 PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/../$RESULTS_DIR/playwright.json" \
                npx playwright test --reporter=list,json) >"$LOG_DIR/console-e2e.log" 2>&1 || true
            if counts=$(playwright_counts "$RESULTS_DIR/playwright.json"); then
                add_counts "$counts"
                grep -E '^\s+[0-9]+ (passed|failed|flaky|skipped)' "$LOG_DIR/console-e2e.log" | sed 's/^ */[test] Playwright: /' || true
            else
                err "Playwright produced no report; last lines of $LOG_DIR/console-e2e.log:"
                tail -n 30 "$LOG_DIR/console-e2e.log" >&2
                failed=$((failed + 1))
            fi
        else
            failed=$((failed + 1))
        fi
    else
        failed=$((failed + 1))
    fi
fi

# --- the Kubernetes manifests: rendered by kustomize, checked against the API schemas (tools/manifests) ----------
if (($# == 0)); then
    log "Validating the rendered Kubernetes manifests (log: $LOG_DIR/manifests.log)"
    if counts=$(validate_manifests "$LOG_DIR/manifests.log"); then
        add_counts "$counts"
        grep '^FAIL' "$LOG_DIR/manifests.log" >&2 || true
    else
        failed=$((failed + 1))
    fi
fi

summary="$passed passed, $failed failed"
if ((skipped > 0)); then
    summary+=", $skipped skipped"
fi
echo "$summary"
if ((failed == 0 && passed > 0)); then
    exit 0
fi
exit 1
