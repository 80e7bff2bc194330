{{/*
The gateway's openclaw.json. The gateway binds loopback (the in-pod forwarder exposes it), so that
token clients keep their scopes (GHSA-rqpp-rjj8-7wv8); the token comes from the environment.
*/}}

{{/* openclaw.gatewayConfig: the generated config with .Values.config deep-merged over it, as a dict. */}}
{{- define "openclaw.gatewayConfig" -}}
{{- $gateway := dict "mode" "local" "bind" "loopback" "port" .Values.gateway.internalPort "auth" (dict "mode" "token") -}}
{{- $base := dict "gateway" $gateway -}}
{{- if .Values.browser.enabled -}}
{{- $profile := dict "cdpUrl" "http://127.0.0.1:9222" -}}
{{- $_ := set $base "browser" (dict "enabled" true "noSandbox" true "defaultProfile" "pod" "profiles" (dict "pod" $profile)) -}}
{{- end -}}
{{- $merged := mustMergeOverwrite $base (deepCopy .Values.config) -}}
{{- toPrettyJson $merged -}}
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
