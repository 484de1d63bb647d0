#!/usr/bin/env bash
# Runs the whole system locally, in the foreground: Azurite (storage emulator), the Orleans
# silo and the HTTP gateway. Ctrl-C stops everything this script started. Data lives under
# .data/ and survives restarts. Every port and the admin key can be changed through the
# environment variables below, e.g. GATEWAY_PORT=9080 ./run.sh
#
#   ./run.sh [--silos N] [--gateways M]
#
# --silos/--gateways start a cluster on this machine (default 1 and 1): silo i listens on SILO_PORT+i-1,
# SILO_GATEWAY_PORT+i-1 and SILO_HTTP_PORT+i-1, gateway j on GATEWAY_PORT+j-1 (with more than one gateway and no
# SILO_HTTP_PORT given, the silos' HTTP ports start after the gateways'). Each process has its own log
# (silo-i.log, gateway-j.log; silo.log and gateway.log when there is one of each).
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=tools/lib.sh
source tools/lib.sh
LOG_TAG=run

SILOS=1 GATEWAYS=1
while (($#)); do
    case $1 in
        --silos|--gateways)
            [[ ${2:-} =~ ^[1-9][0-9]?$ ]] || { err "$1 takes a number from 1 to 99"; exit 2; }
            if [[ $1 == --silos ]]; then SILOS=$2; else GATEWAYS=$2; fi
            shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) err "unknown option $1 (./run.sh [--silos N] [--gateways M])"; exit 2 ;;
    esac
done

# --- configuration: the C# side reads the exported variables ---------------------------
AZURITE_BLOB_PORT=${AZURITE_BLOB_PORT:-10000}
AZURITE_QUEUE_PORT=${AZURITE_QUEUE_PORT:-10001}
AZURITE_TABLE_PORT=${AZURITE_TABLE_PORT:-10002}
export GATEWAY_PORT=${GATEWAY_PORT:-8080}
export SILO_PORT=${SILO_PORT:-11111}
export SILO_GATEWAY_PORT=${SILO_GATEWAY_PORT:-30000}
if [[ -z ${SILO_HTTP_PORT:-} ]]; then
    SILO_HTTP_PORT=8081
    # More gateways take the ports after GATEWAY_PORT: the silos' HTTP ports then follow theirs.
    if ((SILO_HTTP_PORT >= GATEWAY_PORT && SILO_HTTP_PORT < GATEWAY_PORT + GATEWAYS)); then
        SILO_HTTP_PORT=$((GATEWAY_PORT + GATEWAYS))
    fi
fi
export SILO_HTTP_PORT
# A development key only: set ADMIN_KEY to something secret anywhere that is not your laptop.
export ADMIN_KEY=${ADMIN_KEY:-dev-admin-key}
# The cluster's signing key(s): API keys and callback URLs carry a tag under it. A development key only;
# elsewhere set base64 of 32 random bytes (openssl rand -base64 32). Comma-separated: the first signs, all verify.
export SIGNING_KEYS=${SIGNING_KEYS:-ZGV2LXNpZ25pbmcta2V5LW9ubHktZm9yLWEtbGFwdG9wLXJ1bg==}
# The key-encryption key of the key ring that seals channel credentials in storage (base64 of 32 bytes; a
# comma-separated list during a rotation, the new key first). A development key only, like ADMIN_KEY.
export DATA_PROTECTION_KEK=${DATA_PROTECTION_KEK:-ZGV2ZWxvcG1lbnQta2VrLW5vdC1mb3ItcHJvZHVjdGk=}
# ACS channels may name only these hosts (https); loopback (the provider fake) is allowed in Development.
export ACS_ENDPOINT_ALLOWED_HOSTS=${ACS_ENDPOINT_ALLOWED_HOSTS:-*.communication.azure.com}
export ORLEANS_CLUSTER_ID=${ORLEANS_CLUSTER_ID:-local}
export ORLEANS_SERVICE_ID=${ORLEANS_SERVICE_ID:-outbound}
# Where providers post status callbacks: the gateway as they reach it (with real providers, a public URL).
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$GATEWAY_PORT}
# Provider fake (tools/ProviderFake): a loopback Twilio + ACS that the silo sends to instead of
# the real providers. USE_REAL_PROVIDERS=1 skips it and leaves the real endpoints in place.
# The fake's own settings (FAKE_TWILIO_ACCOUNTS, FAKE_ACS_KEYS, FAKE_ACS_EVENTS_URL, FAKE_FAULT_*...)
# pass through from the environment; see tools/ProviderFake/README.md. ACS delivery reports need a
# channel's events secret in their URL, which exists only once a channel does, so the README's
# walk-through points the fake at the gateway then (PUT /_acs/events-subscription), not this script.
USE_REAL_PROVIDERS=${USE_REAL_PROVIDERS:-0}
export PROVIDER_FAKE_PORT=${PROVIDER_FAKE_PORT:-8090}
if [[ $USE_REAL_PROVIDERS != 1 ]]; then
    # The silo's Twilio client sends here; ACS channels carry their own endpoint (point them at this URL too).
    export TWILIO_BASE_URL=http://127.0.0.1:$PROVIDER_FAKE_PORT
fi

CONFIG=Release
# RUN_DATA_DIR puts a second system's data, logs and pid files elsewhere (the browser tests run one on other ports).
DATA_DIR=${RUN_DATA_DIR:-.data}
LOG_DIR=$DATA_DIR/logs
RUN_DIR=.run
if [[ -n ${RUN_DATA_DIR:-} ]]; then
    RUN_DIR=$DATA_DIR/run
fi
FAKE_LOG=$LOG_DIR/provider-fake.log
# Each silo and gateway by name (silo, or silo-1...), with its ports: the names also name its log and pid files.
SILO_NAMES=() SILO_PORTS=() SILO_GATEWAY_PORTS=() SILO_HTTP_PORTS=() GATEWAY_NAMES=() GATEWAY_PORTS=()
for ((i = 0; i < SILOS; i++)); do
    if ((SILOS > 1)); then SILO_NAMES+=("silo-$((i + 1))"); else SILO_NAMES+=(silo); fi
    SILO_PORTS+=($((SILO_PORT + i)))
    SILO_GATEWAY_PORTS+=($((SILO_GATEWAY_PORT + i)))
    SILO_HTTP_PORTS+=($((SILO_HTTP_PORT + i)))
done
for ((i = 0; i < GATEWAYS; i++)); do
    if ((GATEWAYS > 1)); then GATEWAY_NAMES+=("gateway-$((i + 1))"); else GATEWAY_NAMES+=(gateway); fi
    GATEWAY_PORTS+=($((GATEWAY_PORT + i)))
done
AZURITE_LOG=$LOG_DIR/azurite.log
BUILD_LOG=$LOG_DIR/build.log
mkdir -p "$LOG_DIR" "$RUN_DIR"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Both hosts would otherwise default to Production; Development is what a local run is.
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Development}

# --- cleanup: stop what we started, newest first ----------------------------------------
# The gateways go before the silos, and storage last, so a silo can still write its
# "leaving the cluster" entry to the membership table while it shuts down.
SILO_PIDS=() GATEWAY_PIDS=() AZURITE_PID="" FAKE_PID=""
# shellcheck disable=SC2317 # called through the trap
cleanup() {
    trap - EXIT
    # Stopping must finish whatever happens to our terminal: a second Ctrl-C only says to
    # wait (the stops below are bounded), and a closed stdout (`./run.sh | tee x`, with tee
    # gone on Ctrl-C) must not kill us with SIGPIPE, nor a failed write stop us under -e.
    trap 'log "still stopping, please wait..."' INT TERM HUP
    trap '' PIPE
    set +e
    local stopped=0
    if [[ -n $FAKE_PID ]]; then
        log "Stopping provider fake (pid $FAKE_PID)"
        stop_pid "$FAKE_PID" 10
        rm -f "$RUN_DIR/provider-fake.pid"
        stopped=1
    fi
    local i
    for ((i = ${#GATEWAY_PIDS[@]} - 1; i >= 0; i--)); do
        [[ -n ${GATEWAY_PIDS[i]} ]] || continue
        log "Stopping ${GATEWAY_NAMES[i]} (pid ${GATEWAY_PIDS[i]})"
        stop_pid "${GATEWAY_PIDS[i]}" 20
        rm -f "$RUN_DIR/${GATEWAY_NAMES[i]}.pid"
        stopped=1
    done
    # One silo at a time, as a scale-down would: each hands its grains over to silos that stay.
    for ((i = ${#SILO_PIDS[@]} - 1; i >= 0; i--)); do
        [[ -n ${SILO_PIDS[i]} ]] || continue
        log "Stopping ${SILO_NAMES[i]} (pid ${SILO_PIDS[i]})"
        stop_pid "${SILO_PIDS[i]}" 40
        rm -f "$RUN_DIR/${SILO_NAMES[i]}.pid"
        stopped=1
    done
    if [[ -n $AZURITE_PID ]]; then
        log "Stopping Azurite (pid $AZURITE_PID)"
        stop_pid "$AZURITE_PID" 10
        rm -f "$DATA_DIR/azurite/azurite.pid"
        stopped=1
    fi
    rm -f "$RUN_DIR/run.pid"
    if ((stopped)); then
        log "Stopped. Data is kept in $DATA_DIR/ for the next run."
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
# Started in the background (./run.sh &), it stops with: kill $(cat .run/run.pid)
echo $$ >"$RUN_DIR/run.pid"

# Prints the last lines of a log and exits (the EXIT trap stops what runs).
fail_with_log() {
    err "$1"
    if [[ -f $2 ]]; then
        echo "----- last lines of $2 -----" >&2
        tail -n 60 "$2" >&2
        echo "-----" >&2
    fi
    exit 1
}

# --- 1. ports: fail fast, before starting or building anything ---------------------------
# Every port with the variable that moves it (silo 2's SILO_PORT is SILO_PORT+1).
offset_name() {
    if (($2 > 0)); then echo "$1+$2"; else echo "$1"; fi
}
declare -A port_owner_var=()
claim_port() {
    local port=$1 var=$2
    if [[ -n ${port_owner_var[$port]:-} ]]; then
        err "port $port is wanted by both ${port_owner_var[$port]} and $var: move one of them."
        exit 1
    fi
    port_owner_var[$port]=$var
    if port_in_use "$port"; then
        err "$(port_taken_message "$port" "$var")"
        exit 1
    fi
}
for ((i = 0; i < GATEWAYS; i++)); do
    claim_port "${GATEWAY_PORTS[i]}" "$(offset_name GATEWAY_PORT "$i")"
done
for var in SILO_PORT SILO_GATEWAY_PORT SILO_HTTP_PORT; do
    for ((i = 0; i < SILOS; i++)); do
        claim_port $((${!var} + i)) "$(offset_name "$var" "$i")"
    done
done
if [[ $USE_REAL_PROVIDERS != 1 ]]; then
    claim_port "$PROVIDER_FAKE_PORT" PROVIDER_FAKE_PORT
fi

# --- 2. tools and storage ---------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || { err "the .NET SDK (dotnet) is not on PATH"; exit 1; }
ensure_node_tools
# Data under .data/azurite, so the cluster's tables, grain state and reminders survive.
start_azurite "$DATA_DIR/azurite" "$AZURITE_BLOB_PORT" "$AZURITE_QUEUE_PORT" \
    "$AZURITE_TABLE_PORT" "$AZURITE_LOG" AZURITE
STORAGE_CONNECTION_STRING=$(azurite_connection_string "$AZURITE_BLOB_PORT" \
    "$AZURITE_QUEUE_PORT" "$AZURITE_TABLE_PORT")
export STORAGE_CONNECTION_STRING

# --- 3. build -----------------------------------------------------------------------------
# The gateway serves the built console at /; it is rebuilt only when its sources changed.
build_console || exit 1
export CONSOLE_DIR=$PWD/console/dist
log "Building Orleans.sln ($CONFIG; log: $BUILD_LOG)..."
# Quiet build; on failure show just the errors (the whole output is in the log).
# RUN_SKIP_BUILD=1 (the browser tests, after test.sh built the solution) uses the build that is there.
if [[ ${RUN_SKIP_BUILD:-0} == 1 ]]; then
    log "RUN_SKIP_BUILD=1: using the existing $CONFIG build"
elif ! dotnet build Orleans.sln -c "$CONFIG" -nologo -v q -tl:off >"$BUILD_LOG" 2>&1; then
    err "build failed (full output: $BUILD_LOG):"
    errors=$(grep -E ': error [A-Z]+[0-9]+' "$BUILD_LOG" | sort -u) || true
    if [[ -n $errors ]]; then
        head -n 50 <<<"$errors" >&2
    else
        tail -n 40 "$BUILD_LOG" >&2
    fi
    exit 1
fi

# Starts one of our programs without waiting for it.
#   launch_service NAME PID_VAR PROJECT_DIR ASSEMBLY LOG PIDFILE
# PID_VAR (a variable or an array element) is set at once, so cleanup stops the process even if it never becomes
# ready. Started in its output folder: ASP.NET Core takes the working directory as content root, which is where it
# looks for appsettings.json. The caller's per-process variables (SILO_PORT=... launch_service ...) reach it.
launch_service() {
    local name=$1 pid_var=$2 dir=$3 assembly=$4 log_file=$5 pid_file=$6
    log "Starting $name (log: $log_file)"
    echo "===== $(date '+%F %T') run.sh: $name starting =====" >>"$log_file"
    start_bg -C "$dir/bin/$CONFIG/net10.0" "$log_file" dotnet "$assembly"
    printf -v "$pid_var" '%s' "$BG_PID"
    echo "$BG_PID" >"$RUN_DIR/$pid_file"
}

# Waits until a started program answers: wait_service NAME PID URL TIMEOUT_S LOG
wait_service() {
    wait_http "$3" "$4" "$2" || fail_with_log "the $1 did not become ready on $3" "$5"
}

# Starts one of our programs and waits until it answers.
#   start_service NAME PID_VAR PROJECT_DIR ASSEMBLY LOG PIDFILE READY_URL TIMEOUT_S
start_service() {
    launch_service "$1" "$2" "$3" "$4" "$5" "$6"
    wait_service "$1" "${!2}" "$7" "$8" "$5"
}

# --- 4. silos -----------------------------------------------------------------------------
# Side by side: each spends its start in the JIT and in storage round trips, and they join one cluster.
for ((i = 0; i < SILOS; i++)); do
    SILO_PORT=${SILO_PORTS[i]} SILO_GATEWAY_PORT=${SILO_GATEWAY_PORTS[i]} SILO_HTTP_PORT=${SILO_HTTP_PORTS[i]} \
        launch_service "${SILO_NAMES[i]}" "SILO_PIDS[$i]" Silo Silo.dll "$LOG_DIR/${SILO_NAMES[i]}.log" "${SILO_NAMES[i]}.pid"
done
for ((i = 0; i < SILOS; i++)); do
    wait_service "${SILO_NAMES[i]}" "${SILO_PIDS[i]}" "http://127.0.0.1:${SILO_HTTP_PORTS[i]}/health/ready" 90 "$LOG_DIR/${SILO_NAMES[i]}.log"
done

# --- 5. provider fake ---------------------------------------------------------------------
# Up before the gateway, so nothing can be sent before the fake listens.
if [[ $USE_REAL_PROVIDERS != 1 ]]; then
    start_service "provider fake" FAKE_PID tools/ProviderFake ProviderFake.dll "$FAKE_LOG" provider-fake.pid \
        "http://127.0.0.1:$PROVIDER_FAKE_PORT/health" 30
else
    log "USE_REAL_PROVIDERS=1: not starting the provider fake; messages go to the real Twilio and ACS"
fi

# --- 6. gateways --------------------------------------------------------------------------
# Each finds every silo's gateway port in the membership table, as a gateway pod does.
for ((i = 0; i < GATEWAYS; i++)); do
    GATEWAY_PORT=${GATEWAY_PORTS[i]} launch_service "${GATEWAY_NAMES[i]}" "GATEWAY_PIDS[$i]" Gateway Gateway.dll \
        "$LOG_DIR/${GATEWAY_NAMES[i]}.log" "${GATEWAY_NAMES[i]}.pid"
done
for ((i = 0; i < GATEWAYS; i++)); do
    wait_service "${GATEWAY_NAMES[i]}" "${GATEWAY_PIDS[i]}" "http://127.0.0.1:${GATEWAY_PORTS[i]}/health/ready" 90 \
        "$LOG_DIR/${GATEWAY_NAMES[i]}.log"
done

# --- 7. a development org, so the console can be used at once ------------------------------------
# Made once per data folder with the operator key; its first admin key is kept beside the data (a development
# convenience, like ADMIN_KEY: RUN_DEV_ORG=0 makes none). Elsewhere an operator makes orgs with POST /v1/orgs.
DEV_ORG_FILE=$DATA_DIR/dev-org.json
DEV_ORG_KEY=""
if [[ ${RUN_DEV_ORG:-1} == 1 ]]; then
    if [[ ! -s $DEV_ORG_FILE ]]; then
        (umask 077 && curl -fsS -X POST "http://127.0.0.1:$GATEWAY_PORT/v1/orgs" -H "Authorization: Bearer $ADMIN_KEY" \
            -H 'Content-Type: application/json' -d '{"name":"Development"}' >"$DEV_ORG_FILE.tmp") &&
            mv "$DEV_ORG_FILE.tmp" "$DEV_ORG_FILE" || log "warning: could not create the development org"
    fi
    DEV_ORG_KEY=$(sed -n 's/.*"apiKey":"\([^"]*\)".*/\1/p' "$DEV_ORG_FILE" 2>/dev/null) || true
fi
if [[ -n $DEV_ORG_KEY ]]; then
    CONSOLE_INFO="  Console      http://127.0.0.1:$GATEWAY_PORT/   sign in with the development org's admin key:
               $DEV_ORG_KEY   (kept in $DEV_ORG_FILE)"
else
    CONSOLE_INFO="  Console      http://127.0.0.1:$GATEWAY_PORT/   (sign in with an org's admin or agent API key)"
fi

# --- 8. ready -------------------------------------------------------------------------------
if [[ -n $FAKE_PID ]]; then
    # The fake's development credentials (tools/ProviderFake/README.md), unless overridden.
    twilio_account=${FAKE_TWILIO_ACCOUNTS:-AC00000000000000000000000000000000:dev-twilio-token}
    acs_key=${FAKE_ACS_KEYS:-ZGV2LWFjcy1hY2Nlc3Mta2V5LWZvci10aGUtcHJvdmlkZXItZmFrZQ==}
    PROVIDERS_INFO="  Providers    http://127.0.0.1:$PROVIDER_FAKE_PORT   (fake Twilio + ACS: /_ledger, /_faults, /_inbound/...)
               http://127.0.0.1:$PROVIDER_FAKE_PORT/ is a customer's phone: what they received, and a reply from them
               Twilio AccountSid:AuthToken ${twilio_account%%,*}
               ACS    endpoint=http://127.0.0.1:$PROVIDER_FAKE_PORT/;accesskey=${acs_key%%,*}
                      delivery reports: PUT /_acs/events-subscription once an ACS channel has an eventsSecret (README)"
else
    PROVIDERS_INFO="  Providers    the real Twilio and ACS (USE_REAL_PROVIDERS=1)"
fi
# One line per gateway and per silo; the first of each is the line a single-process run prints.
API_INFO="  API          http://127.0.0.1:$GATEWAY_PORT/v1/"
for ((i = 1; i < GATEWAYS; i++)); do
    API_INFO+="
               http://127.0.0.1:${GATEWAY_PORTS[i]}/v1/   (${GATEWAY_NAMES[i]}: the same API, as behind a load balancer)"
done
DASHBOARD_INFO="  Dashboard    http://127.0.0.1:$SILO_HTTP_PORT/dashboard   (user: admin, password: the admin key)"
if ((SILOS > 1)); then
    DASHBOARD_INFO+="
  Silos        "
    for ((i = 0; i < SILOS; i++)); do
        ((i)) && DASHBOARD_INFO+="
               "
        DASHBOARD_INFO+="${SILO_NAMES[i]}  silo port ${SILO_PORTS[i]}, gateway port ${SILO_GATEWAY_PORTS[i]}, http://127.0.0.1:${SILO_HTTP_PORTS[i]}/health/ready"
    done
fi
LOG_INFO=""
for name in "${SILO_NAMES[@]}" "${GATEWAY_NAMES[@]}"; do
    LOG_INFO+="${LOG_INFO:+
               }$LOG_DIR/$name.log"
done
cat <<EOF

  Outbound messaging platform is running.

$CONSOLE_INFO
$API_INFO
  OpenAPI      http://127.0.0.1:$GATEWAY_PORT/openapi/v1.json
$DASHBOARD_INFO
  Admin key    $ADMIN_KEY   (a development key: never use it outside your machine)
$PROVIDERS_INFO

  Logs         $LOG_INFO
               $AZURITE_LOG${FAKE_PID:+
               $FAKE_LOG}
  Data         $DATA_DIR/azurite (kept between runs)

  Press Ctrl-C to stop.

EOF

# --- 9. stay in the foreground ----------------------------------------------------------------
# Returns when one of our processes dies (or on Ctrl-C, through the traps). A cluster outlives one of its silos
# (kill -9 one to watch the others take its grains over); a gateway, the last silo, storage or the fake ends the run.
names=("${SILO_NAMES[@]}" "${GATEWAY_NAMES[@]}")
pids=("${SILO_PIDS[@]}" "${GATEWAY_PIDS[@]}")
while true; do
    waiting=()
    for pid in "${pids[@]}" "$FAKE_PID" "$AZURITE_PID"; do
        if [[ -n $pid ]]; then waiting+=("$pid"); fi
    done
    rc=0
    wait -n "${waiting[@]}" || rc=$?
    silos_left=0 last_silo=""
    for ((i = 0; i < ${#names[@]}; i++)); do
        [[ -n ${pids[i]} ]] || continue
        if pid_alive "${pids[i]}"; then
            if ((i < SILOS)); then silos_left=$((silos_left + 1)); fi
        elif ((i < SILOS && SILOS > 1)); then
            log "${names[i]} (pid ${pids[i]}) exited (exit code $rc); the cluster goes on without it (log: $LOG_DIR/${names[i]}.log)"
            pids[i]="" SILO_PIDS[i]="" last_silo=$i
            rm -f "$RUN_DIR/${names[i]}.pid"
        else
            fail_with_log "${names[i]} (pid ${pids[i]}) exited unexpectedly (exit code $rc); stopping the rest" "$LOG_DIR/${names[i]}.log"
        fi
    done
    if ((silos_left == 0)); then
        fail_with_log "the last silo, ${names[last_silo]}, exited; stopping the rest" "$LOG_DIR/${names[last_silo]}.log"
    fi
    if [[ -n $AZURITE_PID ]] && ! pid_alive "$AZURITE_PID"; then
        fail_with_log "azurite (pid $AZURITE_PID) exited unexpectedly (exit code $rc); stopping the rest" "$AZURITE_LOG"
    fi
    if [[ -n $FAKE_PID ]] && ! pid_alive "$FAKE_PID"; then
        fail_with_log "the provider fake (pid $FAKE_PID) exited unexpectedly (exit code $rc); stopping the rest" "$FAKE_LOG"
    fi
done
