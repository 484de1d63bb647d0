#!/usr/bin/env bash
# Runs the whole system locally, in the foreground: Azurite (storage emulator), the Orleans
# silo and the HTTP gateway. Ctrl-C stops everything this script started. Data lives under
# .data/ and survives restarts. Every port and the admin key can be changed through the
# environment variables below, e.g. GATEWAY_PORT=9080 ./run.sh
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=tools/lib.sh
source tools/lib.sh
LOG_TAG=run

# --- configuration: the C# side reads the exported variables ---------------------------
AZURITE_BLOB_PORT=${AZURITE_BLOB_PORT:-10000}
AZURITE_QUEUE_PORT=${AZURITE_QUEUE_PORT:-10001}
AZURITE_TABLE_PORT=${AZURITE_TABLE_PORT:-10002}
export GATEWAY_PORT=${GATEWAY_PORT:-8080}
export SILO_PORT=${SILO_PORT:-11111}
export SILO_GATEWAY_PORT=${SILO_GATEWAY_PORT:-30000}
export SILO_HTTP_PORT=${SILO_HTTP_PORT:-8081}
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
SILO_LOG=$LOG_DIR/silo.log
FAKE_LOG=$LOG_DIR/provider-fake.log
GATEWAY_LOG=$LOG_DIR/gateway.log
AZURITE_LOG=$LOG_DIR/azurite.log
BUILD_LOG=$LOG_DIR/build.log
mkdir -p "$LOG_DIR" "$RUN_DIR"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Both hosts would otherwise default to Production; Development is what a local run is.
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export DOTNET_ENVIRONMENT=${DOTNET_ENVIRONMENT:-Development}

# --- cleanup: stop what we started, newest first ----------------------------------------
# The gateway goes before the silo, and storage last, so the silo can still write its
# "leaving the cluster" entry to the membership table while it shuts down.
SILO_PID="" GATEWAY_PID="" AZURITE_PID="" FAKE_PID=""
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
    if [[ -n $GATEWAY_PID ]]; then
        log "Stopping gateway (pid $GATEWAY_PID)"
        stop_pid "$GATEWAY_PID" 20
        rm -f "$RUN_DIR/gateway.pid"
        stopped=1
    fi
    if [[ -n $SILO_PID ]]; then
        log "Stopping silo (pid $SILO_PID)"
        stop_pid "$SILO_PID" 40
        rm -f "$RUN_DIR/silo.pid"
        stopped=1
    fi
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
port_vars=(GATEWAY_PORT SILO_PORT SILO_GATEWAY_PORT SILO_HTTP_PORT)
if [[ $USE_REAL_PROVIDERS != 1 ]]; then
    port_vars+=(PROVIDER_FAKE_PORT)
fi
for var in "${port_vars[@]}"; do
    if port_in_use "${!var}"; then
        err "$(port_taken_message "${!var}" "$var")"
        exit 1
    fi
done

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

# Starts one of our programs and waits until it answers.
#   start_service NAME PID_VAR PROJECT_DIR ASSEMBLY LOG PIDFILE READY_URL TIMEOUT_S
# PID_VAR is set before the wait, so cleanup stops the process even if it never becomes ready.
# Started in its output folder: ASP.NET Core takes the working directory as content root,
# which is where it looks for appsettings.json.
start_service() {
    local name=$1 pid_var=$2 dir=$3 assembly=$4 log_file=$5 pid_file=$6 url=$7 timeout=$8
    log "Starting $name (log: $log_file)"
    echo "===== $(date '+%F %T') run.sh: $name starting =====" >>"$log_file"
    start_bg -C "$dir/bin/$CONFIG/net10.0" "$log_file" dotnet "$assembly"
    printf -v "$pid_var" '%s' "$BG_PID"
    echo "$BG_PID" >"$RUN_DIR/$pid_file"
    wait_http "$url" "$timeout" "$BG_PID" ||
        fail_with_log "the $name did not become ready on $url" "$log_file"
}

# --- 4. silo ------------------------------------------------------------------------------
start_service silo SILO_PID Silo Silo.dll "$SILO_LOG" silo.pid "http://127.0.0.1:$SILO_HTTP_PORT/health/ready" 90

# --- 5. provider fake ---------------------------------------------------------------------
# Up before the gateway, so nothing can be sent before the fake listens.
if [[ $USE_REAL_PROVIDERS != 1 ]]; then
    start_service "provider fake" FAKE_PID tools/ProviderFake ProviderFake.dll "$FAKE_LOG" provider-fake.pid \
        "http://127.0.0.1:$PROVIDER_FAKE_PORT/health" 30
else
    log "USE_REAL_PROVIDERS=1: not starting the provider fake; messages go to the real Twilio and ACS"
fi

# --- 6. gateway ---------------------------------------------------------------------------
start_service gateway GATEWAY_PID Gateway Gateway.dll "$GATEWAY_LOG" gateway.pid "http://127.0.0.1:$GATEWAY_PORT/health/ready" 90

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
cat <<EOF

  Outbound messaging platform is running.

$CONSOLE_INFO
  API          http://127.0.0.1:$GATEWAY_PORT/v1/
  OpenAPI      http://127.0.0.1:$GATEWAY_PORT/openapi/v1.json
  Dashboard    http://127.0.0.1:$SILO_HTTP_PORT/dashboard   (user: admin, password: the admin key)
  Admin key    $ADMIN_KEY   (a development key: never use it outside your machine)
$PROVIDERS_INFO

  Logs         $SILO_LOG
               $GATEWAY_LOG
               $AZURITE_LOG${FAKE_PID:+
               $FAKE_LOG}
  Data         $DATA_DIR/azurite (kept between runs)

  Press Ctrl-C to stop.

EOF

# --- 9. stay in the foreground ----------------------------------------------------------------
# Returns when one of our processes dies (or on Ctrl-C, through the traps).
watch_pids=("$SILO_PID" "$GATEWAY_PID")
if [[ -n $FAKE_PID ]]; then
    watch_pids+=("$FAKE_PID")
fi
if [[ -n $AZURITE_PID ]]; then
    watch_pids+=("$AZURITE_PID")
fi
rc=0
wait -n "${watch_pids[@]}" || rc=$?
for name in silo gateway azurite; do
    pid_var=${name^^}_PID
    if [[ -n ${!pid_var} ]] && ! pid_alive "${!pid_var}"; then
        log_file=$LOG_DIR/$name.log
        fail_with_log "$name (pid ${!pid_var}) exited unexpectedly (exit code $rc); stopping the rest" "$log_file"
    fi
done
if [[ -n $FAKE_PID ]] && ! pid_alive "$FAKE_PID"; then
    fail_with_log "the provider fake (pid $FAKE_PID) exited unexpectedly (exit code $rc); stopping the rest" "$FAKE_LOG"
fi
exit "$rc"
