package dev.cognigyops.support;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The canonical form content hashes are taken of (flow {@code contentHash}, retrain
 * {@code payloadHash}): object keys sorted by their UTF-16 code units, at every depth; no
 * whitespace outside strings; strings escaped as JSON requires and nothing more; integers as
 * written; other numbers as the shortest plain decimal of their value ({@code 1.50} and
 * {@code 1.5} are the same, {@code 1e2} is {@code 100}); array order kept; UTF-8 bytes hashed.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    public static String canonical(JsonNode value) {
        var out = new StringWriter();
        try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
            write(value, gen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Lower-case hex SHA-256 of the canonical form's UTF-8 bytes. */
    public static String sha256(JsonNode value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical(value).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static void write(JsonNode node, JsonGenerator gen) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            gen.writeNull();
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            gen.writeStartObject();
            for (String name : names) {
                gen.writeFieldName(name);
                write(node.get(name), gen);
            }
            gen.writeEndObject();
        } else if (node.isArray()) {
            gen.writeStartArray();
            for (JsonNode item : node) {
                write(item, gen);
            }
            gen.writeEndArray();
        } else if (node.isIntegralNumber()) {
            gen.writeNumber(node.bigIntegerValue());
        } else if (node.isNumber()) {
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            gen.writeNumber(value.scale() <= 0 ? value.toBigIntegerExact().toString() : value.toPlainString());
        } else if (node.isBoolean()) {
            gen.writeBoolean(node.booleanValue());
        } else {
            gen.writeString(node.asText());
        }
    }
}
