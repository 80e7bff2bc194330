#!/usr/bin/env bash
# Operator's helm wrapper for one user's instance, through the openclaw-postrender policy plugin.
#
#   deploy-user.sh install <userId> <values-file>   install (or fail if it exists), wait until ready
#   deploy-user.sh upgrade <userId> <values-file>   apply a changed values file, wait until ready
#   deploy-user.sh status  <userId>                 release status and the user's objects
#   deploy-user.sh delete  <userId>                 uninstall; the data volume <userId>-openclaw-data stays
#   deploy-user.sh purge   <userId>                 uninstall and delete the data volume
#
# Environment: NAMESPACE (openclaw), HELM_BIN, KUBECTL, TIMEOUT (10m), WAIT (true),
# INGRESS_ENABLED (false: the post-renderer refuses Ingress objects unless this is true),
# EXTRA_VALUES (more values files, space separated, applied after the user's, e.g. values/gke-autopilot.yaml).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 2 ] || usage
action="$1"; user="$2"; values="${3:-}"
[[ "$user" =~ ^[a-z](-?[a-z0-9])*$ && ${#user} -le 40 ]] ||
  die "invalid userId '$user': lower-case letter first, then lower-case letters, digits and single dashes, at most 40 characters"

namespace="${NAMESPACE:-openclaw}"
release="$user-openclaw"
helm="$("$ROOT/scripts/install-helm")"
kubectl="$("$ROOT/scripts/install-helm" --kubectl)"

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
  local args=("$@" "$release" "$ROOT/chart" --namespace "$namespace" -f "$values" --set-string "userId=$user"
    --post-renderer openclaw-postrender --post-renderer-args "--ingress-enabled=${INGRESS_ENABLED:-false}")
  for extra in ${EXTRA_VALUES:-}; do args+=(-f "$extra"); done
  if [ "${WAIT:-true}" = true ]; then args+=(--wait --timeout "${TIMEOUT:-10m}"); fi
  say "helm ${args[*]}"
  "$helm" "${args[@]}"
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
  *) usage ;;
esac
