{{/*
One agileboard service: its Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler, from the
values block of the same name. The four services render through this one template so they cannot drift.
Usage: {{ include "agileboard.workload" (dict "root" . "component" "workitems") }}
*/}}
{{- define "agileboard.workload" -}}
{{- $root := .root -}}
{{- $component := .component -}}
{{- $values := index $root.Values $component -}}
{{- $name := include "agileboard.componentName" (dict "root" $root "component" $component) -}}
{{- $ctx := dict "root" $root "component" $component -}}
{{- $isGateway := eq $component "gateway" -}}
{{- if $values.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "agileboard.labels" $ctx | nindent 4 }}
spec:
  {{- if not $values.autoscaling.enabled }}
  replicas: {{ $values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "agileboard.selectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "agileboard.labels" $ctx | nindent 8 }}
      {{- if or $isGateway $values.podAnnotations }}
      annotations:
        {{- if $isGateway }}
        # Restart gateways when the token keys change.
        checksum/jwks: {{ include (print $root.Template.BasePath "/jwks-secret.yaml") $root | sha256sum }}
        {{- end }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
    spec:
      automountServiceAccountToken: false
      # Longer than the process's own drain (SHUTDOWN_GRACE_MS), so SIGKILL never cuts a drain short.
      terminationGracePeriodSeconds: {{ add (div (int64 $root.Values.shutdownGraceMs) 1000) 10 }}
      securityContext:
        {{- include "agileboard.podSecurityContext" $root | nindent 8 }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $component }}
          image: {{ include "agileboard.image" (dict "root" $root "values" $values) | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          securityContext:
            {{- include "agileboard.containerSecurityContext" $root | nindent 12 }}
          env:
            {{- if $isGateway }}
            {{- include "agileboard.commonEnv" $ctx | nindent 12 }}
            - name: HOST
              value: "0.0.0.0"
            - name: PORT
              value: "8080"
            - name: DATA_DIR
              value: /tmp/agileboard
            - name: AUTH_DEV
              value: "0"
            - name: INTERNAL_AUTH_PRIVATE_KEY
              value: /etc/agileboard/internal-identity/tls.key
            - name: INTERNAL_TOKEN_TTL_MS
              value: {{ $root.Values.internalAuth.tokenTtlMs | int64 | quote }}
            - name: AUTH_JWKS
              value: {{ ternary $root.Values.auth.jwks.url "/etc/agileboard/jwks/jwks.json" (not (empty $root.Values.auth.jwks.url)) | quote }}
            {{- with $root.Values.auth.issuer }}
            - name: AUTH_ISSUER
              value: {{ . | quote }}
            {{- end }}
            {{- with $root.Values.auth.audience }}
            - name: AUTH_AUDIENCE
              value: {{ . | quote }}
            {{- end }}
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: GATEWAY_ID
              value: "$(POD_NAME)"
            {{- else }}
            {{- include "agileboard.serviceEnv" $ctx | nindent 12 }}
            {{- end }}
            {{- include "agileboard.extraEnv" $values.env | nindent 12 }}
          ports:
            {{- if $isGateway }}
            - name: http
              containerPort: 8080
              protocol: TCP
            {{- else }}
            - name: grpc
              containerPort: {{ include "agileboard.grpcPort" $component }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $root.Values.metrics.port }}
              protocol: TCP
            {{- end }}
          {{- if $isGateway }}
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 10
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: 5
            failureThreshold: 2
          {{- else if $root.Values.grpcTls.enabled }}
          # The kubelet's gRPC probe speaks plaintext only: with mutual TLS, probe the metrics port's /healthz.
          startupProbe:
            httpGet:
              path: /healthz
              port: metrics
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet:
              path: /healthz
              port: metrics
            periodSeconds: 10
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /healthz
              port: metrics
            periodSeconds: 5
            failureThreshold: 2
          {{- else }}
          startupProbe:
            grpc:
              port: {{ include "agileboard.grpcPort" $component }}
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            grpc:
              port: {{ include "agileboard.grpcPort" $component }}
            periodSeconds: 10
            failureThreshold: 3
          readinessProbe:
            grpc:
              port: {{ include "agileboard.grpcPort" $component }}
            periodSeconds: 5
            failureThreshold: 2
          {{- end }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- include "agileboard.internalMounts" $ctx | nindent 12 }}
            {{- if $isGateway }}
            {{- if empty $root.Values.auth.jwks.url }}
            - name: jwks
              mountPath: /etc/agileboard/jwks
              readOnly: true
            {{- end }}
            {{- else }}
            - name: data
              mountPath: /data
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- include "agileboard.internalVolumes" $ctx | nindent 8 }}
        {{- if $isGateway }}
        {{- if empty $root.Values.auth.jwks.url }}
        - name: jwks
          secret:
            secretName: {{ $root.Values.auth.jwks.existingSecret | default (include "agileboard.componentName" (dict "root" $root "component" "jwks")) }}
            items:
              - key: {{ $root.Values.auth.jwks.secretKey }}
                path: jwks.json
        {{- end }}
        {{- else }}
        - name: data
          persistentVolumeClaim:
            claimName: {{ $root.Values.persistence.existingClaim | default (include "agileboard.componentName" (dict "root" $root "component" "data")) }}
        {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "agileboard.selectorLabels" $ctx | nindent 20 }}
---
apiVersion: v1
kind: Service
metadata:
  {{- if $isGateway }}
  name: {{ $name }}
  {{- else }}
  # Headless: DNS answers with every pod, so callers spread tenants over replicas (rendezvous hashing).
  name: {{ $name }}-headless
  {{- end }}
  labels:
    {{- include "agileboard.labels" $ctx | nindent 4 }}
spec:
  {{- if $isGateway }}
  type: {{ $values.service.type }}
  ports:
    - name: http
      port: {{ $values.service.port }}
      targetPort: http
      protocol: TCP
  {{- else }}
  clusterIP: None
  # Replicas appear in DNS only when ready; a draining pod drops out before it stops.
  publishNotReadyAddresses: false
  ports:
    - name: grpc
      port: {{ include "agileboard.grpcPort" $component }}
      targetPort: grpc
      protocol: TCP
    - name: metrics
      port: {{ $root.Values.metrics.port }}
      targetPort: metrics
      protocol: TCP
  {{- end }}
  selector:
    {{- include "agileboard.selectorLabels" $ctx | nindent 4 }}
{{- if $values.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  labels:
    {{- include "agileboard.labels" $ctx | nindent 4 }}
spec:
  {{- if hasKey $values.podDisruptionBudget "minAvailable" }}
  minAvailable: {{ $values.podDisruptionBudget.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $values.podDisruptionBudget.maxUnavailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "agileboard.selectorLabels" $ctx | nindent 6 }}
{{- end }}
{{- if $values.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $name }}
  labels:
    {{- include "agileboard.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $values.autoscaling.minReplicas }}
  maxReplicas: {{ $values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}
{{- end }}
