package dev.cognigyops.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import dev.cognigyops.JarTestServers;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppProcess;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/**
 * Benchmark (a program, not a test): how fast the watched folder feeds the workers. {@code --files}
 * nlu-export requests (default 300) are dropped at once into the inbox of the running jar (service
 * mode, {@code cognigy.runs.concurrency} = 8 workers); each run holds its worker about
 * {@code --run-ms} (the export POST answers after that delay). Printed: the wall time from the drop to
 * the last result, the mean run time, what 8 busy workers would need (files × mean run ÷ 8), and the
 * ratio of the two (the target: under 3).
 *
 * <pre>
 *   --files N (300)   --run-ms MS (2000)   --read-lock-ms MS (1000, the shipped setting)   --flags "FLAGS"
 * </pre>
 */
public final class IntakeBenchmark {

    public static void main(String[] args) throws Exception {
        int files = 300;
        int runMs = 2000;
        int readLockMs = 1000;
        String flags = AppProcess.DOCKERFILE_FLAGS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--files" -> files = Integer.parseInt(args[++i]);
                case "--run-ms" -> runMs = Integer.parseInt(args[++i]);
                case "--read-lock-ms" -> readLockMs = Integer.parseInt(args[++i]);
                case "--flags" -> flags = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path home = Files.createTempDirectory("intake-bench");
        try (JarTestServers servers = new JarTestServers("intake-bench")) {
            WireMockServer cognigy = servers.cognigy;
            cognigy.stubFor(post(ExportStubs.EXPORTS_PATH).willReturn(aResponse().withStatus(202).withFixedDelay(runMs)
                    .withHeader("Content-Type", "application/json").withBody("{\"jobId\":\"job-1\",\"exportId\":\"exp-1\"}")));
            try (AppProcess app = AppProcess.in(home).flags(flags).env(servers.env())
                    .env("COGNIGY_INBOX_READ_LOCK_CHECK_MS", Integer.toString(readLockMs))
                    .env("COGNIGY_INBOX_POLL_MS", "1000").start()) {
                Path inbox = home.resolve("inbox");
                Path staging = home.resolve("staging");
                Files.createDirectories(inbox);
                Files.createDirectories(staging);
                for (int i = 0; i < files; i++) {
                    Files.writeString(staging.resolve("r" + i + ".json"), ExportStubs.request("intake-" + i, ""));
                }
                Thread.sleep(8000); // let the service start before the drop
                long dropped = System.nanoTime();
                for (int i = 0; i < files; i++) {
                    Files.move(staging.resolve("r" + i + ".json"), inbox.resolve("r" + i + ".json"), StandardCopyOption.ATOMIC_MOVE);
                }
                Path results = home.resolve("results");
                long deadline = dropped + Duration.ofMinutes(15).toNanos();
                while (count(results) < files && System.nanoTime() < deadline && app.isAlive()) {
                    Thread.sleep(200);
                }
                double wall = (System.nanoTime() - dropped) / 1e9;
                List<Long> durations = new ArrayList<>();
                int succeeded = 0;
                try (var list = Files.list(results)) {
                    for (Path p : list.filter(f -> f.toString().endsWith(".json")).toList()) {
                        JsonNode r = Json.MAPPER.readTree(p.toFile());
                        durations.add(r.path("durationMs").asLong());
                        succeeded += "SUCCEEDED".equals(r.path("status").asText()) ? 1 : 0;
                    }
                }
                double meanRun = durations.stream().mapToLong(Long::longValue).average().orElse(0) / 1000.0;
                double ideal = files * meanRun / 8;
                System.out.printf(Locale.ROOT, "files %d (%d SUCCEEDED), read lock %d ms, run %d ms at Cognigy%n",
                        durations.size(), succeeded, readLockMs, runMs);
                System.out.printf(Locale.ROOT, "wall from drop to last result: %.1f s%n", wall);
                System.out.printf(Locale.ROOT, "mean run: %.2f s; 8 busy workers need %.1f s; ratio %.2f (target < 3)%n",
                        meanRun, ideal, wall / ideal);
            }
        }
    }

    private static long count(Path results) throws java.io.IOException {
        if (!Files.isDirectory(results)) {
            return 0;
        }
        try (var list = Files.list(results)) {
            return list.filter(f -> f.toString().endsWith(".json")).count();
        }
    }
}
