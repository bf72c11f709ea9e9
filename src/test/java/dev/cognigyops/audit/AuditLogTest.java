package dev.cognigyops.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit file: one line an event, kept open between events, opened anew when it was rotated away. */
class AuditLogTest {

    @TempDir
    Path dir;

    @Test
    void everyEventIsOneLineInOrderAndARotatedFileIsOpenedAnew() throws Exception {
        Path file = dir.resolve("audit/audit.jsonl");
        List<String> published = new ArrayList<>();
        try (AuditLog audit = new AuditLog(file, Clock.systemUTC(), (runId, line) -> published.add(runId))) {
            audit.record("run-1", "nlu-export", "RUN_STARTED", "ACCEPTED", "run:nlu-export:run-1", Map.of());
            audit.record("run-1", "nlu-export", "RUN_FINISHED", "SUCCEEDED", "run:nlu-export:run-1", Map.of("durationMs", 5));
            assertThat(Files.readAllLines(file)).extracting(l -> Json.parse(l).path("action").asText())
                    .containsExactly("RUN_STARTED", "RUN_FINISHED");

            Path rotated = dir.resolve("audit/audit.jsonl.1");
            Files.move(file, rotated);
            audit.record("run-2", "nlu-export", "RUN_STARTED", "ACCEPTED", "run:nlu-export:run-2", Map.of());

            assertThat(Files.readAllLines(rotated)).hasSize(2);
            assertThat(Files.readAllLines(file)).singleElement()
                    .satisfies(l -> assertThat(Json.parse(l).path("runId").asText()).isEqualTo("run-2"));
        }
        assertThat(published).containsExactly("run-1", "run-1", "run-2");
    }

    @Test
    void manyThreadsWriteWholeLines() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog audit = new AuditLog(file, Clock.systemUTC(), (runId, line) -> { })) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int n = t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 200; i++) {
                        audit.record("run-" + n, "training-monitor", "STATUS_CHECK", "SUCCESS", "job", Map.of("i", i));
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1600);
        for (String line : lines) {
            assertThat(Json.parse(line).path("action").asText()).isEqualTo("STATUS_CHECK");
        }
    }
}
