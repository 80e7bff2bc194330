{{/*
Labels. Every object and pod carries openclaw.ai/user, which is how the manager finds a user's objects.
*/}}

{{/* openclaw.selectorLabels: the immutable subset used by the Deployment selector, Service and NetworkPolicy. */}}
{{- define "openclaw.selectorLabels" -}}
app.kubernetes.io/name: openclaw
app.kubernetes.io/instance: {{ .Release.Name }}
openclaw.ai/user: {{ include "openclaw.userId" . }}
{{- end -}}

{{/* openclaw.labels: selector labels plus the descriptive ones, for every object's metadata. */}}
{{- define "openclaw.labels" -}}
{{ include "openclaw.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: gateway
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* openclaw.testSelectorLabels: the `helm test` pod's; not the gateway's selector, so no Service or policy of the instance selects it. */}}
{{- define "openclaw.testSelectorLabels" -}}
app.kubernetes.io/name: openclaw-test
app.kubernetes.io/instance: {{ .Release.Name }}
openclaw.ai/user: {{ include "openclaw.userId" . }}
{{- end -}}

{{/* openclaw.testLabels: the test selector labels plus the descriptive ones. */}}
{{- define "openclaw.testLabels" -}}
{{ include "openclaw.testSelectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: test
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
