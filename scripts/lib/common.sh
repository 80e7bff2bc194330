# Shared shell helpers: versions, the cache folder and progress messages. Source, do not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../versions.env
. "$ROOT/versions.env"
CACHE="${OPENCLAW_PLATFORM_CACHE:-$HOME/.cache/openclaw-platform}"
say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
