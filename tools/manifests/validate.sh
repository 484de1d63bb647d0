#!/usr/bin/env bash
# Renders deploy/kubernetes with kustomize and checks it against the Kubernetes API schemas; lints deploy/Dockerfile.
# The same check ./test.sh runs. Installs what it needs (kubectl when none fits, the schemas) on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../lib.sh
source tools/lib.sh
LOG_TAG='manifests'
mkdir -p .data/logs
log_file=.data/logs/manifests.log
rc=0
counts=$(validate_manifests "$log_file") || rc=1
cat "$log_file"
read -r passed failed _ <<<"${counts:-0 1 0}"
echo "$passed passed, $failed failed"
((rc == 0 && failed == 0))
