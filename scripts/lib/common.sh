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
