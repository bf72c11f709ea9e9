# Build the self-contained jar on a JDK, run it on a JRE as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY application.properties .
COPY routes routes
COPY src src
RUN mvn -q -B package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app cognigy \
    && mkdir -p /app /data/inbox /data/results /data/audit /data/spool /data/store \
    && chown -R cognigy /app /data
WORKDIR /app
COPY --from=build /build/target/cognigy-ops.jar /app/cognigy-ops.jar
ENV COGNIGY_INBOX_DIR=/data/inbox \
    COGNIGY_RESULTS_DIR=/data/results \
    COGNIGY_AUDIT_FILE=/data/audit/audit.jsonl \
    COGNIGY_SPOOL_DIR=/data/spool \
    COGNIGY_DATA_DIR=/data/store \
    JDK_JAVA_OPTIONS="-Xms32m -Xmx128m -XX:+UseSerialGC -XX:MaxDirectMemorySize=32m -Xss512k -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError"
# /data/store holds the embedded run store (runs resumed after a crash); a cluster uses PostgreSQL instead
VOLUME ["/data/inbox", "/data/results", "/data/audit", "/data/spool", "/data/store"]
# the runs API, the page, the probes (/observe/health/live, /observe/health/ready) and the metrics (/observe/metrics)
EXPOSE 8080
USER cognigy
ENTRYPOINT ["java", "-jar", "/app/cognigy-ops.jar"]
