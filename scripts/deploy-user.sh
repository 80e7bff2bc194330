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
#
# Environment: NAMESPACE (openclaw), HELM_BIN, KUBECTL, TIMEOUT (10m), WAIT (true),
# INGRESS_ENABLED / GATEWAY_API_ENABLED (false: the post-renderer refuses Ingress / HTTPRoute objects),
# EXTRA_VALUES (more values files, space separated, applied after the user's, e.g. values/gke-autopilot.yaml).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
# chart_rule <path> <keyword>: a rule from the chart's values schema, the home of the user id and image
# tag rules (both patterns are also valid bash regular expressions), e.g. chart_rule properties.userId pattern.
chart_rule() {
  node -e 'let s = require(process.argv[1]); for (const p of process.argv[2].split(".")) s = s[p];
    process.stdout.write(String(s[process.argv[3]]))' "$ROOT/chart/values.schema.json" "$1" "$2"
}

[ $# -ge 2 ] || usage
action="$1"
namespace="${NAMESPACE:-openclaw}"
user_pattern="$(chart_rule properties.userId pattern)"
if [ "$action" != upgrade-all ]; then
  user="$2"; values="${3:-}"
  [[ "$user" =~ $user_pattern && ${#user} -le $(chart_rule properties.userId maxLength) ]] || die "invalid userId '$user': $(chart_rule properties.userId description)"
  release="$user-openclaw"
  if [ "$action" = rollback ]; then
    revision="${3:-}"
    [ -z "$revision" ] || [[ "$revision" =~ ^[1-9][0-9]*$ ]] || die "revision must be a positive integer (helm history $release lists them), got '$revision'"
  fi
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
  if [ "${WAIT:-true}" = true ]; then args+=(--wait --timeout "${TIMEOUT:-10m}"); fi
  say "helm ${args[*]}"
  "$helm" "${args[@]}"
}

# One release to a new tag, keeping every value it has (secrets, token, replicas) from its last revision.
upgrade_tag() { # upgrade_tag <release> <imageTag> <log file>
  local args=(upgrade "$1" "$ROOT/chart" --namespace "$namespace" --reset-then-reuse-values --set-string "image.tag=$2" "${renderer[@]}")
  if [ "${WAIT:-true}" = true ]; then args+=(--wait --timeout "${TIMEOUT:-10m}"); fi
  "$helm" "${args[@]}" >"$3" 2>&1
}

roll_back() { # roll_back [revision], checked above; helm's own default is the previous revision
  local args=(rollback "$release" "$@" --namespace "$namespace")
  if [ "${WAIT:-true}" = true ]; then args+=(--wait --timeout "${TIMEOUT:-10m}"); fi
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
  *) usage ;;
esac
