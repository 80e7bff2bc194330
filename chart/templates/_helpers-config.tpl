{{/*
openclaw.gatewayConfig: the operator's part of the gateway's openclaw.json (.Values.config). The
instance's entrypoint merges the keys the platform depends on over it (gateway bind, port and auth
mode, the in-pod browser): scripts/lib/gateway-config.mjs is their one home.
*/}}
{{- define "openclaw.gatewayConfig" -}}
{{- toPrettyJson .Values.config -}}
{{- end -}}

{{/* openclaw.gatewayToken: the given token, else the one already in the cluster, else a new random one. */}}
{{- define "openclaw.gatewayToken" -}}
{{- if .Values.gatewayToken -}}
{{- .Values.gatewayToken -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "openclaw.fullname" .) -}}
{{- if and $existing $existing.data (hasKey $existing.data "OPENCLAW_GATEWAY_TOKEN") -}}
{{- index $existing.data "OPENCLAW_GATEWAY_TOKEN" | b64dec -}}
{{- else -}}
{{- randAlphaNum 48 -}}
{{- end -}}
{{- end -}}
{{- end -}}
