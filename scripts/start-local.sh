#!/usr/bin/env bash
# `npm start`: the manager API on http://127.0.0.1:3000 with the local runtime. Each instance is the
# pinned OpenClaw gateway run by scripts/instance-entrypoint.sh on this machine; with Xvfb, x11vnc,
# websockify/noVNC and Chromium installed (sudo bash scripts/install-system-packages) it gets a
# browser too, otherwise it runs gateway-only. Instances keep running when this stops and are
# adopted by the next start; DELETE stops them.
#
# Environment: OPENCLAW_MANAGER_API_KEY (required), PORT (3000), OPENCLAW_MANAGER_HOST (127.0.0.1),
# OPENCLAW_LOCAL_DATA_DIR (~/.local/share/openclaw-platform/instances), OPENCLAW_BIN (installed here).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

if [ -z "${OPENCLAW_MANAGER_API_KEY:-}" ]; then
  die "OPENCLAW_MANAGER_API_KEY is not set. Every API call sends it as a Bearer token. Create one and start again:
    export OPENCLAW_MANAGER_API_KEY=\"\$(openssl rand -hex 32)\"
    npm start"
fi

if ! command -v socat >/dev/null; then
  [ "$(id -u)" -eq 0 ] || die "socat is required (it exposes each gateway): sudo bash scripts/install-system-packages socat"
  scripts/install-system-packages socat
fi

missing=()
for program in Xvfb x11vnc websockify chromium; do command -v "$program" >/dev/null || missing+=("$program"); done
if [ "${#missing[@]}" -gt 0 ]; then
  say "browser off (missing: ${missing[*]}); instances run gateway-only. Add it with: sudo bash scripts/install-system-packages"
fi

[ -d node_modules ] || { say "installing npm dependencies"; npm ci --no-audit --no-fund; }

export OPENCLAW_RUNTIME=local
export OPENCLAW_MANAGER_HOST="${OPENCLAW_MANAGER_HOST:-127.0.0.1}"
# The manager's own check of its settings (the API key among them), from its sources, so a bad
# setting is told before the build and the long first-run install.
npx --no-install tsx manager/src/main.ts --check-config || exit 2
node scripts/build.mjs

OPENCLAW_BIN="${OPENCLAW_BIN:-$(scripts/install-openclaw)}"
export OPENCLAW_BIN
say "manager on http://$OPENCLAW_MANAGER_HOST:${PORT:-3000} (local runtime; try: curl http://127.0.0.1:${PORT:-3000}/health)"
# npm runs this under `sh -c`; killing npm ends that shell, not the manager it started. The manager
# gets SIGTERM when its parent goes (setpriv, util-linux), so it never outlives `npm start`.
if command -v setpriv >/dev/null; then
  exec setpriv --pdeathsig TERM -- node manager/dist/main.js
fi
exec node manager/dist/main.js
