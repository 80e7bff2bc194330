# Shared shell helpers: versions, the cache folder and progress messages. Source, do not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../versions.env
. "$ROOT/versions.env"
CACHE="${OPENCLAW_PLATFORM_CACHE:-$HOME/.cache/openclaw-platform}"
say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# The Debian mirror: $OPENCLAW_DEBIAN_MIRROR, else the first .../debian one apt uses, else Debian's own.
debian_mirror() {
  if [ -n "${OPENCLAW_DEBIAN_MIRROR:-}" ]; then printf '%s\n' "${OPENCLAW_DEBIAN_MIRROR%/}"; return; fi
  local uri
  uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^deb[[:space:]]/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }
         /^URIs:/ { for (i = 2; i <= NF; i++) print $i }' |
    grep -E '^[a-z+]+://[^/]+/debian/?$' | head -n 1 || true)"
  printf '%s\n' "${uri:-http://deb.debian.org/debian}" | sed 's:/*$::'
}
# with_progress LABEL DIR CMD...: runs CMD (its output to stderr) and, every 10 s until it ends, says
# how long it has taken and how big DIR has grown, so a long download or install never looks stuck.
with_progress() {
  local label="$1" dir="$2" start=$SECONDS ticker status=0
  shift 2
  (
    while sleep 10; do
      say "  $label: $((SECONDS - start)) s, $(du -sh "$dir" 2>/dev/null | cut -f1) so far"
    done
  ) &
  ticker=$!
  "$@" >&2 || status=$?
  kill "$ticker" 2>/dev/null
  wait "$ticker" 2>/dev/null || true
  [ "$status" -eq 0 ] && say "  $label: done in $((SECONDS - start)) s ($(du -sh "$dir" 2>/dev/null | cut -f1))"
  return "$status"
}
