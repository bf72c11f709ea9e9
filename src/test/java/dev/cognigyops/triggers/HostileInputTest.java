package dev.cognigyops.triggers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and odd requests dropped into the watched folder, as a sender may send them. Every one is
 * REJECTED and leaves its whole trace: the file kept in {@code .failed/}, its error file naming what
 * is wrong, a result, and the RUN_STARTED / RUN_FINISHED audit events; nothing reaches Cognigy. The
 * next finding is one more row of {@link #ROWS}.
 */
class HostileInputTest extends AppTestSupport {

    static final int MAX_BYTES = 4096;

    /** One hostile request: its file name, its bytes, and what its error message must say. */
    record Row(String name, byte[] bytes, String says) {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] randomBinary(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        b[0] = (byte) 0xC3; // a lead byte followed by no continuation: never valid UTF-8 from the start
        b[1] = (byte) 0x28;
        return b;
    }

    static byte[] withPrefix(byte[] prefix, byte[] rest) {
        byte[] out = new byte[prefix.length + rest.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(rest, 0, out, prefix.length, rest.length);
        return out;
    }

    static final String VALID = ExportStubs.request(null, "");
    static final String LATIN_1 = "{\"operation\":\"nlu-export\",\"payload\":{\"modelId\":\"caf\u00e9\",\"modelVersion\":\"1\"}}";
    static final String TOO_LARGE = "{\"operation\":\"nlu-export\",\"payload\":{\"pad\":\"" + "x".repeat(MAX_BYTES) + "\"}}";

    static final List<Row> ROWS = List.of(
            new Row("binary", randomBinary(1024), "request: is not UTF-8: byte 0xC3 at offset 0"),
            new Row("latin-1", LATIN_1.getBytes(StandardCharsets.ISO_8859_1),
                    "request: is not UTF-8: byte 0xE9 at offset " + LATIN_1.indexOf('\u00e9') + " "),
            new Row("utf-16-with-bom", withPrefix(new byte[] {(byte) 0xFF, (byte) 0xFE}, VALID.getBytes(StandardCharsets.UTF_16LE)),
                    "request: is not UTF-8: it starts with the byte-order mark of UTF-16 (little-endian)"),
            new Row("utf-16-without-bom", VALID.getBytes(StandardCharsets.UTF_16LE), "request: is not valid JSON"),
            new Row("duplicate-operation", utf8("{\"operation\":\"training-monitor\",\"operation\":\"nlu-export\","
                    + "\"payload\":{\"modelId\":\"m\",\"modelVersion\":\"1\"}}"), "operation: is given twice at line 1, column"),
            new Row("duplicate-payload", utf8("{\"operation\":\"nlu-export\",\"payload\":{\"modelId\":\"m\",\"modelVersion\":\"1\"},"
                    + "\"payload\":{\"modelId\":\"other\",\"modelVersion\":\"2\"}}"), "payload: is given twice"),
            new Row("duplicate-payload-field", utf8("{\"operation\":\"nlu-export\",\"payload\":{\"modelId\":\"m\","
                    + "\"modelVersion\":\"1\",\"modelId\":\"n\"}}"), "payload.modelId: is given twice"),
            new Row("deep-nesting", utf8("{\"operation\":\"nlu-export\",\"payload\":" + "[".repeat(1001) + "]".repeat(1001) + "}"),
                    "request: is nested deeper than 100 levels"),
            new Row("too-large", utf8(TOO_LARGE), "request: is " + utf8(TOO_LARGE).length + " bytes, over the limit of "
                    + MAX_BYTES + " bytes (cognigy.requests.max-bytes); it was not read"),
            new Row("two-documents", utf8(VALID + "\n" + VALID), "request: is not valid JSON (Trailing token"),
            new Row("empty", new byte[0], "request: is empty"));

    @Override
    protected java.util.Properties settings() {
        java.util.Properties p = super.settings();
        p.setProperty("cognigy.requests.max-bytes", Integer.toString(MAX_BYTES));
        return p;
    }

    @Override
    protected void doPostSetup() {
        new ExportStubs(cognigy, 10_000).happyPath();
    }

    Path inbox() {
        return workDir.resolve("inbox");
    }

    void drop(String name, byte[] bytes) throws IOException {
        Path target = inbox().resolve(name);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + name + ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void everyHostileRequestIsRejectedKeptAndTraced() throws Exception {
        for (Row row : ROWS) {
            drop(row.name() + ".json", row.bytes());
        }
        Path failed = inbox().resolve(".failed");
        await().atMost(Duration.ofSeconds(30)).until(() -> ROWS.stream().allMatch(row ->
                Files.exists(failed.resolve(row.name() + ".json")) && Files.exists(failed.resolve(row.name() + ".error.json"))));

        SoftAssertions soft = new SoftAssertions();
        for (Row row : ROWS) {
            byte[] kept = Files.readAllBytes(failed.resolve(row.name() + ".json"));
            soft.assertThat(kept).as(row.name() + ": the request is kept byte for byte").isEqualTo(row.bytes());
            JsonNode error = Json.MAPPER.readTree(failed.resolve(row.name() + ".error.json").toFile());
            soft.assertThat(error.path("message").asText()).as(row.name() + ": the error file").contains(row.says());
            soft.assertThat(error.path("message").asText()).as(row.name() + ": no invisible character in the message")
                    .doesNotContain("\uFEFF").doesNotContain("\u0000");
            String runId = error.path("runId").asText();
            Path resultFile = workDir.resolve("results").resolve(runId + ".json");
            soft.assertThat(resultFile).as(row.name() + ": its result").exists();
            if (Files.exists(resultFile)) {
                JsonNode result = Json.MAPPER.readTree(resultFile.toFile());
                soft.assertThat(result.path("status").asText()).as(row.name()).isEqualTo("REJECTED");
                soft.assertThat(result.path("trigger").asText()).as(row.name()).isEqualTo("file");
                soft.assertThat(result.path("error").path("message").asText()).as(row.name()).contains(row.says());
            }
            soft.assertThat(auditActions(runId)).as(row.name() + ": its audit trail").containsExactly("RUN_STARTED", "RUN_FINISHED");
        }
        soft.assertAll();
        assertThat(inbox().resolve(".done")).as("nothing hostile ran").doesNotExist();
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo("/oauth/token")));
    }

    @Test
    void aUtf8ByteOrderMarkIsIgnored() throws Exception {
        drop("with-bom.json", withPrefix(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(ExportStubs.request("with-bom", ""))));

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(workDir.resolve("results/with-bom.json")));

        assertThat(resultFile("with-bom").path("status").asText()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox().resolve(".done/with-bom.json")));
    }
}
