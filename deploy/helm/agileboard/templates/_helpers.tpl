{{/*
Names. Kubernetes names are at most 63 characters (DNS labels), so every name is truncated there.
*/}}
{{- define "agileboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "agileboard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "<fullname>-<component>", truncated so a suffix like "-headless" still fits in 63. */}}
{{- define "agileboard.componentName" -}}
{{- printf "%s-%s" (include "agileboard.fullname" .root | trunc 40 | trimSuffix "-") .component }}
{{- end }}

{{- define "agileboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries; `component` names the service. */}}
{{- define "agileboard.labels" -}}
helm.sh/chart: {{ include "agileboard.chart" .root }}
{{ include "agileboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: agileboard
{{- end }}

{{/* What selectors match on: name, instance, component — never the version. */}}
{{- define "agileboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "agileboard.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The image of a service: registry/repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "agileboard.image" -}}
{{- $registry := .root.Values.image.registry -}}
{{- $repository := .values.image.repository -}}
{{- $tag := .values.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if $registry }}{{ printf "%s/%s:%s" $registry $repository $tag }}{{ else }}{{ printf "%s:%s" $repository $tag }}{{ end }}
{{- end }}

{{/* The gRPC port of each domain service. */}}
{{- define "agileboard.grpcPort" -}}
{{- get (dict "tenancy" 50051 "workitems" 50052 "sprints" 50053 "webhooks" 50054) . }}
{{- end }}

{{/* A domain service's replicas as callers address them: its headless Service, which resolves to every pod. */}}
{{- define "agileboard.replicaAddrs" -}}
{{- printf "%s-headless.%s.svc.cluster.local:%s" (include "agileboard.componentName" (dict "root" .root "component" .service)) .root.Release.Namespace (include "agileboard.grpcPort" .service) }}
{{- end }}

{{/* Where the event bus is: the chart's NATS Service, or the external URL. */}}
{{- define "agileboard.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s.%s.svc.cluster.local:4222" (include "agileboard.componentName" (dict "root" . "component" "nats")) .Release.Namespace }}
{{- else -}}
{{- required "nats.url is required when nats.enabled is false" .Values.nats.url }}
{{- end }}
{{- end }}

{{/* Stream and lease-bucket replicas: 3 on a clustered chart NATS, else as configured. */}}
{{- define "agileboard.natsReplicas" -}}
{{- if and .Values.nats.enabled (gt (int .Values.nats.replicas) 1) }}3{{ else }}{{ .Values.nats.streamReplicas }}{{ end }}
{{- end }}

{{/* Security settings every pod and container gets: not root, read-only root filesystem, no privileges. */}}
{{- define "agileboard.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "agileboard.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
{{- end }}

{{/* Environment shared by every agileboard container. */}}
{{- define "agileboard.commonEnv" -}}
- name: NATS_URL
  value: {{ include "agileboard.natsUrl" .root | quote }}
- name: NATS_REPLICAS
  value: {{ include "agileboard.natsReplicas" .root | quote }}
- name: LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
- name: EVENTS_RETENTION_MS
  value: {{ .root.Values.events.retentionMs | int64 | quote }}
- name: SHUTDOWN_GRACE_MS
  value: {{ .root.Values.shutdownGraceMs | int64 | quote }}
- name: TENANCY_ADDRS
  value: {{ include "agileboard.replicaAddrs" (dict "root" .root "service" "tenancy") | quote }}
- name: WORKITEMS_ADDRS
  value: {{ include "agileboard.replicaAddrs" (dict "root" .root "service" "workitems") | quote }}
- name: SPRINTS_ADDRS
  value: {{ include "agileboard.replicaAddrs" (dict "root" .root "service" "sprints") | quote }}
- name: WEBHOOKS_ADDRS
  value: {{ include "agileboard.replicaAddrs" (dict "root" .root "service" "webhooks") | quote }}
{{- if .root.Values.grpcTls.enabled }}
- name: GRPC_TLS_CERT
  value: /etc/agileboard/grpc-tls/tls.crt
- name: GRPC_TLS_KEY
  value: /etc/agileboard/grpc-tls/tls.key
- name: GRPC_TLS_CA
  value: /etc/agileboard/grpc-tls/ca.crt
- name: GRPC_TLS_SERVER_NAME
  value: {{ .root.Values.grpcTls.serverName | quote }}
{{- end }}
{{- end }}

{{/* The Secret holding the internal identity key pair. */}}
{{- define "agileboard.internalIdentitySecret" -}}
{{- .Values.internalAuth.existingSecret | default (include "agileboard.componentName" (dict "root" . "component" "internal-identity")) -}}
{{- end }}

{{/* Volumes of the internal identity key (the private half only for gateways) and of internal TLS. */}}
{{- define "agileboard.internalVolumes" -}}
- name: internal-identity
  secret:
    secretName: {{ include "agileboard.internalIdentitySecret" .root }}
    items:
      {{- if eq .component "gateway" }}
      - key: tls.key
        path: tls.key
      {{- else }}
      - key: tls.crt
        path: tls.crt
      {{- end }}
{{- if .root.Values.grpcTls.enabled }}
- name: grpc-tls
  secret:
    secretName: {{ required "grpcTls.secretName is required when grpcTls.enabled" .root.Values.grpcTls.secretName }}
{{- end }}
{{- end }}

{{/* Mounts of agileboard.internalVolumes. */}}
{{- define "agileboard.internalMounts" -}}
- name: internal-identity
  mountPath: /etc/agileboard/internal-identity
  readOnly: true
{{- if .root.Values.grpcTls.enabled }}
- name: grpc-tls
  mountPath: /etc/agileboard/grpc-tls
  readOnly: true
{{- end }}
{{- end }}

{{/* Environment of a domain service's container (the server and the migration Job). */}}
{{- define "agileboard.serviceEnv" -}}
{{ include "agileboard.commonEnv" . }}
- name: HOST
  value: "0.0.0.0"
- name: PORT
  value: {{ include "agileboard.grpcPort" .component | quote }}
- name: METRICS_PORT
  value: {{ .root.Values.metrics.port | int | quote }}
- name: DATA_DIR
  value: /data
- name: MIGRATIONS_DIR
  value: /app/migrations
- name: TENANT_DB_EXCLUSIVE
  value: {{ ternary "1" "0" .root.Values.persistence.exclusiveLocking | quote }}
- name: LEASE_TTL_MS
  value: {{ .root.Values.leases.ttlMs | int64 | quote }}
- name: INTERNAL_AUTH_PUBLIC_KEY
  value: /etc/agileboard/internal-identity/tls.crt
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
# The owner address other replicas and the gateways are told about: the pod IP, as the headless Service lists it.
- name: ADVERTISE_ADDRESS
  value: {{ printf "$(POD_IP):%s" (include "agileboard.grpcPort" .component) | quote }}
{{- end }}

{{/* Extra env from values (a map, so `--set workitems.env.X=y` works). */}}
{{- define "agileboard.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* A NetworkPolicy peer: the release's pods of one component. */}}
{{- define "agileboard.peer" -}}
- podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .root.Release.Name }}
      app.kubernetes.io/component: {{ .component }}
{{- end }}
