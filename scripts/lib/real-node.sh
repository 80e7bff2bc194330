# The test cluster's real node, sourced by scripts/test-cluster (which defines STATE, PKI, LOGS,
# CACHE_ROOT, BIN_DIR, GO_DIR, kc, say, die, start, stop, owned_pid, wait_healthy). One node on this
# machine: containerd + runc with a bridge CNI, a kubelet and kube-proxy built from the pinned
# Kubernetes. It is tainted, so only pods that select it (label and toleration below) run here; every
# other pod keeps going to kwok's fake node. This machine's traps are noted where they are handled.

REAL_NODE_NAME=real-node-0
# A pod runs on the real node with this nodeSelector and a toleration of REAL_NODE_TAINT.
REAL_NODE_LABEL_KEY=openclaw.ai/test-node
REAL_NODE_LABEL_VALUE=real
REAL_NODE_TAINT=openclaw.ai/real-node=true:NoSchedule

# The CNI bridge carries the pods and the node's own address (the kubelet refuses a loopback node IP,
# and the API server reaches the kubelet there for logs, exec and port-forward).
BRIDGE=octest0
BRIDGE_SUBNET=10.85.0.0/24
NODE_IP=10.85.0.1
KUBELET_PORT=${OPENCLAW_TEST_CLUSTER_KUBELET_PORT:-10250}
KUBELET_HEALTHZ_PORT=${OPENCLAW_TEST_CLUSTER_KUBELET_HEALTHZ_PORT:-10248}
KUBE_PROXY_HEALTHZ_PORT=${OPENCLAW_TEST_CLUSTER_KUBE_PROXY_HEALTHZ_PORT:-10256}
KUBE_PROXY_METRICS_PORT=${OPENCLAW_TEST_CLUSTER_KUBE_PROXY_METRICS_PORT:-10249}
KUBE_ROUTER_HEALTH_PORT=${OPENCLAW_TEST_CLUSTER_KUBE_ROUTER_HEALTH_PORT:-20244}
# The Service kube-system/kube-dns (test/cluster/cluster-dns.yaml) in front of CoreDNS.
CLUSTER_DNS_IP=10.96.0.10
COREDNS_IMAGE=localhost/openclaw-test-cluster/coredns:$COREDNS_VERSION

NODE_DIR=$STATE/node
CONTAINERD_SOCKET=$NODE_DIR/containerd.sock
# Image content outlives `down`: re-importing a 2 GB image on every `up` would cost minutes.
CONTAINERD_ROOT=$CACHE_ROOT/containerd/root
PAUSE_DIR=$CACHE_ROOT/pause
PAUSE_IMAGE=localhost/openclaw-test-cluster/pause:1
# Where the volume provisioner (test/cluster/kwok-volume-stages.yaml) puts each claim's hostPath.
VOLUME_ROOT=/tmp/openclaw-test-cluster

ctr_k8s() { ctr --address "$CONTAINERD_SOCKET" --namespace k8s.io "$@"; }

# ---------------------------------------------------------------------------------------------
# Binaries and images

# The Debian packages the node runs; installed (and their .debs cached) when missing.
install_node_packages() {
  local missing=() pkg
  for pkg in containerd runc containernetworking-plugins iptables ipset iproute2; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) || "$REPO_ROOT/scripts/install-system-packages" "${missing[@]}"
}

# pack_image <ref> <static binary> <archive>: an OCI archive of one uncompressed layer holding only
# the binary, run as its entrypoint, named <ref> for `ctr images import`.
pack_image() {
  local ref=$1 binary=$2 archive=$3 work name layer config manifest sha size
  work=$(mktemp -d)
  name=$(basename "$binary")
  mkdir -p "$work/rootfs" "$work/oci/blobs/sha256"
  cp "$binary" "$work/rootfs/$name"
  tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" -cf "$work/layer.tar" "$name"
  blob() { # blob <file>: stores it under its digest, prints "<sha> <size>"
    local s n
    s=$(sha256sum "$1" | cut -d' ' -f1) n=$(stat -c %s "$1")
    cp "$1" "$work/oci/blobs/sha256/$s"
    printf '%s %s\n' "$s" "$n"
  }
  read -r layer size < <(blob "$work/layer.tar")
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/%s"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$name" "$layer" >"$work/config.json"
  read -r config sha < <(blob "$work/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$config" "$sha" "$layer" "$size" >"$work/manifest.json"
  read -r manifest size < <(blob "$work/manifest.json")
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"io.containerd.image.name":"%s"}}]}' \
    "$manifest" "$size" "$ref" >"$work/oci/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
  tar -C "$work/oci" -cf "$archive.tmp" . && mv "$archive.tmp" "$archive"
  rm -rf "$work"
}

# The sandbox image: test/cluster/pause/main.go built static, cached by the source's hash.
pause_archive() {
  local source=$REPO_ROOT/test/cluster/pause/main.go hash
  hash=$(cat "$source" <(printf '%s' "$PAUSE_IMAGE") | sha256sum | cut -c1-16)
  printf '%s\n' "$PAUSE_DIR/pause-$hash.oci.tar"
}

build_pause_image() {
  local archive work
  archive=$(pause_archive)
  [[ -s $archive ]] && return 0
  need go "Go builds the real node's pause image"
  work=$(mktemp -d)
  (cd "$work" && go_env go build -trimpath -ldflags '-s -w' -o pause "$REPO_ROOT/test/cluster/pause/main.go") ||
    die "building the pause image failed"
  mkdir -p "$PAUSE_DIR"
  rm -f "$PAUSE_DIR"/pause-*.oci.tar
  pack_image "$PAUSE_IMAGE" "$work/pause" "$archive"
  rm -rf "$work"
}

# CoreDNS's image, from the binary built with the cluster (build_cluster_binaries).
coredns_archive() { printf '%s\n' "$BIN_DIR/coredns.oci.tar"; }

build_coredns_image() {
  [[ -s $(coredns_archive) ]] || pack_image "$COREDNS_IMAGE" "$BIN_DIR/coredns" "$(coredns_archive)"
}

# The whole list is read first: with pipefail, `grep -q` leaving early fails the check when ctr gets
# SIGPIPE writing the lines after the match (seen on a cold start).
image_present() {
  local images
  images=$(ctr_k8s images ls -q 2>/dev/null) || return 1
  grep -qxF -- "$1" <<<"$images"
}

# load_image <ref> <oci archive>: imports the archive unless containerd has the image already.
load_image() {
  image_present "$1" && return 0
  say "importing $1 into the real node's containerd (a 2 GB image takes 1-3 min)..."
  local started=$SECONDS
  ctr_k8s images import --no-unpack=false "$2" >>"$LOGS/containerd-import.log" 2>&1 ||
    die "ctr images import $2 failed (log: $LOGS/containerd-import.log)"
  image_present "$1" || die "$2 did not hold the image $1"
  say "imported $1 in $((SECONDS - started))s"
  # Older builds of the same repository only take disk space: the tests use the newest.
  local old
  for old in $(ctr_k8s images ls -q | grep -F "${1%:*}:" | grep -vxF "$1"); do
    ctr_k8s images rm "$old" >/dev/null && say "removed the older $old"
  done
}

# ---------------------------------------------------------------------------------------------
# Configuration

# write_if_changed <file>: stdin becomes the file only when it differs. kube-proxy exits when its
# config file is written, even with the same content; an `up` of a running node must not do that.
write_if_changed() {
  local content
  content=$(cat)
  [[ -f $1 && $(<"$1") == "$content" ]] && return 0
  printf '%s\n' "$content" >"$1"
}

write_node_config() {
  mkdir -p "$NODE_DIR/cni/net.d" "$NODE_DIR/cni/ipam" "$NODE_DIR/kubelet" "$CONTAINERD_ROOT"
  # restrict_oom_score_adj: runc may not lower oom_score_adj here, not even as root.
  write_if_changed "$NODE_DIR/containerd.toml" <<EOF
version = 2
root = "$CONTAINERD_ROOT"
state = "$NODE_DIR/containerd-state"
[grpc]
  address = "$CONTAINERD_SOCKET"
[ttrpc]
  address = "$NODE_DIR/containerd-ttrpc.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE_DIR/containerd-opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE_DIR/cni/net.d"
EOF
  write_if_changed "$NODE_DIR/cni/net.d/10-openclaw-test.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "openclaw-test",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$NODE_DIR/cni/ipam",
        "ranges": [[{ "subnet": "$BRIDGE_SUBNET", "gateway": "$NODE_IP" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
  # Eviction and image GC thresholds are set low: the machine's disk is shared with everything else,
  # and an evicted test pod or a collected image only makes a test fail for reasons of its own.
  write_if_changed "$NODE_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CONTAINERD_SOCKET
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $PKI/ca.crt }
authorization:
  mode: Webhook
registerWithTaints:
  - { key: ${REAL_NODE_TAINT%%=*}, value: "$(t=${REAL_NODE_TAINT#*=}; printf '%s' "${t%%:*}")", effect: ${REAL_NODE_TAINT##*:} }
failSwapOn: false
evictionHard: { memory.available: 100Mi, nodefs.available: "1%", imagefs.available: "1%" }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
resolvConf: /etc/resolv.conf
clusterDNS: [$CLUSTER_DNS_IP]
clusterDomain: cluster.local
EOF
  write_kubeconfig "$NODE_DIR/kubelet.kubeconfig" "system:node:$REAL_NODE_NAME" "$PKI/node.crt" "$PKI/node.key"
  write_kubeconfig "$NODE_DIR/kube-proxy.kubeconfig" system:kube-proxy "$PKI/kube-proxy.crt" "$PKI/kube-proxy.key"
  write_kubeconfig "$NODE_DIR/kube-router.kubeconfig" system:kube-router "$PKI/kube-router.crt" "$PKI/kube-router.key"
  write_if_changed "$NODE_DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $NODE_DIR/kube-proxy.kubeconfig }
hostnameOverride: $REAL_NODE_NAME
mode: iptables
clusterCIDR: $BRIDGE_SUBNET
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$KUBE_PROXY_METRICS_PORT
conntrack: { maxPerCore: 0 }
EOF
}

# The bridge exists before the kubelet starts, so the node has its address from the first status.
ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add name "$BRIDGE" type bridge || die "ip link add $BRIDGE failed"
  fi
  grep -qF " $NODE_IP/" <<<"$(ip addr show dev "$BRIDGE")" || ip addr add "$NODE_IP/${BRIDGE_SUBNET#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

# Pods reach Services on the node through the host's routing (ip_forward) and bridged traffic must
# pass iptables (br_netfilter) for kube-proxy's rules; the old values are restored by `down`.
NODE_SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables)
set_sysctls() {
  local key file=$NODE_DIR/sysctl.saved
  [[ -s $file ]] || for key in "${NODE_SYSCTLS[@]}"; do printf '%s=%s\n' "$key" "$(sysctl -n "$key")"; done >"$file"
  for key in "${NODE_SYSCTLS[@]}"; do sysctl -qw "$key=1" || die "sysctl -w $key=1 failed"; done
}

restore_sysctls() {
  local file=$NODE_DIR/sysctl.saved line
  [[ -s $file ]] || return 0
  while read -r line; do sysctl -qw "$line" || true; done <"$file"
}

# ---------------------------------------------------------------------------------------------
# Processes

containerd_ready() { ctr --address "$CONTAINERD_SOCKET" version >/dev/null 2>&1; }
kubelet_healthy() { [[ $(curl -sS --max-time 2 "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz" 2>/dev/null) == ok ]]; }
kube_proxy_healthy() { curl -fsS --max-time 2 "http://127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT/healthz" >/dev/null 2>&1; }
real_node_ready() {
  [[ $(kc get node "$REAL_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

# Every container of a previous containerd run goes: the kubelet recreates what the API still wants.
remove_all_containers() {
  local id
  for id in $(ctr_k8s tasks ls -q 2>/dev/null); do
    ctr_k8s tasks kill --signal SIGKILL "$id" >/dev/null 2>&1 || true
    ctr_k8s tasks delete --force "$id" >/dev/null 2>&1 || true
  done
  for id in $(ctr_k8s containers ls -q 2>/dev/null); do
    ctr_k8s containers delete "$id" >/dev/null 2>&1 || true
  done
}

ensure_containerd() {
  if ! owned_pid containerd >/dev/null; then
    start containerd - --config "$NODE_DIR/containerd.toml" --log-level warn
    wait_healthy containerd 60 containerd_ready
    remove_all_containers
  fi
  wait_healthy containerd 60 containerd_ready
  load_image "$PAUSE_IMAGE" "$(pause_archive)"
}

ensure_kubelet() {
  if ! owned_pid kubelet >/dev/null; then
    start kubelet "$KUBELET_HEALTHZ_PORT" --config="$NODE_DIR/kubelet.yaml" --kubeconfig="$NODE_DIR/kubelet.kubeconfig" \
      --root-dir="$NODE_DIR/kubelet" --cert-dir="$NODE_DIR/kubelet/pki" --hostname-override="$REAL_NODE_NAME" \
      --node-ip="$NODE_IP" --node-labels="$REAL_NODE_LABEL_KEY=$REAL_NODE_LABEL_VALUE"
  fi
  wait_healthy kubelet 60 kubelet_healthy
  wait_healthy kubelet 120 real_node_ready
}

ensure_kube_proxy() {
  if ! owned_pid kube-proxy >/dev/null; then
    start kube-proxy "$KUBE_PROXY_HEALTHZ_PORT" --config="$NODE_DIR/kube-proxy.yaml"
  fi
  wait_healthy kube-proxy 60 kube_proxy_healthy
}

kube_router_healthy() { curl -fsS --max-time 2 "http://127.0.0.1:$KUBE_ROUTER_HEALTH_PORT/healthz" >/dev/null 2>&1; }

# kube-router enforces NetworkPolicy with iptables and ipsets on this node's pods; the bridge CNI
# routes and kube-proxy serves Services, so only its firewall runs.
ensure_kube_router() {
  if ! owned_pid kube-router >/dev/null; then
    start kube-router "$KUBE_ROUTER_HEALTH_PORT" --kubeconfig="$NODE_DIR/kube-router.kubeconfig" \
      --hostname-override="$REAL_NODE_NAME" --run-firewall=true --run-router=false --run-service-proxy=false \
      --enable-cni=false --enable-ipv6=false --service-cluster-ip-range="$SERVICE_CIDR" \
      --health-port="$KUBE_ROUTER_HEALTH_PORT" --metrics-port=0 --iptables-sync-period=1m
  fi
  wait_healthy kube-router 120 kube_router_healthy
}

cluster_dns_ready() {
  [[ $(kc get deployment coredns -n kube-system -o jsonpath='{.status.readyReplicas}' 2>/dev/null) == 1 ]]
}

# CoreDNS as a pod on the real node behind the Service kube-dns, as clusters run it.
ensure_cluster_dns() {
  load_image "$COREDNS_IMAGE" "$(coredns_archive)"
  sed -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" -e "s|@CLUSTER_DNS_IP@|$CLUSTER_DNS_IP|g" \
    "$REPO_ROOT/test/cluster/cluster-dns.yaml" |
    kc apply --server-side --force-conflicts --field-manager="$FIELD_MANAGER" -f - >/dev/null
  local deadline=$((SECONDS + 120))
  until cluster_dns_ready; do
    if ((SECONDS >= deadline)); then
      kc describe pods -n kube-system -l k8s-app=kube-dns >&2 || true
      die "CoreDNS is not ready after 120s"
    fi
    sleep 0.5
  done
}

ensure_volume_dirs() {
  owned_pid volume-dirs >/dev/null || start volume-dirs - "$REPO_ROOT/scripts/test-cluster" _volume-dirs "$STATE/"
}

# The hidden `_volume-dirs` subcommand: every claim's hostPath directory is created owned by uid 1000
# (the user the instance runs as) the moment its volume appears. fsGroup does not apply to hostPath,
# and the volumes' hostPath type Directory makes the kubelet wait for the directory instead of
# letting the runtime create it as root.
watch_volume_dirs() {
  local path
  while :; do
    while read -r path; do
      [[ $path == "$VOLUME_ROOT"/pvc-* && $path != *..* && ! -d $path ]] || continue
      install -d -o 1000 -g 1000 -m 0750 "$path" && say "created $path"
    done < <(kc get pv --watch -o jsonpath='{.spec.hostPath.path}{"\n"}' 2>&1)
    sleep 1
  done
}

# The hidden `_service-hosts` subcommand: this machine has no cluster DNS, so every Service's
# <name>.<namespace>.svc.cluster.local is kept in a marked block of /etc/hosts, rewritten on every
# change, so that programs here (the manager under test) reach Services by the names pods use.
HOSTS_BEGIN='# openclaw-test-cluster services: begin'
HOSTS_END='# openclaw-test-cluster services: end'

# write_service_hosts <lines>: replaces the block (none when <lines> is empty). A rename keeps
# readers from ever seeing a half-written file; a bind-mounted /etc/hosts is rewritten in place.
write_service_hosts() {
  local tmp=/etc/.hosts.openclaw-test-cluster
  {
    sed "/^$HOSTS_BEGIN\$/,/^$HOSTS_END\$/d" /etc/hosts
    [[ -z $1 ]] || printf '%s\n%s\n%s\n' "$HOSTS_BEGIN" "$1" "$HOSTS_END"
  } >"$tmp" || return 1
  chmod --reference=/etc/hosts "$tmp" 2>/dev/null || chmod 0644 "$tmp"
  mv -f "$tmp" /etc/hosts 2>/dev/null || { cat "$tmp" >/etc/hosts && rm -f "$tmp"; }
}

watch_service_hosts() {
  local current='' next
  while :; do
    while read -r _; do
      next=$(kc get services --all-namespaces \
        -o jsonpath='{range .items[*]}{.spec.clusterIP} {.metadata.name}.{.metadata.namespace}.svc.cluster.local{"\n"}{end}' |
        awk '$1 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/' | sort) || continue
      [[ $next == "$current" ]] && continue
      write_service_hosts "$next" && current=$next && say "mapped $(wc -l <<<"$next") services in /etc/hosts"
    done < <(kc get services --all-namespaces --watch -o name 2>&1)
    sleep 1
  done
}

ensure_service_hosts() {
  owned_pid service-hosts >/dev/null || start service-hosts - "$REPO_ROOT/scripts/test-cluster" _service-hosts "$STATE/"
}

# ---------------------------------------------------------------------------------------------
# Teardown: what the node leaves behind beyond its processes. Safe to run when nothing is left, and
# before `up` when a killed node left it all.

# Kills every process in the kubepods cgroups (the containers), then removes those cgroups.
remove_pod_cgroups() {
  local dir pid
  for dir in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d $dir ]] || continue
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done < <(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null)
  done
  for dir in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d $dir ]] || continue
    local i
    for ((i = 0; i < 25; i++)); do
      find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
      [[ -d $dir ]] || break
      sleep 0.2
    done
    [[ -d $dir ]] && say "warning: could not remove $dir"
  done
}

kill_shims() {
  local pid
  for pid in $(pgrep -f "containerd-shim.*-address $CONTAINERD_SOCKET" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
}

# Unmounts everything below the given directories, deepest first.
unmount_below() {
  local dir mounts=()
  for dir in "$@"; do
    mapfile -t -O "${#mounts[@]}" mounts < <(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts)
  done
  ((${#mounts[@]} == 0)) && return 0
  printf '%s\n' "${mounts[@]}" | sort -r -u | while read -r dir; do
    umount "$dir" 2>/dev/null || umount -l "$dir" 2>/dev/null || say "warning: could not unmount $dir"
  done
}

remove_netns() {
  local ns
  for ns in /run/netns/cni-*; do
    [[ -e $ns ]] && { ip netns delete "${ns##*/}" 2>/dev/null || { umount "$ns" 2>/dev/null; rm -f "$ns"; }; }
  done
  # `ip netns` made /run/netns a mount of its own; it goes once no namespace is left in it.
  if [[ -d /run/netns && -z $(ls -A /run/netns) ]] && awk '$2 == "/run/netns"' /proc/self/mounts | grep -q .; then
    umount /run/netns 2>/dev/null || true
  fi
}

# Drops every KUBE-* and CNI-* chain and every rule that jumps to one, table by table, atomically.
purge_iptables() {
  local tool table dump
  for tool in iptables ip6tables; do
    command -v "$tool-save" >/dev/null || continue
    for table in filter nat mangle raw; do
      dump=$("$tool-save" -t "$table" 2>/dev/null) || continue
      grep -qE '^:(KUBE|CNI)-|-[jg] (KUBE|CNI)-' <<<"$dump" || continue
      grep -vE '^:(KUBE|CNI)-|^-A (KUBE|CNI)-|-[jg] (KUBE|CNI)-' <<<"$dump" | "$tool-restore" -w 5 ||
        say "warning: $tool-restore of table $table failed"
    done
  done
}

# kube-router's ipsets (KUBE-SRC-*, KUBE-DST-*, kube-router-*), once no iptables rule refers to them.
kube_ipsets() { command -v ipset >/dev/null && ipset list -n 2>/dev/null | grep -E '^(inet6:)?(KUBE-|kube-router-)' || true; }

purge_ipsets() {
  local set
  for set in $(kube_ipsets); do ipset destroy "$set" 2>/dev/null || say "warning: could not destroy ipset $set"; done
}

clean_node() {
  kill_shims
  remove_pod_cgroups
  unmount_below "$NODE_DIR" "$CONTAINERD_ROOT" "$VOLUME_ROOT"
  remove_netns
  purge_iptables
  purge_ipsets
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE"
  restore_sysctls
  grep -qxF "$HOSTS_BEGIN" /etc/hosts && write_service_hosts ''
  # The kubelet writes container logs here whatever its root dir.
  rm -rf /var/log/pods /var/log/containers
}

# Leftovers a killed node can leave: any of them means `clean_node` must run before `up`.
node_leftovers() {
  ip link show "$BRIDGE" >/dev/null 2>&1 && return 0
  compgen -G '/sys/fs/cgroup/*/kubepods' >/dev/null && return 0
  awk -v d="$NODE_DIR" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/self/mounts && return 0
  grep -qE '^:(KUBE|CNI)-' <<<"$(iptables-save 2>/dev/null)" && return 0
  [[ -n $(kube_ipsets) ]] && return 0
  return 1
}

ensure_real_node() {
  if ! owned_pid containerd >/dev/null && ! owned_pid kubelet >/dev/null && node_leftovers; then
    say "removing what an earlier real node left behind"
    clean_node
  fi
  write_node_config
  ensure_bridge
  set_sysctls
  ensure_volume_dirs
  ensure_service_hosts
  ensure_containerd
  ensure_kubelet
  ensure_kube_proxy
  ensure_kube_router
  ensure_cluster_dns
  ensure_csi
}

# Stops the node's processes and undoes what they did; called by `down` before the control plane goes.
stop_real_node() {
  stop_csi
  stop kube-router
  stop kube-proxy
  stop kubelet
  stop volume-dirs
  stop service-hosts
  if owned_pid containerd >/dev/null; then remove_all_containers; fi
  stop containerd
  clean_node
}
