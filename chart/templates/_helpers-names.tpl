{{/*
Names of one user's objects. Every name derives from .Values.userId, never from the release name, so
the manager, deploy-user.sh and a hand-run `helm install` all agree on them.
*/}}

{{/* openclaw.userId: the validated userId; fails when missing (the schema checks its shape). */}}
{{- define "openclaw.userId" -}}
{{- required "userId is required: set userId in the user's values file (e.g. userId: alice)" .Values.userId -}}
{{- end -}}

{{/* openclaw.fullname: "<userId>-openclaw", the name of the Deployment, Service, Secret, ConfigMap, NetworkPolicy. */}}
{{- define "openclaw.fullname" -}}
{{- printf "%s-openclaw" (include "openclaw.userId" .) -}}
{{- end -}}

{{/* openclaw.dataClaimName: "<userId>-openclaw-data", the data volume that outlives the release. */}}
{{- define "openclaw.dataClaimName" -}}
{{- printf "%s-openclaw-data" (include "openclaw.userId" .) -}}
{{- end -}}

{{/* openclaw.host: the public host of the gateway when it is exposed (see _helpers-exposure.tpl). */}}
{{- define "openclaw.host" -}}
{{- printf "%s.%s" (include "openclaw.userId" .) (required "ingress.domainBase is required when ingress.enabled or gatewayApi.enabled is true" .Values.ingress.domainBase) -}}
{{- end -}}

{{/* openclaw.managerNamespace: where the manager runs; defaults to the release namespace. */}}
{{- define "openclaw.managerNamespace" -}}
{{- default .Release.Namespace .Values.networkPolicy.manager.namespace -}}
{{- end -}}

{{/*
openclaw.image: the instance image, "<repository>:<tag>", the tag defaulting to the chart's
appVersion (the OpenClaw release the chart was tested with), and "@<digest>" when image.digest pins it.
*/}}
{{- define "openclaw.image" -}}
{{- $ref := printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- if .Values.image.digest -}}{{- $ref = printf "%s@%s" $ref .Values.image.digest -}}{{- end -}}
{{- $ref -}}
{{- end -}}
