# The real node's storage with snapshots, sourced by scripts/test-cluster after real-node.sh: our
# hostpath CSI driver (test/cluster/csi-driver), which also registers itself with the kubelet, and
# the upstream csi-provisioner, csi-snapshotter and snapshot-controller, all host processes on the
# admin kubeconfig. Volumes and snapshots are directories under the state, so `down` removes them.

CSI_DRIVER_NAME=hostpath.csi.test-cluster.openclaw.ai
CSI_COMPONENTS=(csi-hostpath csi-provisioner csi-snapshotter snapshot-controller)
CSI_PROVISIONER_PORT=${OPENCLAW_TEST_CLUSTER_CSI_PROVISIONER_PORT:-20245}
CSI_SNAPSHOTTER_PORT=${OPENCLAW_TEST_CLUSTER_CSI_SNAPSHOTTER_PORT:-20246}
SNAPSHOT_CONTROLLER_PORT=${OPENCLAW_TEST_CLUSTER_SNAPSHOT_CONTROLLER_PORT:-20247}

CSI_DIR=$STATE/csi
CSI_SOCKET=$NODE_DIR/csi-hostpath.sock
# The kubelet finds plugins here (its --root-dir is $NODE_DIR/kubelet). Socket paths must fit in
# 107 bytes, so the file is not named after the driver, and the CSI socket is not in kubelet/plugins/.
CSI_REGISTRATION_SOCKET=$NODE_DIR/kubelet/plugins_registry/csi-hostpath-reg.sock

CSI_BIN_ROOT=$CACHE_ROOT/csi
CSI_DRIVER_SOURCE=$REPO_ROOT/test/cluster/csi-driver
PROVISIONER_MODULE=github.com/kubernetes-csi/external-provisioner/v6
SNAPSHOTTER_MODULE=github.com/kubernetes-csi/external-snapshotter/v8
SNAPSHOT_CRDS=(volumesnapshotclasses volumesnapshotcontents volumesnapshots)

# ---------------------------------------------------------------------------------------------
# Binaries

# The driver's build, in a directory named after its sources (like the pause image).
csi_driver_dir() {
  printf '%s/csi-hostpath-%s\n' "$CSI_BIN_ROOT" \
    "$(cat "$CSI_DRIVER_SOURCE/go.mod" "$CSI_DRIVER_SOURCE/go.sum" "$CSI_DRIVER_SOURCE"/*.go | sha256sum | cut -c1-16)"
}

provisioner_dir() { printf '%s/external-provisioner-%s\n' "$CSI_BIN_ROOT" "$CSI_PROVISIONER_VERSION"; }
snapshotter_dir() { printf '%s/external-snapshotter-%s\n' "$CSI_BIN_ROOT" "$CSI_SNAPSHOTTER_VERSION"; }

csi_bin() {
  case $1 in
    csi-hostpath) printf '%s/csi-hostpath\n' "$(csi_driver_dir)" ;;
    csi-provisioner) printf '%s/csi-provisioner\n' "$(provisioner_dir)" ;;
    csi-snapshotter | snapshot-controller) printf '%s/%s\n' "$(snapshotter_dir)" "$1" ;;
  esac
}

# sidecar_go_mod <upstream go.mod> <module> <version> <package...>: a module that builds the
# packages at that version with the upstream's own replacements, which `go install` refuses and its
# builds rely on: k8s.io/kubernetes, which csi-provisioner imports, requires its staging modules at
# v0.0.0, and only the replacements hold them to one release. A replacement by a directory of the
# repository (the snapshotter's ./client) becomes that module as published at the same version:
# upstream tags them together.
sidecar_go_mod() {
  local upstream=$1 module=$2 version=v$3 package
  shift 3
  printf 'module openclaw-platform.test/csi-sidecars\n\n'
  grep -E '^(go|godebug) ' "$upstream" || true
  printf '\nrequire %s %s\n\nreplace (\n' "$module" "$version"
  awk -v version="$version" '
    $1 == "replace" && $2 == "(" { block = 1; next }
    block && $1 == ")" { block = 0; next }
    !block && $1 != "replace" { next }
    $1 == "replace" { $1 = ""; $0 = $0 }
    {
      arrow = $2 == "=>" ? 2 : 3
      old = arrow == 2 ? $1 : $1 " " $2
      new = $(arrow + 1) " " $(arrow + 2)
      if ($(arrow + 1) ~ /^\.\.?\//) new = $1 " " version
      printf "\t%s => %s\n", old, new
    }' "$upstream"
  printf ')\n\ntool (\n'
  for package in "$@"; do printf '\t%s\n' "$package"; done
  printf ')\n'
}

# build_sidecars <module> <version> <dir> <package...>: the packages' commands into <dir>, once.
build_sidecars() {
  local module=$1 version=$2 dir=$3 upstream started=$SECONDS
  shift 3
  [[ -f $dir/.complete ]] && return 0
  need go "Go builds the CSI sidecars"
  say "building ${*##*/} v$version (cold, a few minutes on 2 cores; log: $dir.log)..."
  upstream=$(go_module_dir "$module@v$version")/go.mod
  [[ -f $upstream ]] || die "no go.mod in the $module@v$version module"
  rm -rf "$dir.module" "$dir.tmp" && mkdir -p "$dir.module" "$dir.tmp"
  sidecar_go_mod "$upstream" "$module" "$version" "$@" >"$dir.module/go.mod"
  if ! go_build_with_progress "$dir.log" go_env bash -c 'cd "$1" && shift && go mod tidy && go build "$@"' _ "$dir.module" \
    -trimpath -ldflags "-s -w -X main.version=v$version" -o "$dir.tmp/" "$@"; then
    tail -n 30 "$dir.log" >&2
    die "building ${*##*/} failed (full log: $dir.log)"
  fi
  touch "$dir.tmp/.complete"
  rm -rf "$dir" "$dir.module" && mv "$dir.tmp" "$dir"
  say "built ${*##*/} in $((SECONDS - started))s"
}

build_csi_driver() {
  local dir
  dir=$(csi_driver_dir)
  [[ -x $dir/csi-hostpath ]] && return 0
  need go "Go builds the CSI driver"
  say "building the CSI driver (test/cluster/csi-driver; log: $dir.log)..."
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  if ! go_build_with_progress "$dir.log" go_env bash -c 'cd "$1" && go build -trimpath -ldflags "-s -w" -o "$2" .' _ \
    "$CSI_DRIVER_SOURCE" "$dir.tmp/csi-hostpath"; then
    tail -n 30 "$dir.log" >&2
    die "building the CSI driver failed (full log: $dir.log)"
  fi
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

build_csi() {
  mkdir -p "$CSI_BIN_ROOT"
  build_csi_driver
  build_sidecars "$PROVISIONER_MODULE" "$CSI_PROVISIONER_VERSION" "$(provisioner_dir)" "$PROVISIONER_MODULE/cmd/csi-provisioner"
  build_sidecars "$SNAPSHOTTER_MODULE" "$CSI_SNAPSHOTTER_VERSION" "$(snapshotter_dir)" \
    "$SNAPSHOTTER_MODULE/cmd/csi-snapshotter" "$SNAPSHOTTER_MODULE/cmd/snapshot-controller"
  # Builds of other versions and sources only take disk space.
  local other current
  current=" $(csi_driver_dir) $(provisioner_dir) $(snapshotter_dir) "
  for other in "$CSI_BIN_ROOT"/*; do
    [[ $current == *" ${other%.log} "* ]] || rm -rf "$other"
  done
}

# ---------------------------------------------------------------------------------------------
# Cluster objects: the snapshot CRDs as the client module publishes them, then the driver, its
# StorageClass and VolumeSnapshotClass (test/cluster/csi-hostpath.yaml), which need the CRDs.

csi_objects_digest() {
  { printf 'snapshotter=%s\n' "$CSI_SNAPSHOTTER_VERSION" && cat "$REPO_ROOT/test/cluster/csi-hostpath.yaml"; } | sha256sum | cut -c1-16
}

apply_csi_objects() {
  local crds crd files=() names=()
  crds=$(go_module_dir "github.com/kubernetes-csi/external-snapshotter/client/v8@v$CSI_SNAPSHOTTER_VERSION")/config/crd
  for crd in "${SNAPSHOT_CRDS[@]}"; do
    [[ -f $crds/snapshot.storage.k8s.io_$crd.yaml ]] || die "no $crd CRD in $crds"
    files+=(-f "$crds/snapshot.storage.k8s.io_$crd.yaml")
    names+=("crd/$crd.snapshot.storage.k8s.io")
  done
  kc apply --server-side --force-conflicts --field-manager="$FIELD_MANAGER" "${files[@]}" >/dev/null
  kc wait --for=condition=Established --timeout=60s "${names[@]}" >/dev/null
  kc apply --server-side --force-conflicts --field-manager="$FIELD_MANAGER" -f "$REPO_ROOT/test/cluster/csi-hostpath.yaml" >/dev/null
  csi_objects_digest >"$STATE/csi-digest"
}

# ---------------------------------------------------------------------------------------------
# Processes

# The binary a component was started from (pids/<component>.pid holds "<pid> <binary>").
running_binary() {
  local bin
  read -r _ bin <"$PIDS/$1.pid" 2>/dev/null && printf '%s\n' "$bin"
}

csi_stale() { owned_pid "$1" >/dev/null && [[ $(running_binary "$1") != "$(csi_bin "$1")" ]]; }

# Whether a warm `up` may leave CSI alone: each component runs (all_running checks that) its current
# build, say not a driver built before its sources changed, and the cluster has the current objects.
csi_current() {
  local name
  for name in "${CSI_COMPONENTS[@]}"; do ! csi_stale "$name" || return 1; done
  [[ $(cat "$STATE/csi-digest" 2>/dev/null) == "$(csi_objects_digest)" ]]
}

# The kubelet has registered the driver once it has written the driver's node id into the CSINode.
csi_driver_registered() {
  [[ $(kc get csinode "$REAL_NODE_NAME" -o jsonpath="{.spec.drivers[?(@.name==\"$CSI_DRIVER_NAME\")].nodeID}" 2>/dev/null) == "$REAL_NODE_NAME" ]]
}

# The sidecars serve metrics once they have reached the driver, the controller once it found its CRDs.
metrics_served() { curl -fsS --max-time 2 "http://127.0.0.1:$1/metrics" >/dev/null 2>&1; }

ensure_csi() {
  local socket
  for socket in "$CSI_SOCKET" "$CSI_REGISTRATION_SOCKET"; do
    ((${#socket} <= 107)) || die "the socket path $socket is longer than 107 bytes; set OPENCLAW_TEST_CLUSTER_DIR to a shorter one"
  done
  apply_csi_objects
  local name
  for name in "${CSI_COMPONENTS[@]}"; do
    if csi_stale "$name"; then
      say "$name was rebuilt"
      stop "$name"
    fi
  done
  if ! owned_pid csi-hostpath >/dev/null; then
    # The sidecars exit when the driver's socket goes away: restart them now, not find them gone later.
    stop csi-provisioner
    stop csi-snapshotter
    start csi-hostpath - --endpoint="$CSI_SOCKET" --registration-socket="$CSI_REGISTRATION_SOCKET" \
      --node-id="$REAL_NODE_NAME" --volumes-root="$CSI_DIR/volumes" --snapshots-root="$CSI_DIR/snapshots"
  fi
  wait_healthy csi-hostpath 60 csi_driver_registered
  if ! owned_pid csi-provisioner >/dev/null; then
    start csi-provisioner "$CSI_PROVISIONER_PORT" --csi-address="$CSI_SOCKET" --kubeconfig="$KUBECONFIG_PATH" \
      --leader-election=false --http-endpoint="127.0.0.1:$CSI_PROVISIONER_PORT"
  fi
  wait_healthy csi-provisioner 60 metrics_served "$CSI_PROVISIONER_PORT"
  if ! owned_pid csi-snapshotter >/dev/null; then
    start csi-snapshotter "$CSI_SNAPSHOTTER_PORT" --csi-address="$CSI_SOCKET" --kubeconfig="$KUBECONFIG_PATH" \
      --leader-election=false --http-endpoint="127.0.0.1:$CSI_SNAPSHOTTER_PORT"
  fi
  wait_healthy csi-snapshotter 60 metrics_served "$CSI_SNAPSHOTTER_PORT"
  if ! owned_pid snapshot-controller >/dev/null; then
    start snapshot-controller "$SNAPSHOT_CONTROLLER_PORT" --kubeconfig="$KUBECONFIG_PATH" \
      --leader-election=false --http-endpoint="127.0.0.1:$SNAPSHOT_CONTROLLER_PORT"
  fi
  wait_healthy snapshot-controller 60 metrics_served "$SNAPSHOT_CONTROLLER_PORT"
}

# The driver goes last and on SIGTERM removes its sockets, so the kubelet unregisters it.
stop_csi() {
  local i
  for ((i = ${#CSI_COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${CSI_COMPONENTS[i]}"; done
}
