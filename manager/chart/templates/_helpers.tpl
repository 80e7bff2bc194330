{{/*
Names and labels of the manager's objects. The names are fixed, one manager per namespace: the
instances' NetworkPolicies admit pods labelled app.kubernetes.io/name=openclaw-manager, and
operators' scripts and docs name the ServiceAccount, Service and Secret openclaw-manager.
*/}}

{{/* openclaw-manager.name: every object's name. */}}
{{- define "openclaw-manager.name" -}}
openclaw-manager
{{- end -}}

{{/* openclaw-manager.selectorLabels: the Deployment's selector; the instances' policies admit these pods. */}}
{{- define "openclaw-manager.selectorLabels" -}}
app.kubernetes.io/name: openclaw-manager
{{- end -}}

{{/* openclaw-manager.labels: selector labels plus the descriptive ones. */}}
{{- define "openclaw-manager.labels" -}}
{{ include "openclaw-manager.selectorLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* openclaw-manager.image: repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "openclaw-manager.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* openclaw-manager.valuesDir: where the instances' shared values files are mounted. */}}
{{- define "openclaw-manager.valuesDir" -}}
/etc/openclaw/values
{{- end -}}

{{/* openclaw-manager.valuesFiles: OPENCLAW_VALUES_FILES, the mounted files in name order. */}}
{{- define "openclaw-manager.valuesFiles" -}}
{{- $dir := include "openclaw-manager.valuesDir" . -}}
{{- $files := list -}}
{{- range $file, $_ := .Values.instances.values -}}
{{- $files = append $files (printf "%s/%s" $dir $file) -}}
{{- end -}}
{{- join "," $files -}}
{{- end -}}
