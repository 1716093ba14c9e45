# himaya-contributions: contribution calls, payment files, balances and suspensions.
# Built from the repository's root (deploy/README.md):
#   docker build -f deploy/docker/contributions.Dockerfile -t himaya/contributions .
# Ports: 50051 gRPC (mutual TLS), 9090 Prometheus /metrics
# The suite's certificate, key and authority are mounted at /etc/himaya/tls (tls.crt, tls.key,
# ca.crt: a cert-manager Secret's keys); the health check shows them to the service, as its own
# callers do (docs/decisions/0004-mutual-tls.md). Migrations are embedded in the binary.

FROM debian:12 AS build
WORKDIR /src
COPY tools/install-deps tools/install-deps
RUN tools/install-deps --build && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake --preset release && cmake --build --preset release --target himaya_contributions_service himaya_cli

FROM debian:12-slim
# Only what the binaries link to (readelf/ldd of himaya-contributions and himaya, checked by
# deploy/test/dockerfiles_test.py), and the time zones the days are counted in.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libabsl20220623 libcbor0.8 libcpp-httplib0.11 libcsv3 \
        libgrpc++1.51 libgrpc29 libpoppler-cpp0v5 libpq5 \
        libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libprotobuf32 librdkafka++1 \
        libsodium23 libsqlite3-0 libssl3 libzbar0 \
        tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 himaya \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/himaya --no-create-home himaya \
    && install -d -o 10001 -g 10001 -m 0700 /var/lib/himaya
COPY --from=build /src/build/release/bin/himaya-contributions /src/build/release/bin/himaya /usr/local/bin/
USER 10001:10001
WORKDIR /var/lib/himaya
EXPOSE 50051 9090
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["himaya", "health", "--address=127.0.0.1:50051", "--tls_cert=/etc/himaya/tls/tls.crt", \
         "--tls_key=/etc/himaya/tls/tls.key", "--tls_ca=/etc/himaya/tls/ca.crt"]
# The flags every deployment shares; give the others (--kafka_bootstrap, --database, --programs,
# ...) as the container's arguments.
ENTRYPOINT ["himaya-contributions", "--grpc_address=0.0.0.0:50051", "--metrics_address=0.0.0.0:9090", \
            "--data_dir=/var/lib/himaya", "--tls_cert=/etc/himaya/tls/tls.crt", \
            "--tls_key=/etc/himaya/tls/tls.key", "--tls_ca=/etc/himaya/tls/ca.crt"]
