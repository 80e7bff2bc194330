#!/usr/bin/env bash
# Operator's helm wrapper for one user's instance, through the openclaw-postrender policy plugin.
#
#   deploy-user.sh install <userId> <values-file>   install (or fail if it exists), wait until ready
#   deploy-user.sh upgrade <userId> <values-file>   apply a changed values file, wait until ready
#   deploy-user.sh status  <userId>                 release status and the user's objects
#   deploy-user.sh delete  <userId>                 uninstall; the data volume <userId>-openclaw-data stays
#   deploy-user.sh purge   <userId>                 uninstall and delete the data volume
#   deploy-user.sh rollback <userId> [revision]     bring back a kept revision (default: the previous one,
#                                                   helm history <userId>-openclaw lists them), wait until ready
#   deploy-user.sh upgrade-all <imageTag> [maxUnavailable]
#                                                   roll every *-openclaw release in the namespace to imageTag,
#                                                   maxUnavailable (default 1, at most 50) at a time, each
#                                                   waited for; the first failure stops it (releases not yet
#                                                   started are skipped); prints one result line per user
#   deploy-user.sh backup  <userId> [snapshotClass] stop the instance if it runs, take the VolumeSnapshot
#                                                   <userId>-openclaw-backup-<12 hex digits> of its data volume
#                                                   (of snapshotClass, else the cluster's default class), wait
#                                                   until it is ready and start the instance again; prints the
#                                                   snapshot's name and how long the instance was offline
#   deploy-user.sh backups <userId>                 the VolumeSnapshots of the user's data volume (the manager's
#                                                   backups too): name, ready, size, created, made by
#   deploy-user.sh restore <userId> <snapshot>      put back the data of a ready VolumeSnapshot of this user's
#                                                   volume: a safety snapshot of the data as it is first (of
#                                                   <snapshot>'s class; its name printed, restoring it undoes
#                                                   this), then the volume is made again from <snapshot> through
#                                                   the chart (persistence.restoreFrom), the instance started
#                                                   again if it ran
#
# Environment: NAMESPACE (openclaw), HELM_BIN, KUBECTL, TIMEOUT (10m; for backup and restore also each
# wait of their own, e.g. 90s or 1h30m), WAIT (true),
# INGRESS_ENABLED / GATEWAY_API_ENABLED (false: the post-renderer refuses Ingress / HTTPRoute objects),
# EXTRA_VALUES (more values files, space separated, applied after the user's, e.g. values/gke-autopilot.yaml).
# A bad argument exits 2 for backup, backups and restore, 1 for the other actions, before anything is touched.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

usage() { awk 'NR == 1 { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
# chart_rule <path> <keyword>: a rule from the chart's values schema, the home of the user id and image
# tag rules (both patterns are also valid bash regular expressions), e.g. chart_rule properties.userId pattern.
chart_rule() {
  node -e 'let s = require(process.argv[1]); for (const p of process.argv[2].split(".")) s = s[p];
    process.stdout.write(String(s[process.argv[3]]))' "$ROOT/chart/values.schema.json" "$1" "$2"
}

# A VolumeSnapshot (or VolumeSnapshotClass) name: a DNS subdomain, the chart's rule for persistence.restoreFrom.
snapshot_name() {
  [[ -n "$1" && ${#1} -le $(chart_rule properties.persistence.properties.restoreFrom maxLength) &&
    "$1" =~ $(chart_rule properties.persistence.properties.restoreFrom pattern) ]]
}
# A helm duration (10m, 90s, 1h30m) in seconds, for the script's own waits.
duration_seconds() {
  [[ -n "$1" && "$1" =~ ^(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?$ ]] || return 1
  echo $((10#${BASH_REMATCH[2]:-0} * 3600 + 10#${BASH_REMATCH[4]:-0} * 60 + 10#${BASH_REMATCH[6]:-0}))
}

[ $# -ge 2 ] || usage
action="$1"
namespace="${NAMESPACE:-openclaw}"
user_pattern="$(chart_rule properties.userId pattern)"
# backup, backups and restore exit 2 on a bad argument, as on a usage error; the other actions exit 1,
# which their callers check.
bad_arg() { die "$@"; }
case "$action" in backup | backups | restore) bad_arg() { printf 'error: %s\n' "$*" >&2; exit 2; } ;; esac
if [ "$action" != upgrade-all ]; then
  user="$2"; values="${3:-}"
  [[ "$user" =~ $user_pattern && ${#user} -le $(chart_rule properties.userId maxLength) ]] || bad_arg "invalid userId '$user': $(chart_rule properties.userId description)"
  release="$user-openclaw"
  claim="$release-data"
  case "$action" in
    rollback)
      revision="${3:-}"
      [ -z "$revision" ] || [[ "$revision" =~ ^[1-9][0-9]*$ ]] || die "revision must be a positive integer (helm history $release lists them), got '$revision'"
      ;;
    backup)
      [ $# -le 3 ] || usage
      snapshot_class="${3:-}"
      [ -z "$snapshot_class" ] || snapshot_name "$snapshot_class" || bad_arg "invalid VolumeSnapshotClass name '$snapshot_class' (a DNS subdomain: lower-case letters, digits, '-' and '.')"
      ;;
    backups) [ $# -eq 2 ] || usage ;;
    restore)
      [ $# -eq 3 ] || usage
      snapshot="$3"
      snapshot_name "$snapshot" || bad_arg "invalid VolumeSnapshot name '$snapshot' (a DNS subdomain: lower-case letters, digits, '-' and '.'; deploy-user.sh backups $user lists them)"
      ;;
  esac
  case "$action" in
    backup | restore) wait_s="$(duration_seconds "${TIMEOUT:-10m}")" || bad_arg "TIMEOUT must be a duration like 10m, 90s or 1h30m, got '$TIMEOUT'" ;;
  esac
else
  tag="$2" max="${3:-1}"
  tag_pattern="$(chart_rule definitions.imageTag pattern)"
  [[ "$tag" =~ $tag_pattern ]] || die "invalid image tag '$tag' (letters, digits, '_', '.', '-'; at most 128)"
  if ! [[ "$max" =~ ^[0-9]+$ ]] || ((max < 1 || max > 50)); then die "maxUnavailable must be an integer 1-50, got '$max'"; fi
fi
helm="$("$ROOT/scripts/install-helm")"
kubectl="$("$ROOT/scripts/install-helm" --kubectl)"
# The public exposure the operator allows; the post-renderer refuses any other.
renderer=(--post-renderer openclaw-postrender --post-renderer-args "--ingress-enabled=${INGRESS_ENABLED:-false}"
  --post-renderer-args "--gateway-api-enabled=${GATEWAY_API_ENABLED:-false}")
waiting=()
if [ "${WAIT:-true}" = true ]; then waiting=(--wait --timeout "${TIMEOUT:-10m}"); fi

ensure_postrenderer() {
  "$helm" plugin list 2>/dev/null | grep -q '^openclaw-postrender\b' && return
  [ -f "$ROOT/plugins/postrender/dist/postrender.js" ] || die "the post-renderer is not built: run 'npm ci && npm run build' first"
  say "installing helm plugin openclaw-postrender"
  "$helm" plugin install "$ROOT/plugins/postrender" >/dev/null
}

check_values() {
  [ -n "$values" ] || die "$action needs a values file: deploy-user.sh $action $user values/users/$user.yaml"
  [ -f "$values" ] || die "values file not found: $values"
  local declared
  declared="$(sed -n 's/^userId:[[:space:]]*["'\'']\{0,1\}\([^"'\''[:space:]#]*\).*/\1/p' "$values" | head -n1)"
  [ -z "$declared" ] || [ "$declared" = "$user" ] || die "$values declares userId '$declared', not '$user'"
}

apply() { # apply <helm verb...>
  ensure_postrenderer
  check_values
  local args=("$@" "$release" "$ROOT/chart" --namespace "$namespace" -f "$values" --set-string "userId=$user" "${renderer[@]}")
  for extra in ${EXTRA_VALUES:-}; do args+=(-f "$extra"); done
  args+=("${waiting[@]}")
  say "helm ${args[*]}"
  "$helm" "${args[@]}"
}

# helm upgrade of a release keeping every value it has (secrets, token, replicas, image tag) from its
# last revision, but the ones the flags set.
reuse_upgrade() { # reuse_upgrade <release> <helm flags...>
  "$helm" upgrade "$1" "$ROOT/chart" --namespace "$namespace" --reset-then-reuse-values "${@:2}" "${renderer[@]}"
}

upgrade_tag() { # upgrade_tag <release> <imageTag> <log file>
  reuse_upgrade "$1" --set-string "image.tag=$2" "${waiting[@]}" >"$3" 2>&1
}

roll_back() { # roll_back [revision], checked above; helm's own default is the previous revision
  local args=(rollback "$release" "$@" --namespace "$namespace" "${waiting[@]}")
  say "helm ${args[*]}"
  "$helm" "${args[@]}"
}

upgrade_all() { # upgrade_all <imageTag> <maxUnavailable>, both checked above
  local tag="$1" max="$2"
  ensure_postrenderer
  local releases=()
  mapfile -t releases < <("$helm" list --namespace "$namespace" --short --max 100000 --filter "${user_pattern%\$}-openclaw\$" | sort)
  [ ${#releases[@]} -gt 0 ] || { say "no *-openclaw releases in namespace $namespace"; return 0; }
  say "upgrading ${#releases[@]} release(s) in $namespace to $tag, $max at a time"

  local logs; logs="$(mktemp -d)"
  local -A running=() status=() note=()
  local next=0 failed="" pid rel code
  while :; do
    while [ -z "$failed" ] && ((${#running[@]} < max && next < ${#releases[@]})); do
      rel="${releases[next]}"; next=$((next + 1))
      say "$rel: helm upgrade to $tag"
      upgrade_tag "$rel" "$tag" "$logs/$rel.log" &
      running[$!]="$rel"
    done
    ((${#running[@]} > 0)) || break
    code=0
    wait -n -p pid "${!running[@]}" || code=$?
    rel="${running[$pid]}"; unset "running[$pid]"
    if ((code == 0)); then
      status[$rel]=upgraded; note[$rel]="running $tag"
    else
      status[$rel]=failed; note[$rel]="$(grep -v '^[[:space:]]*$' "$logs/$rel.log" | tail -n 1)"
      failed="${failed:-$rel}"
    fi
    say "$rel: ${status[$rel]}"
  done
  rm -rf "$logs"

  for rel in "${releases[@]}"; do
    printf '%-44s %-9s %s\n' "${rel%-openclaw}" "${status[$rel]:-skipped}" "${note[$rel]:-not attempted: stopped after ${failed%-openclaw} failed}"
  done
  [ -z "$failed" ]
}

# ---------------------------------------------------------------------------------------------------
# Backups: CSI VolumeSnapshots (snapshot.storage.k8s.io/v1) of the user's data volume, the copies the
# manager's backups are too. The manager's records (ConfigMap <userId>-openclaw-backups) are its own.

require_snapshot_api() {
  local served
  served="$("$kubectl" api-resources --api-group=snapshot.storage.k8s.io -o name)"
  grep -qx 'volumesnapshots.snapshot.storage.k8s.io' <<<"$served" ||
    die "the cluster has no VolumeSnapshot support (snapshot.storage.k8s.io/v1 is not served): install the CSI snapshot CRDs and snapshot controller, and a CSI driver that takes snapshots"
}

# wait_until <what> <command...>: runs the command every 2 s until it succeeds, saying every 10 s how
# long it has taken; fails after TIMEOUT.
wait_until() {
  local what="$1" start=$SECONDS said=$SECONDS
  shift
  until "$@"; do
    ((SECONDS - start < wait_s)) || return 1
    if ((SECONDS - said >= 10)); then said=$SECONDS; say "  waiting for $what: $((SECONDS - start)) s"; fi
    sleep 2
  done
}

pods_gone() {
  local pods
  pods="$("$kubectl" get pods --namespace "$namespace" -l "openclaw.ai/user=$user,app.kubernetes.io/component=gateway" -o name)" || return 1
  [ -z "$pods" ]
}

# Stops and starts through helm, like the manager: only replicas changes, so the next upgrade keeps it.
set_replicas() { # set_replicas <0|1> <helm history description>
  local ready=()
  if [ "$1" = 1 ]; then ready=("${waiting[@]}"); fi
  ensure_postrenderer
  reuse_upgrade "$release" --set "replicas=$1" --description "$2" "${ready[@]}" >/dev/null
}

# What a backup or restore that fails part-way puts right on its way out: the snapshot it was taking
# goes, an instance it stopped starts again (never once its volume is being replaced), and whatever is
# left for the operator is said.
unfinished="" restart=false left_to_do=""
finish() {
  local code=$?
  trap - EXIT
  if ((code != 0)); then
    if [ -n "$unfinished" ]; then
      say "deleting the unfinished VolumeSnapshot $unfinished"
      "$kubectl" delete volumesnapshot "$unfinished" --namespace "$namespace" --ignore-not-found --wait=false >/dev/null || true
    fi
    if [ "$restart" = true ]; then
      say "starting $user again"
      set_replicas 1 "start again after a failed $action" || say "$user did not start again (helm's error above)"
    fi
    if [ -n "$left_to_do" ]; then say "$left_to_do"; fi
  fi
  exit "$code"
}
put_right_on_failure() {
  trap finish EXIT
  # Ctrl-C and kill go through finish too.
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# A running instance is stopped first, so the copy is consistent: the gateway has closed its files.
# Stopped is replicas 0, for the manager too; without a Deployment (no release) nothing runs.
was_running=false offline_from=0
stop_if_running() { # stop_if_running <helm history description>
  local replicas
  replicas="$("$kubectl" get deployment "$release" --namespace "$namespace" --ignore-not-found -o jsonpath='{.spec.replicas}')"
  if [ -n "$replicas" ] && [ "$replicas" != 0 ]; then
    was_running=true restart=true offline_from=$SECONDS
    say "stopping $user: helm upgrade $release --set replicas=0 (other values kept)"
    set_replicas 0 "$1"
  fi
  wait_until "$user's pod to be gone" pods_gone || die "$user's pod is still there after $wait_s s"
}

# The snapshot controller also writes status.error for conflicts it retries and then clears
# (https://github.com/kubernetes-csi/external-snapshotter/issues/748): only an error that lasts 30 s
# fails early; otherwise TIMEOUT does, with the last error.
await_snapshot() { # await_snapshot <name>
  local name="$1" start=$SECONDS said=$SECONDS failing_since="" state error
  while :; do
    state="$("$kubectl" get volumesnapshot "$name" --namespace "$namespace" -o jsonpath='{.status.readyToUse}|{.status.error.message}')"
    [ "${state%%|*}" != true ] || return 0
    error="${state#*|}"
    if [ -z "$error" ]; then failing_since=""; else failing_since="${failing_since:-$SECONDS}"; fi
    if [ -n "$error" ] && ((SECONDS - failing_since >= 30)); then die "VolumeSnapshot $name failed: $error"; fi
    ((SECONDS - start < wait_s)) || die "VolumeSnapshot $name was not ready within $wait_s s${error:+: $error}"
    if ((SECONDS - said >= 10)); then said=$SECONDS; say "  $name: not ready yet after $((SECONDS - start)) s${error:+ ($error)}"; fi
    sleep 2
  done
}

# Takes a ready VolumeSnapshot of the user's data volume with the instance stopped, its name in $taken;
# the instance stays stopped ($restart says whether it ran). Labelled by user and backup id so an
# operator lists them, but without the manager's app.kubernetes.io/component=backups: the manager
# deletes every snapshot carrying that and openclaw.ai/backup that none of its records names, whoever
# made it (strayCopies in manager/src/runtime/helm/snapshot-backups.ts).
snapshot_now() { # snapshot_now <snapshot class, '' for the cluster's default> <helm history description>
  local class="$1" id
  stop_if_running "$2"
  id="$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  taken="$release-backup-$id"
  say "creating VolumeSnapshot $taken of PVC $claim (class: ${class:-the default class})"
  "$kubectl" create --namespace "$namespace" -f - >/dev/null <<EOF
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata:
  name: $taken
  labels:
    openclaw.ai/user: "$user"
    openclaw.ai/backup: "$id"
    app.kubernetes.io/managed-by: deploy-user.sh
spec:
${class:+  volumeSnapshotClassName: $class}
  source:
    persistentVolumeClaimName: $claim
EOF
  unfinished="$taken"
  await_snapshot "$taken"
  unfinished=""
  say "VolumeSnapshot $taken is ready"
}

back_up() {
  require_snapshot_api
  local phase
  phase="$("$kubectl" get pvc "$claim" --namespace "$namespace" --ignore-not-found -o jsonpath='{.status.phase}')"
  [ -n "$phase" ] || die "$user has no data volume (PVC $claim in namespace $namespace) to back up"
  [ "$phase" = Bound ] || die "the data volume of $user (PVC $claim) is $phase: there is nothing to copy yet"
  snapshot_now "$snapshot_class" "stop for a backup"
  if [ "$was_running" = true ]; then
    restart=false left_to_do="$taken is ready, but $user did not start again (helm's error above)"
    say "starting $user again"
    set_replicas 1 "start after backup $taken"
    left_to_do=""
    say "backed up $user as $taken; $user was offline $((SECONDS - offline_from)) s"
  else
    say "backed up $user as $taken; $user was not running, so it was offline 0 s"
  fi
  printf '%s\n' "$taken"
}

# Every VolumeSnapshot of the user's data volume, the manager's and this script's, oldest first.
list_backups() {
  require_snapshot_api
  local rows
  rows="$("$kubectl" get volumesnapshots --namespace "$namespace" --sort-by=.metadata.creationTimestamp -o jsonpath="{range .items[?(@.spec.source.persistentVolumeClaimName==\"$claim\")]}{.metadata.name}{\"|\"}{.status.readyToUse}{\"|\"}{.status.restoreSize}{\"|\"}{.metadata.creationTimestamp}{\"|\"}{.metadata.labels.app\.kubernetes\.io/managed-by}{\"\n\"}{end}")"
  if [ -z "$rows" ]; then say "no VolumeSnapshots of PVC $claim in namespace $namespace"; return; fi
  printf 'NAME|READY|SIZE|CREATED|MADE BY\n%s\n' "$rows" | awk -F'|' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i == "" ? "-" : $i; if (length(cell[NR, i]) > width[i]) width[i] = length(cell[NR, i]) } }
    END { for (r = 1; r <= NR; r++) { for (i = 1; i < 5; i++) printf("%-" width[i] "s  ", cell[r, i]); print cell[r, 5] } }'
}

# A claim whose class binds on first use (WaitForFirstConsumer, e.g. GKE's standard-rwo) gets its
# volume, made from the snapshot, only when the instance starts; any other is Bound first.
claim_ready() {
  local state class mode
  state="$("$kubectl" get pvc "$claim" --namespace "$namespace" --ignore-not-found -o jsonpath='{.status.phase}|{.spec.storageClassName}')" || return 1
  [ "${state%%|*}" != Bound ] || return 0
  class="${state#*|}"
  [ -n "$class" ] || return 1
  mode="$("$kubectl" get storageclass "$class" --ignore-not-found -o jsonpath='{.volumeBindingMode}')" || return 1
  [ "$mode" = WaitForFirstConsumer ]
}

restore_from() {
  require_snapshot_api
  "$helm" status "$release" --namespace "$namespace" >/dev/null 2>&1 || die "no release $release in namespace $namespace to restore into"
  local info ready source class deleting phase safety=""
  info="$("$kubectl" get volumesnapshot "$snapshot" --namespace "$namespace" --ignore-not-found \
    -o jsonpath='{.status.readyToUse}|{.spec.source.persistentVolumeClaimName}|{.spec.volumeSnapshotClassName}|{.metadata.deletionTimestamp}')"
  [ -n "$info" ] || die "refusing: there is no VolumeSnapshot $snapshot in namespace $namespace (deploy-user.sh backups $user lists them)"
  IFS='|' read -r ready source class deleting <<<"$info"
  [ "$source" = "$claim" ] || die "refusing: VolumeSnapshot $snapshot is a copy of ${source:+PVC }${source:-no PVC}, not of $user's data volume $claim"
  [ -z "$deleting" ] || die "refusing: VolumeSnapshot $snapshot is being deleted"
  [ "$ready" = true ] || die "refusing: VolumeSnapshot $snapshot is not ready to use (deploy-user.sh backups $user shows when it is)"

  phase="$("$kubectl" get pvc "$claim" --namespace "$namespace" --ignore-not-found -o jsonpath='{.status.phase}')"
  if [ "$phase" = Bound ]; then
    say "backing up $user's data as it is now, so this restore can be undone"
    snapshot_now "$class" "stop for a restore from $snapshot"
    safety="$taken"
    say "safety snapshot: $safety (deploy-user.sh restore $user $safety undoes this restore)"
  else
    say "no safety snapshot: PVC $claim is ${phase:-missing}, so it holds no data to keep"
    stop_if_running "stop for a restore from $snapshot"
  fi

  # From here on the volume is being replaced: a failure leaves the instance stopped, never started on
  # a blank volume.
  restart=false
  left_to_do="the restore did not finish and $user is stopped; try again with: deploy-user.sh restore $user $snapshot${safety:+ (or go back to the data it had: deploy-user.sh restore $user $safety)}"
  say "deleting PVC $claim: the source of a volume cannot change, so it is made again"
  "$kubectl" delete pvc "$claim" --namespace "$namespace" --ignore-not-found --wait --timeout "${wait_s}s" >/dev/null
  say "helm upgrade $release --set-string persistence.restoreFrom=$snapshot --set replicas=0 (other values kept)"
  ensure_postrenderer
  reuse_upgrade "$release" --set replicas=0 --set-string "persistence.restoreFrom=$snapshot" --description "restore from $snapshot" >/dev/null
  if ! wait_until "PVC $claim made from $snapshot to be bound" claim_ready; then
    "$kubectl" get events --namespace "$namespace" --field-selector "involvedObject.kind=PersistentVolumeClaim,involvedObject.name=$claim,type=Warning" >&2 || true
    die "PVC $claim made from $snapshot has no volume after $wait_s s"
  fi
  say "PVC $claim is made from $snapshot"

  if [ "$was_running" = true ]; then
    left_to_do="$user's data is restored from $snapshot, but $user did not start again (helm's error above)"
    say "starting $user again"
    set_replicas 1 "start after restoring $snapshot"
  fi
  left_to_do=""
  say "restored $user from $snapshot${safety:+; to undo: deploy-user.sh restore $user $safety}"
  if [ -n "$safety" ]; then printf '%s\n' "$safety"; fi
}

case "$action" in
  install) apply install ;;
  upgrade) apply upgrade ;;
  status)
    "$helm" status "$release" --namespace "$namespace"
    "$kubectl" get deploy,pods,svc,pvc,networkpolicy --namespace "$namespace" -l "openclaw.ai/user=$user"
    ;;
  delete)
    "$helm" uninstall "$release" --namespace "$namespace" --wait
    say "kept data volume $user-openclaw-data (purge deletes it)"
    ;;
  purge)
    if "$helm" status "$release" --namespace "$namespace" >/dev/null 2>&1; then
      "$helm" uninstall "$release" --namespace "$namespace" --wait
    fi
    "$kubectl" delete pvc "$user-openclaw-data" --namespace "$namespace" --ignore-not-found --wait
    say "purged $user: release and data volume removed"
    ;;
  rollback) roll_back ${revision:+"$revision"} ;;
  upgrade-all) upgrade_all "$tag" "$max" ;;
  backup) put_right_on_failure; back_up ;;
  backups) list_backups ;;
  restore) put_right_on_failure; restore_from ;;
  *) usage ;;
esac
