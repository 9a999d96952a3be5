# eRaft for the JVM: one image with every binary (README: "Docker").
#   docker build -t eraft:latest .
#   docker run --rm --network host eraft:latest shardctl query
# The bases are build arguments, so a mirror or a locally built base will do (DockerComposeIT
# builds both from Debian bookworm with debootstrap):
#   --build-arg BUILD_IMAGE=...    Java 17 JDK and Maven 3.8+, a POSIX shell
#   --build-arg RUNTIME_IMAGE=...  Java 17 (a JRE is enough), bash, groupadd and useradd
# Only the classic builder's syntax is used, so it builds without BuildKit too.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
# No class-data sharing archives: one is valid only with the java that made it, and the launchers
# run without them.
RUN mvn -B -q package -DskipTests -Deraft.cds.skip=true -pl cli -am

FROM ${RUNTIME_IMAGE}
# The launchers find their jars in ../target beside cli/bin; /usr/local/bin holds links to them.
COPY --from=build /src/cli/bin/ /opt/eraft/bin/
COPY --from=build /src/cli/target/*.jar /opt/eraft/target/
COPY deploy/docker/livez /opt/eraft/libexec/livez
RUN find /opt/eraft/bin -maxdepth 1 -type f -exec ln -s {} /usr/local/bin/ \; \
    && groupadd --gid 10001 eraft \
    && useradd --uid 10001 --gid eraft --home-dir /var/lib/eraft --no-create-home --shell /usr/sbin/nologin eraft \
    && mkdir -p /var/lib/eraft \
    && chown eraft:eraft /var/lib/eraft
USER eraft:eraft
WORKDIR /var/lib/eraft
# Data directories go here (-db /var/lib/eraft/<name>); a named volume starts with this ownership.
VOLUME /var/lib/eraft
# The check asks the server's operations port, its gRPC port + 100 unless --metrics-port says
# otherwise; the image cannot know which server runs, so a server's container sets
# ERAFT_METRICS_PORT (and ERAFT_METRICS_HOST if it does not listen on 127.0.0.1). Without it the
# check reports unhealthy and says why (deploy/docker/livez).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/opt/eraft/libexec/livez"]
CMD ["shardkv", "--help"]
