#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs every tool the tests need (cached under
# ~/.cache/openclaw-platform), then runs the unit and integration projects (their global setup builds
# the bundles and brings up the test cluster).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

HELM_BIN="$(scripts/install-helm)"; export HELM_BIN
KUBECTL="$(scripts/install-helm --kubectl)"; export KUBECTL
say "helm: $HELM_BIN, kubectl: $KUBECTL"
scripts/install-system-packages
OPENCLAW_BIN="$(scripts/install-openclaw)"; export OPENCLAW_BIN
say "openclaw: $OPENCLAW_BIN"
exec npx vitest run "$@"
