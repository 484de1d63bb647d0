#!/usr/bin/env bash
# Benchmark of the send path: starts a fresh Azurite, the provider fake, one silo and one gateway
# (Release builds, separate processes, ports of their own), runs a scenario with the load generator in bench/,
# stops everything, and writes the results as markdown.
#
#   ./bench.sh [throughput|timeline|contacts|faults|conversations|agents|audience|campaign|events|all] [--runs N] [--quick] [options of bench/Bench...]
#
#   throughput  closed loop (peak) and the ceiling (straight to the fake); then, on a fresh stack, the open loop
#               at 80% of the peak (latency); bulk sends: the configurations' show in timeline is off
#   timeline    the same with show in timeline on (event-based sends: one timeline entry per message)
#   contacts    1,000,000 distinct contacts (--contacts N), silo RSS over time
#   faults      10% retryable 5xx and 1% 429 from the fake (--fault-retryable, --fault-throttled)
#   conversations  inbound: signed Twilio webhooks from new customers, closed loop (peak), then on a fresh stack
#               the open loop at 80% of it: webhook → the agent's assigned event (--agents, --capacity, --agent-streams)
#   agents      inbound: --agents (10,000) agents, then --conversations (100,000) new conversations; silo RSS
#   audience    one campaign audience of --rows (1,000,000) CSV rows uploaded, checked and stored in blobs:
#               rows/s, gateway and silo peak RSS
#   campaign    the audience upload (--rows, 1,000,000), then that campaign sent (or one of --send-rows N) under the org's
#               --hourly-limit (30,000) × --quota-share (0.8); at --kill-at (0.4) of its requests the silo is SIGKILLed
#               and started again here; the campaign must go on by itself: rows/s, contacts/s, resume time, silo RSS
#               throughout, each valid contact exactly once in the fake's ledger, every clock hour within share and quota
#   events      CloudEvents batches (--contacts-per-request events per POST, 100) to one org with a case.created
#               trigger, closed loop (peak), then on a fresh stack the open loop at 80% of it: event → provider call
#   all         the four send-path scenarios, each on a fresh stack, --runs times; writes docs/benchmarks.md
#
# Examples: ./bench.sh all --runs 3          (the numbers in docs/benchmarks.md)
#           ./bench.sh throughput --duration 30 --concurrency 32
#           ./bench.sh throughput --quick    (10 s phases, a smoke run)
#           ./bench.sh campaign --send-rows 20000   (a million rows uploaded, 20,000 of them sent)
# Against a system that is already running (no processes started; pids only for the RSS numbers):
#   dotnet bench/Bench/bin/Release/net10.0/Bench.dll run --scenario throughput --gateway http://127.0.0.1:8080 \
#       --fake http://127.0.0.1:8090 --admin-key dev-admin-key [--silo-pid N --gateway-pid N]
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=tools/lib.sh
source tools/lib.sh
LOG_TAG=bench

# --- arguments ------------------------------------------------------------------------------
SCENARIO=throughput
if [[ ${1:-} =~ ^(throughput|timeline|contacts|faults|conversations|agents|audience|campaign|events|all)$ ]]; then
    SCENARIO=$1
    shift
fi
RUNS=1
REPORT=""
PASS=()
while (($#)); do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --report) REPORT=$2; shift 2 ;;
        --quick) PASS+=(--warmup 3 --duration 10 --contacts 20000 --idle-watch 10); shift ;;
        -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
        *) PASS+=("$1"); shift ;;
    esac
done
if [[ $SCENARIO == all ]]; then
    SCENARIOS=(throughput timeline contacts faults)
    REPORT=${REPORT:-docs/benchmarks.md}
else
    SCENARIOS=("$SCENARIO")
fi
COMMAND="./bench.sh $SCENARIO --runs $RUNS${PASS[*]:+ ${PASS[*]}}"
for var in BENCH_CALLBACKS BENCH_COLLECTION_AGE_SECONDS BENCH_AZURITE_IN_MEMORY BENCH_FRESH_OPEN_LOOP BENCH_READY_TO_RUN SENDER_MAX_CALLS_PER_CHANNEL; do
    # Settings that change what is measured are part of the command that reproduces it.
    if [[ -n ${!var:-} ]]; then
        COMMAND="$var=${!var} $COMMAND"
    fi
done

# --- configuration: ports apart from run.sh (8080...) and test.sh (10100...) -----------------
BENCH_AZURITE_BLOB_PORT=${BENCH_AZURITE_BLOB_PORT:-10300}
BENCH_AZURITE_QUEUE_PORT=${BENCH_AZURITE_QUEUE_PORT:-10301}
BENCH_AZURITE_TABLE_PORT=${BENCH_AZURITE_TABLE_PORT:-10302}
BENCH_GATEWAY_PORT=${BENCH_GATEWAY_PORT:-18080}
BENCH_SILO_HTTP_PORT=${BENCH_SILO_HTTP_PORT:-18081}
BENCH_FAKE_PORT=${BENCH_FAKE_PORT:-18090}
BENCH_SILO_PORT=${BENCH_SILO_PORT:-21111}
BENCH_SILO_GATEWAY_PORT=${BENCH_SILO_GATEWAY_PORT:-21112} # below the ephemeral range (32768+), where a TIME_WAIT can block a bind
# 1: the silo asks the fake for status callbacks (PUBLIC_BASE_URL), which then load the gateway as well.
BENCH_CALLBACKS=${BENCH_CALLBACKS:-0}
BENCH_SKIP_BUILD=${BENCH_SKIP_BUILD:-0}
# 1: the silo and the gateway run as deploy/Dockerfile ships them, published ReadyToRun (precompiled), so a fresh
# stack does not spend its first seconds in the JIT. 0: from their plain build output.
BENCH_READY_TO_RUN=${BENCH_READY_TO_RUN:-1}
# 1: the throughput scenario's open loop runs on a stack of its own, so its store starts as empty as the closed
# loop's did. Azurite's cost per operation grows with what it holds (bench/README.md): on the closed loop's store,
# "80% of the peak" would be measured against a slower system than the peak was. 0: one stack for all phases.
BENCH_FRESH_OPEN_LOOP=${BENCH_FRESH_OPEN_LOOP:-1}
# 1: Azurite keeps its data in memory only. Its default (LokiJS saved to disk every few seconds) costs CPU in
# proportion to everything stored so far, an emulator artifact that real Table storage does not put on this box.
BENCH_AZURITE_IN_MEMORY=${BENCH_AZURITE_IN_MEMORY:-1}
# How long an idle grain stays in the silo's memory (GRAIN_COLLECTION_AGE_SECONDS; Orleans' default is 15 minutes).
# 0: the product's own (send batches leave after 2 idle minutes, [CollectionAgeLimit]; other grains Orleans' default).
BENCH_COLLECTION_AGE_SECONDS=${BENCH_COLLECTION_AGE_SECONDS:-0}
CONFIG=Release
ADMIN=bench-admin-key

BENCH_DIR=.data/bench
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$BENCH_DIR/results/$STAMP
LOGS=$BENCH_DIR/logs/$STAMP
mkdir -p "$RESULTS" "$LOGS"
REPORT=${REPORT:-$RESULTS/benchmarks.md}

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDTERMINALLOGGER=off
# What the services read (README's configuration table); the same for every run.
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export ADMIN_KEY=$ADMIN ORLEANS_CLUSTER_ID=bench
# The cluster's signing key (API keys, callback tokens): a fresh one per run, shared by silo and gateway.
SIGNING_KEYS=$(head -c 32 /dev/urandom | base64)
export SIGNING_KEYS
# A benchmark-only key-encryption key for the key ring that seals channel credentials.
export DATA_PROTECTION_KEK=YmVuY2htYXJrLWtlay1ub3QtZm9yLXByb2R1Y3Rpb24=
export GATEWAY_PORT=$BENCH_GATEWAY_PORT SILO_HTTP_PORT=$BENCH_SILO_HTTP_PORT SILO_PORT=$BENCH_SILO_PORT
export SILO_GATEWAY_PORT=$BENCH_SILO_GATEWAY_PORT PROVIDER_FAKE_PORT=$BENCH_FAKE_PORT
export TWILIO_BASE_URL=http://127.0.0.1:$BENCH_FAKE_PORT
export STORAGE_CONNECTION_STRING
STORAGE_CONNECTION_STRING=$(azurite_connection_string "$BENCH_AZURITE_BLOB_PORT" "$BENCH_AZURITE_QUEUE_PORT" "$BENCH_AZURITE_TABLE_PORT")
if ((BENCH_COLLECTION_AGE_SECONDS > 0)); then
    export GRAIN_COLLECTION_AGE_SECONDS=$BENCH_COLLECTION_AGE_SECONDS
fi
if [[ $BENCH_CALLBACKS == 1 ]]; then
    export PUBLIC_BASE_URL=http://127.0.0.1:$BENCH_GATEWAY_PORT
else
    unset PUBLIC_BASE_URL
fi

# --- processes ------------------------------------------------------------------------------
AZURITE_PID="" SILO_PID="" GATEWAY_PID="" FAKE_PID=""
stop_stack() {
    # Gateway first, storage last: the silo still writes its membership row while it stops.
    [[ -n $GATEWAY_PID ]] && stop_pid "$GATEWAY_PID" 20
    [[ -n $FAKE_PID ]] && stop_pid "$FAKE_PID" 10
    [[ -n $SILO_PID ]] && stop_pid "$SILO_PID" 40
    [[ -n $AZURITE_PID ]] && stop_pid "$AZURITE_PID" 10
    AZURITE_PID="" SILO_PID="" GATEWAY_PID="" FAKE_PID=""
}
# shellcheck disable=SC2317 # called through the trap
cleanup() {
    trap - EXIT
    set +e
    stop_stack
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    err "$1"
    [[ -n ${2:-} && -f $2 ]] && tail -n 40 "$2" >&2
    exit 1
}

# start_service NAME PID_VAR DIR ASSEMBLY LOG READY_URL: as run.sh's, with the bench's logs.
start_service() {
    local name=$1 pid_var=$2 dir=$3 assembly=$4 log_file=$5 url=$6
    local app=$dir/bin/$CONFIG/net10.0
    if [[ $BENCH_READY_TO_RUN == 1 && -d $BENCH_DIR/publish/$dir ]]; then
        app=$BENCH_DIR/publish/$dir
    fi
    start_bg -C "$app" "$log_file" dotnet "$assembly"
    printf -v "$pid_var" '%s' "$BG_PID"
    wait_http "$url" 90 "$BG_PID" || fail "the $name did not become ready on $url" "$log_file"
}

# A fresh system per scenario run: empty storage, new processes, so one run's grains and memory never
# carry into the next.
start_stack() {
    local logs=$1
    for port in BENCH_GATEWAY_PORT BENCH_SILO_HTTP_PORT BENCH_FAKE_PORT BENCH_SILO_PORT BENCH_SILO_GATEWAY_PORT BENCH_AZURITE_TABLE_PORT; do
        port_in_use "${!port}" && fail "$(port_taken_message "${!port}" "$port")"
    done
    rm -rf "$BENCH_DIR/azurite"
    local -a azurite_args=()
    if [[ $BENCH_AZURITE_IN_MEMORY == 1 ]]; then
        azurite_args=(--inMemoryPersistence)
    fi
    start_azurite "$BENCH_DIR/azurite" "$BENCH_AZURITE_BLOB_PORT" "$BENCH_AZURITE_QUEUE_PORT" \
        "$BENCH_AZURITE_TABLE_PORT" "$logs/azurite.log" BENCH_AZURITE "${azurite_args[@]}" || fail "could not start Azurite"
    # A new service id per run as well: nothing can match state of an earlier run even if storage were reused.
    export ORLEANS_SERVICE_ID=bench-$RANDOM$RANDOM
    start_service silo SILO_PID Silo Silo.dll "$PWD/$logs/silo.log" "http://127.0.0.1:$BENCH_SILO_HTTP_PORT/health/ready"
    start_service "provider fake" FAKE_PID tools/ProviderFake ProviderFake.dll "$PWD/$logs/provider-fake.log" "http://127.0.0.1:$BENCH_FAKE_PORT/health"
    start_service gateway GATEWAY_PID Gateway Gateway.dll "$PWD/$logs/gateway.log" "http://127.0.0.1:$BENCH_GATEWAY_PORT/health/ready"
}

# --- build ----------------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"
ensure_node_tools || fail "could not install the node tools (Azurite)"
if [[ $BENCH_SKIP_BUILD != 1 ]]; then
    log "Building Orleans.sln ($CONFIG; log: $LOGS/build.log)"
    dotnet build Orleans.sln -c "$CONFIG" -nologo -v q -tl:off >"$LOGS/build.log" 2>&1 || fail "build failed" "$LOGS/build.log"
    rm -rf "$BENCH_DIR/publish"
    if [[ $BENCH_READY_TO_RUN == 1 ]]; then
        log "Publishing the silo and the gateway ReadyToRun, as deploy/Dockerfile does (log: $LOGS/publish.log)"
        rid=$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')
        for project in Silo Gateway; do
            dotnet publish "$project/$project.csproj" -c "$CONFIG" -r "$rid" --self-contained false -p:PublishReadyToRun=true \
                -o "$BENCH_DIR/publish/$project" -nologo -v q -tl:off >>"$LOGS/publish.log" 2>&1 || fail "publish failed" "$LOGS/publish.log"
        done
    fi
fi
BENCH_DLL=bench/Bench/bin/$CONFIG/net10.0/Bench.dll

# --- runs -----------------------------------------------------------------------------------
# run_bench SCENARIO RUN OUT LOG [more options]: the load generator against the stack just started.
run_bench() {
    local scenario=$1 run=$2 out=$3 log_file=$4
    shift 4
    dotnet "$BENCH_DLL" run --scenario "$scenario" --run "$run" \
        --gateway "http://127.0.0.1:$BENCH_GATEWAY_PORT" --fake "http://127.0.0.1:$BENCH_FAKE_PORT" \
        --admin-key "$ADMIN" --silo-pid "$SILO_PID" --gateway-pid "$GATEWAY_PID" \
        --fake-pid "$FAKE_PID" ${AZURITE_PID:+--azurite-pid "$AZURITE_PID"} \
        --sender-max-calls-per-channel "${SENDER_MAX_CALLS_PER_CHANNEL:-16}" \
        --out "$out" "${PASS[@]}" "$@" 2>&1 | tee "$log_file"
}

# run_campaign RUN OUT LOGS: the campaign scenario, which asks for the silo's SIGKILL through files in a control
# folder (CampaignScenario). The script owns the processes: it kills the silo, starts it again as start_stack did,
# and stop_stack then stops the new one.
run_campaign() {
    local run=$1 out=$2 logs=$3 control=$3/control bench_pid
    mkdir -p "$control"
    run_bench campaign "$run" "$out" "$logs/bench.log" --control "$control" &
    bench_pid=$!
    while pid_alive "$bench_pid"; do
        if [[ -f $control/kill-silo ]]; then
            rm -f "$control/kill-silo"
            kill -KILL "$SILO_PID" 2>/dev/null || true
            wait "$SILO_PID" 2>/dev/null || true
            date +%s.%N >"$control/killed"
            log "silo $SILO_PID SIGKILLed; starting it again"
            start_service silo SILO_PID Silo Silo.dll "$PWD/$logs/silo-restarted.log" "http://127.0.0.1:$BENCH_SILO_HTTP_PORT/health/ready"
            echo "$SILO_PID" >"$control/silo.pid"
            date +%s.%N >"$control/ready"
        fi
        sleep 0.2
    done
    wait "$bench_pid"
}

log "Results: $RESULTS, logs: $LOGS"
rc=0
for ((run = 1; run <= RUNS; run++)); do
    for scenario in "${SCENARIOS[@]}"; do
        logs=$LOGS/$scenario-run$run
        mkdir -p "$logs"
        log "=== $scenario, run $run of $RUNS ==="
        out=$RESULTS/$scenario-run$run.json
        extra=()
        if [[ $scenario == timeline ]]; then
            # The throughput scenario with the timeline indexes on; its results say so (showInTimeline).
            scenario=throughput
            extra=(--show-in-timeline true)
        fi
        if [[ $scenario =~ ^(throughput|conversations|events)$ && $BENCH_FRESH_OPEN_LOOP == 1 && " ${PASS[*]} " != *open-loop* ]]; then
            # The closed loop and the ceiling first; the result stays out of $RESULTS until the open loop completes it.
            start_stack "$logs"
            run_bench "$scenario" "$run" "$logs/closed-loop.json" "$logs/bench.log" "${extra[@]}" --skip open-loop || rc=1
            stop_stack
            mkdir -p "$logs/open-loop"
            start_stack "$logs/open-loop"
            run_bench "$scenario" "$run" "$out" "$logs/open-loop/bench.log" "${extra[@]}" --after "$logs/closed-loop.json" || rc=1
            stop_stack
            continue
        fi

        start_stack "$logs"
        if [[ $scenario == campaign ]]; then
            run_campaign "$run" "$out" "$logs" || rc=1
        else
            run_bench "$scenario" "$run" "$out" "$logs/bench.log" "${extra[@]}" || rc=1
        fi
        stop_stack
    done
done

dotnet "$BENCH_DLL" report --results "$RESULTS" --out "$REPORT" --command "$COMMAND" ${BENCH_NOTE:+--note "$BENCH_NOTE"}
log "Report: $REPORT"
if ((rc != 0)); then
    err "a run lost or duplicated messages, or failed (see $LOGS)"
fi
exit "$rc"
