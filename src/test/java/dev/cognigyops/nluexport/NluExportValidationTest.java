package dev.cognigyops.nluexport;

import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** nlu-export's payload rules (docs/contract.md#operations), one rule at a time, then all at once. */
class NluExportValidationTest {

    static NluExport withBucket;
    static NluExport withoutBucket;

    @BeforeAll
    static void exports() {
        withBucket = export("artifacts");
        withoutBucket = export("");
    }

    static NluExport export(String bucketSetting) {
        Properties p = new Properties();
        p.setProperty("cognigy.s3.bucket", bucketSetting);
        return new NluExport(AppSettings.with(p), null, null, null, null);
    }

    static List<String> violations(NluExport export, JsonNode payload) {
        Violations v = new Violations();
        export.validate(payload, v);
        return v.list();
    }

    /** A valid payload with {@code field} set to {@code value} (JSON text), or removed when value is null. */
    static ObjectNode payload(String field, String value) {
        ObjectNode p = Json.object();
        p.put("modelId", "intent-classifier");
        p.put("modelVersion", "1.4.0");
        if (field != null) {
            if (value == null) {
                p.remove(field);
            } else {
                try {
                    p.set(field, Json.parse(value));
                } catch (Exception e) {
                    throw new IllegalArgumentException(value, e);
                }
            }
        }
        return p;
    }

    static String json(String text) {
        return Json.write(text);
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("minimal", null, null),
                arguments("modelId with dots, dashes, underscores", "modelId", json("a1.b_c-D")),
                arguments("modelId of 128 characters", "modelId", json("m".repeat(128))),
                arguments("UUID modelId", "modelId", json("3f1c2a9e-8b7d-4c6e-9a5f-0e1d2c3b4a59")),
                arguments("modelVersion 2", "modelVersion", json("2")),
                arguments("format ONNX", "format", json("ONNX")),
                arguments("format tensorflow_lite", "format", json("tensorflow_lite")),
                arguments("format null (default)", "format", "null"),
                arguments("bucket with dots", "s3Bucket", json("my.artifact-bucket")),
                arguments("bucket of 3", "s3Bucket", json("abc")),
                arguments("bucket of 63", "s3Bucket", json("b".repeat(63))),
                arguments("key with folders", "s3Key", json("exports/2025/model.onnx")),
                arguments("key with dots inside names", "s3Key", json("a/..b/c../d.e")),
                arguments("key of 900 bytes", "s3Key", json("k".repeat(900))),
                arguments("key of 450 two-byte characters", "s3Key", json("é".repeat(450))),
                arguments("https webhook", "webhookUrl", json("https://hooks.example.com/cognigy?x=1")),
                arguments("https webhook with port", "webhookUrl", json("https://hooks.example.com:8443/hook")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void accepts(String name, String field, String value) {
        assertThat(violations(withBucket, payload(field, value))).isEmpty();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("modelId missing", "modelId", null, "payload.modelId: is required"),
                arguments("modelId null", "modelId", "null", "payload.modelId: is required"),
                arguments("modelId not a string", "modelId", "42", "payload.modelId: must be a string"),
                arguments("modelId blank", "modelId", json("  "), "payload.modelId: must not be blank"),
                arguments("modelId with a slash", "modelId", json("a/b"), "payload.modelId: must be 1–128"),
                arguments("modelId starting with a dot", "modelId", json(".hidden"), "payload.modelId: must be 1–128"),
                arguments("modelId of 129 characters", "modelId", json("m".repeat(129)), "payload.modelId: must be 1–128"),
                arguments("modelVersion missing", "modelVersion", null, "payload.modelVersion: is required"),
                arguments("modelVersion a number", "modelVersion", "1.4", "payload.modelVersion: must be a string"),
                arguments("modelVersion with a space", "modelVersion", json("1 4"), "payload.modelVersion: must be 1–128"),
                arguments("format with a dash", "format", json("onnx-v2"), "payload.format: must be 1–32 letters"),
                arguments("format of 33", "format", json("F".repeat(33)), "payload.format: must be 1–32 letters"),
                arguments("format not a string", "format", "[\"ONNX\"]", "payload.format: must be a string"),
                arguments("bucket upper case", "s3Bucket", json("MyBucket"), "payload.s3Bucket: must be a valid S3 bucket name"),
                arguments("bucket of 2", "s3Bucket", json("ab"), "payload.s3Bucket: must be a valid S3 bucket name"),
                arguments("bucket of 64", "s3Bucket", json("b".repeat(64)), "payload.s3Bucket: must be a valid S3 bucket name"),
                arguments("bucket with underscore", "s3Bucket", json("my_bucket"), "payload.s3Bucket: must be a valid S3 bucket name"),
                arguments("bucket starting with a dash", "s3Bucket", json("-bucket"), "payload.s3Bucket: must be a valid S3 bucket name"),
                arguments("bucket ending with a dot", "s3Bucket", json("bucket."), "payload.s3Bucket: must be a valid S3 bucket name"),
                arguments("bucket blank", "s3Bucket", json(""), "payload.s3Bucket: must not be blank"),
                arguments("key with a leading slash", "s3Key", json("/exports/m.onnx"), "payload.s3Key: must not start with '/'"),
                arguments("key with a .. segment", "s3Key", json("exports/../secrets/m.onnx"), "payload.s3Key: must not start with '/'"),
                arguments("key starting with ..", "s3Key", json("../m.onnx"), "payload.s3Key: must not start with '/'"),
                arguments("key ending with ..", "s3Key", json("exports/.."), "payload.s3Key: must not start with '/'"),
                arguments("key that is ..", "s3Key", json(".."), "payload.s3Key: must not start with '/'"),
                arguments("key with a newline", "s3Key", json("exports/m\n.onnx"), "payload.s3Key: must not start with '/'"),
                arguments("key with a NUL", "s3Key", json("exports/m\u0000.onnx"), "payload.s3Key: must not start with '/'"),
                arguments("key with DEL", "s3Key", json("exports/m\u007f.onnx"), "payload.s3Key: must not start with '/'"),
                arguments("key of 901 bytes", "s3Key", json("k".repeat(901)), "payload.s3Key: must be at most 900 bytes"),
                arguments("key of 451 two-byte characters", "s3Key", json("é".repeat(451)), "payload.s3Key: must be at most 900 bytes"),
                arguments("webhook relative", "webhookUrl", json("/hooks/cognigy"), "payload.webhookUrl: must be an absolute http(s) URL"),
                arguments("webhook ftp", "webhookUrl", json("ftp://files.example.com/x"), "payload.webhookUrl: must be an absolute http(s) URL"),
                arguments("webhook without host", "webhookUrl", json("https://"), "payload.webhookUrl: must be an absolute http(s) URL"),
                arguments("webhook with a space", "webhookUrl", json("https://example.com/a b"), "payload.webhookUrl: must be an absolute http(s) URL"),
                arguments("webhook not a URL", "webhookUrl", json("example.com"), "payload.webhookUrl: must be an absolute http(s) URL"),
                arguments("webhook on localhost", "webhookUrl", json("http://localhost:8080/hook"),
                        "payload.webhookUrl: must be an https URL on a public host (cognigy.webhook.allowed-urls is blank): http is not allowed"),
                arguments("webhook on loopback", "webhookUrl", json("https://127.0.0.1:8080/admin?cmd=shutdown"),
                        "payload.webhookUrl: must be an https URL on a public host (cognigy.webhook.allowed-urls is blank): "
                                + "127.0.0.1 is a loopback address"),
                arguments("webhook with user info", "webhookUrl", json("https://ops:pw@hooks.example.com/x"),
                        "payload.webhookUrl: must not carry user info"),
                arguments("unknown field", "region", json("eu-west-1"), "payload.region: is not a known field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String name, String field, String value, String expected) {
        List<String> found = violations(withBucket, payload(field, value));

        assertThat(found).hasSize(1);
        assertThat(found.get(0)).startsWith(expected);
    }

    @Test
    void anUnknownFieldListsTheKnownOnes() {
        assertThat(violations(withBucket, payload("bucket", json("x")))).containsExactly(
                "payload.bucket: is not a known field (known: format, modelId, modelVersion, s3Bucket, s3Key, webhookUrl)");
    }

    @Test
    void s3BucketIsRequiredOnlyWhenTheSettingIsBlank() {
        assertThat(violations(withBucket, payload(null, null))).isEmpty();
        assertThat(violations(withoutBucket, payload(null, null)))
                .containsExactly("payload.s3Bucket: is required when the setting cognigy.s3.bucket is not set");
        assertThat(violations(withoutBucket, payload("s3Bucket", "null")))
                .containsExactly("payload.s3Bucket: is required when the setting cognigy.s3.bucket is not set");
        assertThat(violations(withoutBucket, payload("s3Bucket", json("exports")))).isEmpty();
        assertThat(violations(export("   "), payload(null, null))).hasSize(1);
    }

    @Test
    void aBadBucketIsOneViolationEvenWithoutTheSetting() {
        assertThat(violations(withoutBucket, payload("s3Bucket", json("Bad_Bucket"))))
                .containsExactly("payload.s3Bucket: must be a valid S3 bucket name (3–63 lower-case letters, digits, '.' or '-')");
    }

    @Test
    void listsEveryViolationWithItsPath() {
        ObjectNode p = Json.object();
        p.put("modelVersion", "");
        p.put("format", "ON NX");
        p.put("s3Bucket", "X");
        p.put("s3Key", "/a/../b");
        p.put("webhookUrl", "mailto:ops@example.com");
        p.put("priority", 1);
        p.put("color", "blue");

        List<String> found = violations(withoutBucket, p);

        assertThat(found).hasSize(8).allSatisfy(v -> assertThat(v).startsWith("payload."));
        assertThat(found).anySatisfy(v -> assertThat(v).startsWith("payload.modelId: is required"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.modelVersion: must not be blank"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.format: must be 1–32"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.s3Bucket: must be a valid S3 bucket name"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.s3Key: must not start with '/'"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.webhookUrl: must be an absolute http(s) URL"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.priority: is not a known field"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.color: is not a known field"));
    }

    @Test
    void asksForTheScopesItsSettingNames() {
        assertThat(dev.cognigyops.testsupport.AppSettings.with(new java.util.Properties()).scopes("nlu-export"))
                .containsExactly("nlu:models:export", "jobs:read", "artifacts:download");
        assertThat(withBucket.name()).isEqualTo("nlu-export");
    }
}
