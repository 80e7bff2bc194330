{{/*
The hardening every pod of the chart runs with (the instance and its `helm test` pod). The uid, gid
and fsGroup are the image's user (1000) unless podSecurity.arbitraryUid leaves them to the platform.
*/}}

{{/* openclaw.podSecurityContext: the pod's securityContext. */}}
{{- define "openclaw.podSecurityContext" -}}
runAsNonRoot: true
{{- if not .Values.podSecurity.arbitraryUid }}
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
{{- end }}
# Also for an fsGroup the platform assigns: a restart skips the recursive chown of /data.
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* openclaw.containerSecurityContext: each container's securityContext. */}}
{{- define "openclaw.containerSecurityContext" -}}
runAsNonRoot: true
{{- if not .Values.podSecurity.arbitraryUid }}
runAsUser: 1000
{{- end }}
allowPrivilegeEscalation: false
privileged: false
# Everything that writes goes to mounted volumes (/data, /tmp, /dev/shm).
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
