#!/usr/bin/env bash
# The chaos suite: does every message the API accepted reach the provider exactly once, or end in a recorded final
# state, whatever the provider or the storage does? Builds (Release), then runs tools/Chaos, which starts a stack of
# its own on free ports (a private in-memory Azurite, the provider fake, 2 silo processes, 2 gateways), sends a
# tagged load while it slows and breaks the provider, pauses storage and kills a silo, drains, and judges.
#
#   ./tools/chaos.sh [--scenario faults|rolling-restart] [--short] [--report FILE] [options of tools/Chaos...]
#
#   (no option)  the long run: 10 minutes at 2 requests/s of 100 contacts, every fault at full length
#   --short      the test's short form (about 5,000 messages, every fault shortened; 2-3 minutes)
#   --scenario rolling-restart
#                3 silos, 2 gateways: each silo in turn SIGTERMed and started again, then one SIGKILLed, under
#                load; the quota runs out near the end (with --short: the test's form, about 2 minutes)
#   --report F   also write the markdown to F (e.g. docs/reliability.md; its hand-written part is kept, and the
#                rolling restart writes only its own section)
#
# Examples: ./tools/chaos.sh --report docs/reliability.md
#           ./tools/chaos.sh --scenario rolling-restart --report docs/reliability.md
#           ./tools/chaos.sh --rate 1 --duration 200 --crash-at 15 --slow-at 30 --slow-for 40 \
#               --outage-at 80 --outage-for 60 --stall-at 150 --stall-for 30     (about 20,000 messages)
#           ./tools/chaos.sh --outage off --crash-at 30 --crash-for 10
# Options and what the verdict means: tools/Chaos/README.md. Exit code: 0 passed, 1 the promise did not hold, 2 bad options,
# 3 the stack or the setup failed, 130 stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
LOG_TAG=chaos

REPORT=""
PASS=()
while (($#)); do
    case $1 in
        --report) REPORT=$2; shift 2 ;;
        -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
        *) PASS+=("$1"); shift ;;
    esac
done
COMMAND="./tools/chaos.sh${PASS[*]:+ ${PASS[*]}}"
CHAOS_SKIP_BUILD=${CHAOS_SKIP_BUILD:-0}
CONFIG=Release

CHAOS_DIR=.data/chaos
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$CHAOS_DIR/results/$STAMP
LOGS=$CHAOS_DIR/logs/$STAMP
PID_FILE=$CHAOS_DIR/chaos.pid
mkdir -p "$RESULTS" "$LOGS"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDTERMINALLOGGER=off

fail() {
    err "$1"
    [[ -n ${2:-} && -f $2 ]] && tail -n 40 "$2" >&2
    exit 1
}

# One run at a time from this checkout: a second one would find the first's pid file.
if [[ -f $PID_FILE ]] && pid_alive "$(<"$PID_FILE")"; then
    fail "a chaos run is already going (pid $(<"$PID_FILE"), $PID_FILE)"
fi

RUNNER_PID=""
# shellcheck disable=SC2317 # called through the trap
cleanup() {
    trap - EXIT
    set +e
    # The runner kills its stack when it stops; should it die first, the pids it left behind are killed here.
    [[ -n $RUNNER_PID ]] && stop_pid "$RUNNER_PID" 60
    if [[ -f $LOGS/children.pids ]]; then
        while read -r pid; do
            [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid" && kill -CONT "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        done <"$LOGS/children.pids"
    fi
    rm -f "$PID_FILE"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"
ensure_node_tools || fail "could not install the node tools (Azurite)"
if [[ $CHAOS_SKIP_BUILD != 1 ]]; then
    log "Building Orleans.sln ($CONFIG; log: $LOGS/build.log)"
    dotnet build Orleans.sln -c "$CONFIG" -nologo -v q -tl:off >"$LOGS/build.log" 2>&1 || fail "build failed" "$LOGS/build.log"
fi
CHAOS_DLL=tools/Chaos/bin/$CONFIG/net10.0/Chaos.dll

log "Results: $RESULTS, logs: $LOGS"
# In the background with a pid file, so Ctrl-C and the trap above reach it; it stops its own stack on SIGTERM.
dotnet "$CHAOS_DLL" run --logs "$LOGS" --pids-file "$LOGS/children.pids" \
    --out "$RESULTS/chaos.json" --markdown "$RESULTS/chaos.md" --messages "$RESULTS/messages.csv" --command "$COMMAND" "${PASS[@]}" \
    > >(tee "$LOGS/chaos.log") 2>&1 &
RUNNER_PID=$!
echo "$RUNNER_PID" >"$PID_FILE"
rc=0
wait "$RUNNER_PID" || rc=$?
RUNNER_PID=""

if [[ -f $RESULTS/chaos.json ]]; then
    log "Report: $RESULTS/chaos.md"
    if [[ -n $REPORT ]]; then
        dotnet "$CHAOS_DLL" report --result "$RESULTS/chaos.json" --out "$REPORT" --command "$COMMAND"
    fi
fi
case $rc in
    0) log "verdict: passed" ;;
    1) err "verdict: the promise did not hold (see $RESULTS/chaos.md)" ;;
    *) err "the run did not complete (exit $rc; logs: $LOGS)" ;;
esac
exit "$rc"
