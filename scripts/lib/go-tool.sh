# go_tool NAME VERSION PACKAGE: prints the path of NAME built from the Go PACKAGE at vVERSION of its
# module, building it once into $CACHE/NAME/VERSION (under a lock, so parallel tests share one build).
# The module's own files are left in the Go module cache: go_module_dir finds them. Source, do not run.
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOFLAGS=-buildvcs=false GOWORK=off CGO_ENABLED=0

go_tool() {
  local name="$1" version="$2" package="$3"
  local dest="$CACHE/$name/$version"
  if [ ! -x "$dest/$name" ]; then
    command -v go >/dev/null || die "go is required to build $name"
    mkdir -p "$CACHE/$name"
    exec 9>"$CACHE/$name/.lock"
    flock -n 9 || { say "waiting for another $name build to finish"; flock 9; }
    if [ ! -x "$dest/$name" ]; then
      say "building $name $version from the Go module proxy"
      local work
      work="$(mktemp -d)"
      # A throwaway module that requires the tool: `go install pkg@version` refuses modules whose
      # go.mod has replace directives, and this way the proxy's version list is never consulted.
      printf 'module %sbuild\n\ngo 1.26\n' "$name" >"$work/go.mod"
      build() {
        cd "$work"
        go get "$package@v$version"
        go build -trimpath -ldflags '-s -w' -o "$work/$name" "$package"
      }
      with_progress "$name build" "$CACHE/go" build || { rm -rf "$work"; die "building $name failed"; }
      mkdir -p "$dest"
      install -m 0755 "$work/$name" "$dest/$name"
      rm -rf "$work"
    fi
    exec 9>&-
  fi
  printf '%s\n' "$dest/$name"
}

# go_module_dir MODULE VERSION: the module's unpacked source in the Go module cache (after go_tool).
go_module_dir() {
  (cd "$CACHE" && go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
}
