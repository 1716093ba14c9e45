{{/* himaya's chart: names, labels and the flags of each service's binary. */}}

{{- define "himaya.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's prefix of every resource (the release name, with the chart's if it lacks it). */}}
{{- define "himaya.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "himaya.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The conventional labels of every resource. */}}
{{- define "himaya.labels" -}}
helm.sh/chart: {{ include "himaya.chart" . }}
app.kubernetes.io/name: {{ include "himaya.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: himaya
{{- end -}}

{{/* Selects the pods of the release. */}}
{{- define "himaya.selectorLabels" -}}
app.kubernetes.io/name: {{ include "himaya.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selects one service's pods, every program group: (dict "root" $ "service" NAME). */}}
{{- define "himaya.serviceSelector" -}}
{{ include "himaya.selectorLabels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{/* Selects one program group's pods: (dict "root" $ "service" NAME "group" GROUP). */}}
{{- define "himaya.groupSelector" -}}
{{ include "himaya.serviceSelector" . }}
himaya.io/program-group: {{ .group }}
{{- end -}}

{{/* The Secret holding a service's certificate, key and the suite's CA (tls.crt, tls.key, ca.crt). */}}
{{- define "himaya.tlsSecret" -}}
{{- printf "%s-%s-tls" (include "himaya.fullname" .root) .service -}}
{{- end -}}

{{/* The gRPC address of a service, every program group behind it: (dict "root" $ "service" NAME). */}}
{{- define "himaya.grpcAddress" -}}
{{- printf "%s-%s:50051" (include "himaya.fullname" .root) .service -}}
{{- end -}}

{{/* The Strimzi cluster's name. */}}
{{- define "himaya.kafkaName" -}}
{{- printf "%s-kafka" (include "himaya.fullname" .) -}}
{{- end -}}

{{- define "himaya.kafkaBootstrap" -}}
{{- if .Values.kafka.bootstrap -}}
{{- .Values.kafka.bootstrap -}}
{{- else -}}
{{- printf "%s-kafka-bootstrap:9092" (include "himaya.kafkaName" .) -}}
{{- end -}}
{{- end -}}

{{/* A service's CloudNativePG cluster: (dict "root" $ "service" NAME). */}}
{{- define "himaya.postgresName" -}}
{{- printf "%s-%s-db" (include "himaya.fullname" .root) .service -}}
{{- end -}}

{{/* --database: the CloudNativePG cluster's read-write service, or the external URL; the
password never in a flag (libpq reads PGPASSWORD). (dict "root" $ "service" NAME) */}}
{{- define "himaya.databaseUrl" -}}
{{- if .root.Values.postgres.create -}}
{{- printf "postgresql://%s@%s-rw:5432/%s?sslmode=require" .service (include "himaya.postgresName" .) .service -}}
{{- else -}}
{{- required (printf "postgres.external.%s.url is required when postgres.create is false" .service) (dig .service "url" "" .root.Values.postgres.external) -}}
{{- end -}}
{{- end -}}

{{/* The Secret and key holding the database password. */}}
{{- define "himaya.databasePasswordSecret" -}}
{{- if .root.Values.postgres.create -}}
{{- printf "%s-app" (include "himaya.postgresName" .) -}}
{{- else -}}
{{- required (printf "postgres.external.%s.passwordSecret is required when postgres.create is false" .service) (dig .service "passwordSecret" "" .root.Values.postgres.external) -}}
{{- end -}}
{{- end -}}

{{/* Whether a service consumes events (its program groups scale on consumer lag). */}}
{{- define "himaya.consumes" -}}
{{- if or (eq . "beneficiary") (eq . "notification") (eq . "contributions") -}}true{{- end -}}
{{- end -}}

{{/* The consumer groups and topic domains of a service: "group:domain" words, or
"group:domain:program" for a group that reads that program's topic alone. */}}
{{- define "himaya.consumerGroups" -}}
{{- if eq . "beneficiary" -}}beneficiary:registration beneficiary-contributions:contributions{{- end -}}
{{- if eq . "contributions" -}}contributions:registration{{- end -}}
{{- if eq . "notification" -}}notification:registration notification-claims:claims notification-contributions:contributions notification-allowances:beneficiary:family-allowances{{- end -}}
{{- end -}}

{{/* The flags a service's binary takes from the chart beyond `args`, one per line, each a flag
of that binary (helm/test checks them against its --helpfull): (dict "root" $ "service" NAME). */}}
{{- define "himaya.serviceFlags" -}}
{{- $root := .root -}}
{{- if eq .service "registration" }}
{{- else if eq .service "beneficiary" }}
- --registration_address={{ include "himaya.grpcAddress" (dict "root" $root "service" "registration") }}
- --time_zone={{ $root.Values.common.timeZone }}
- --attestation_key_file=/etc/himaya/attestation/{{ $root.Values.secrets.attestationKid }}.key
- --attestation_keys_dir=/etc/himaya/attestation
{{- else if eq .service "contributions" }}
- --time_zone={{ $root.Values.common.timeZone }}
{{- else if eq .service "claims" }}
- --beneficiary_address={{ include "himaya.grpcAddress" (dict "root" $root "service" "beneficiary") }}
- --time_zone={{ $root.Values.common.timeZone }}
{{- else if eq .service "notification" }}
- --registration_address={{ include "himaya.grpcAddress" (dict "root" $root "service" "registration") }}
- --time_zone={{ $root.Values.common.timeZone }}
- --kannel_password_file=/etc/himaya/kannel/value
- --dlr_token_file=/etc/himaya/dlr/value
- --dlr_address=0.0.0.0:8081
- --dlr_public_url=http://{{ include "himaya.fullname" $root }}-notification:8081/dlr
- --instance_id=$(POD_NAME)
{{- else if eq .service "gateway" }}
- --http_address=0.0.0.0:8080
- --registration_address={{ include "himaya.grpcAddress" (dict "root" $root "service" "registration") }}
- --beneficiary_address={{ include "himaya.grpcAddress" (dict "root" $root "service" "beneficiary") }}
- --claims_address={{ include "himaya.grpcAddress" (dict "root" $root "service" "claims") }}
- --fhir_time_zone={{ $root.Values.common.timeZone }}
{{- end }}
{{- end -}}

{{/* The probe every service answers: gRPC health over mutual TLS with the pod's certificate
(Kubernetes' own grpc probe shows no client certificate: docs/decisions/0004-mutual-tls.md). */}}
{{- define "himaya.healthProbe" -}}
exec:
  command:
    - himaya
    - health
    - --address=127.0.0.1:50051
    - --tls_cert=/etc/himaya/tls/tls.crt
    - --tls_key=/etc/himaya/tls/tls.key
    - --tls_ca=/etc/himaya/tls/ca.crt
    - --timeout=4s
{{- end -}}
