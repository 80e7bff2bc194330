#!/usr/bin/env bash
# One OpenClaw instance: the gateway on loopback, a TCP forwarder that exposes it, and (browser on)
# Xvfb + x11vnc + websockify/noVNC + Chromium. Supervises them all: when any one exits the rest are
# stopped and this exits non-zero; SIGTERM/SIGINT stop everything and exit 0. Pids are written to
# $OPENCLAW_STATE_DIR/run/<name>.pid. Env contract: see the table below (defaults after `:-`).
set -euo pipefail
# Job control puts every child in its own process group, so stopping one also stops what it forked
# (Chromium's zygote and renderers, socat's per-connection children).
set -m

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[entrypoint] %s\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }

[ -n "${OPENCLAW_GATEWAY_TOKEN:-}" ] || fail "OPENCLAW_GATEWAY_TOKEN is required"
[ -n "${OPENCLAW_STATE_DIR:-}" ] || fail "OPENCLAW_STATE_DIR is required"
state="$OPENCLAW_STATE_DIR"
# Only the gateway gets the token; Chromium and the VNC stack have no use for it.
token="$OPENCLAW_GATEWAY_TOKEN"
export -n OPENCLAW_GATEWAY_TOKEN
port="${OPENCLAW_GATEWAY_PORT:-18789}"
bind="${OPENCLAW_GATEWAY_BIND:-0.0.0.0}"
internal="${OPENCLAW_GATEWAY_INTERNAL_PORT:-18790}"
browser="${OPENCLAW_BROWSER_ENABLED:-true}"
vnc_port="${OPENCLAW_VNC_PORT:-6080}"
rfb_port="${OPENCLAW_RFB_PORT:-5900}"
display="${OPENCLAW_DISPLAY:-:99}"
cdp_port="${OPENCLAW_CDP_PORT:-9222}"
openclaw="${OPENCLAW_BIN:-$(command -v openclaw || true)}"
chromium="${OPENCLAW_CHROMIUM_BIN:-chromium}"
novnc_web="${OPENCLAW_NOVNC_WEB:-/usr/share/novnc}"
grace="${OPENCLAW_STOP_GRACE_SECONDS:-20}"
case "$browser" in true | false) ;; *) fail "OPENCLAW_BROWSER_ENABLED must be true or false, not '$browser'" ;; esac
if [ -z "$openclaw" ] || [ ! -x "$openclaw" ]; then fail "openclaw not found (set OPENCLAW_BIN or put it on PATH)"; fi
# The plugins every instance shares, installed once beside OpenClaw (scripts/lib/plugin-seed.mjs).
seed="${OPENCLAW_PLUGIN_SEED:-$(dirname "$openclaw")/../plugins}"
[ -f "$seed/install-records.json" ] || fail "no plugin seed at $seed (set OPENCLAW_PLUGIN_SEED; scripts/install-openclaw makes one)"
# The seed script needs node:sqlite: the gateway's own Node, which sits beside openclaw.
gateway_node="$(dirname "$openclaw")/node"
[ -x "$gateway_node" ] || gateway_node=node

# An arbitrary uid (OpenShift's restricted SCC) has no passwd entry: Node's os.userInfo() throws, and
# so does whoami or anything else the agent runs that looks its user up. /etc is read-only, so every
# child gets the entry from a file in /tmp through nss_wrapper (https://cwrap.org/nss_wrapper.html).
uid="$(id -u)"
if ! getent passwd "$uid" >/dev/null; then
  nss_dir="$(mktemp -d)"
  { cat /etc/passwd; printf 'openclaw:x:%s:%s:OpenClaw:%s:/bin/sh\n' "$uid" "$(id -g)" "${HOME:-/}"; } >"$nss_dir/passwd"
  if LD_PRELOAD=libnss_wrapper.so NSS_WRAPPER_PASSWD="$nss_dir/passwd" NSS_WRAPPER_GROUP=/etc/group getent passwd "$uid" >/dev/null 2>&1; then
    export LD_PRELOAD="libnss_wrapper.so${LD_PRELOAD:+ $LD_PRELOAD}" NSS_WRAPPER_PASSWD="$nss_dir/passwd" NSS_WRAPPER_GROUP=/etc/group
    log "uid $uid has no passwd entry; it runs as openclaw through nss_wrapper"
  else
    log "warning: uid $uid has no passwd entry and nss_wrapper is not installed; os.userInfo() will fail"
  fi
fi

run="$state/run"
mkdir -p "$state" "$run"
rm -f "$run"/*.pid
echo $$ >"$run/entrypoint.pid"

declare -A names=()
pids=()

# start NAME CMD...: runs CMD in the background in its own process group, output to ours. Each child
# gets SIGTERM when this shell dies, even by SIGKILL (setpriv --pdeathsig), so none is orphaned.
start() {
  local name="$1"; shift
  setpriv --pdeathsig TERM -- "$@" </dev/null &
  local pid=$!
  pids+=("$pid"); names[$pid]="$name"
  echo "$pid" >"$run/$name.pid"
  log "started $name (pid $pid)"
}

group_alive() { kill -0 -- "-$1" 2>/dev/null || kill -0 "$1" 2>/dev/null; }

# Stops every child, newest first: TERM to each process group, KILL whatever is left after the grace.
stop_all() {
  local i pid deadline
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[$i]}"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + grace))
  for pid in "${pids[@]}"; do
    while group_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  done
  for pid in "${pids[@]}"; do
    if group_alive "$pid"; then
      log "${names[$pid]} did not stop within ${grace}s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  rm -f "$run"/*.pid
}

on_signal() {
  trap '' TERM INT
  log "received $1; stopping"
  stop_all
  exit 0
}
trap 'on_signal TERM' TERM
trap 'on_signal INT' INT

# The state gets the seed's plugin index (a copy for a new user, the records updated for an existing
# one); the plugins themselves stay in the seed, read-only.
seeded="$("$gateway_node" "$here/lib/plugin-seed.mjs" apply "$seed" "$state")" || fail "applying the plugin seed $seed to $state failed"
log "$seeded"

template="${OPENCLAW_CONFIG_TEMPLATE:-}"
[ -z "$template" ] || [ -f "$template" ] || fail "OPENCLAW_CONFIG_TEMPLATE=$template does not exist"
node "$here/lib/gateway-config.mjs" "$state/openclaw.json" "$internal" "$browser" "$cdp_port" ${template:+"$template"} \
  || fail "writing $state/openclaw.json failed"

if [ "$browser" = true ]; then
  start xvfb Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp
  socket="/tmp/.X11-unix/X${display#:}"
  for _ in $(seq 100); do
    [ -S "$socket" ] && break
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  [ -S "$socket" ] || { stop_all; fail "Xvfb did not open display $display"; }
  start x11vnc x11vnc -display "$display" -localhost -rfbport "$rfb_port" -forever -shared -nopw -quiet
  start websockify websockify --web "$novnc_web" "$bind:$vnc_port" "127.0.0.1:$rfb_port"
  profile="$state/browser/chromium"
  mkdir -p "$profile"
  # A lock left by a previous pod (another hostname) would make Chromium refuse the profile.
  rm -f "$profile/SingletonLock" "$profile/SingletonSocket" "$profile/SingletonCookie"
  # --no-sandbox: the pod drops every capability, so Chromium's own sandbox cannot start; the pod's
  # seccomp profile and non-root user confine it instead. --test-type keeps Chromium from showing every
  # VNC viewer a bar that warns about --no-sandbox (otherwise only a managed policy turns it off).
  DISPLAY="$display" start chromium "$chromium" --no-sandbox --test-type --disable-gpu --disable-dev-shm-usage \
    --remote-debugging-address=127.0.0.1 --remote-debugging-port="$cdp_port" --user-data-dir="$profile" \
    --disable-background-networking --disable-component-update --disable-sync --no-first-run \
    --no-default-browser-check --disable-breakpad --password-store=basic --log-level=3 \
    --window-position=0,0 --window-size=1280,800 about:blank
fi

if [ "$browser" = true ]; then export DISPLAY="$display"; fi
# The token reaches the gateway through its environment only, never its command line.
OPENCLAW_GATEWAY_TOKEN="$token" OPENCLAW_DISABLE_BONJOUR=1 NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=1536}" \
  start gateway "$openclaw" gateway run --bind loopback --port "$internal" --auth token
# OpenClaw clears the scopes of device-less token clients that are not on loopback
# (GHSA-rqpp-rjj8-7wv8), so the reachable port is a forwarder to the loopback-bound gateway.
# nodelay: without it the handshake's small frames wait on delayed ACKs (50 ms per new connection).
start forwarder socat "TCP-LISTEN:$port,bind=$bind,reuseaddr,fork,nodelay" "TCP:127.0.0.1:$internal,nodelay"

while :; do
  status=0
  exited=""
  wait -n -p exited "${pids[@]}" || status=$?
  [ -n "$exited" ] || { sleep 0.1; continue; }
  log "${names[$exited]} (pid $exited) exited with status $status; stopping the others"
  trap '' TERM INT
  stop_all
  exit $((status == 0 ? 1 : status))
done
