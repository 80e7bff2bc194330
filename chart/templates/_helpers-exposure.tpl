{{/*
Public exposure. The gateway is cluster-internal unless one way in from the internet is switched on:
ingress.enabled (GCE Ingress) or gatewayApi.enabled (an HTTPRoute on the operator's Gateway).
*/}}

{{/* openclaw.exposure: "ingress", "gatewayApi", or "" when the gateway stays internal; fails when both are on. */}}
{{- define "openclaw.exposure" -}}
{{- if and .Values.ingress.enabled .Values.gatewayApi.enabled -}}
{{- fail "ingress.enabled and gatewayApi.enabled are both true: expose the gateway one way only (set one of them to false)" -}}
{{- else if .Values.ingress.enabled -}}
ingress
{{- else if .Values.gatewayApi.enabled -}}
gatewayApi
{{- end -}}
{{- end -}}

{{/*
openclaw.healthCheckTiming: how often Google's load balancer probes the gateway and how many answers
change its mind (BackendConfig and HealthCheckPolicy name these fields alike). Traffic leaves a hung
gateway after 2 x 15 s, before the liveness probe restarts it (3 x 20 s); one good answer brings it back.
*/}}
{{- define "openclaw.healthCheckTiming" -}}
checkIntervalSec: 15
timeoutSec: 5
healthyThreshold: 1
unhealthyThreshold: 2
{{- end -}}
