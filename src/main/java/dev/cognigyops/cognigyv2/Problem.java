package dev.cognigyops.cognigyv2;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.support.Json;

/**
 * An RFC 7807 error answer of the real Cognigy API ({@code {type, title, status, detail, instance, code,
 * traceId, details}}, cognigy-v2-api.md cross-cutting). A run's message gives its {@code detail} and its
 * {@code traceId}, so that Cognigy support can find the call (docs/contract.md §9).
 */
public record Problem(String title, String detail, String code, String traceId) {

    static final int MAX_DETAIL = 300;

    /**
     * The problem in an error body, when it is one: a JSON object with a {@code traceId}, or with a
     * {@code title} and a {@code detail} or {@code type}. Anything else (text, the seeds' own errors) is empty.
     */
    public static Optional<Problem> in(String body) {
        if (body == null || body.isBlank() || body.trim().charAt(0) != '{') {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = Json.parse(body.trim());
        } catch (Exception notJson) {
            return Optional.empty();
        }
        String traceId = text(json, "traceId");
        String title = text(json, "title");
        String detail = text(json, "detail");
        if (traceId == null && (title == null || (detail == null && text(json, "type") == null))) {
            return Optional.empty();
        }
        return Optional.of(new Problem(title, detail, text(json, "code"), traceId));
    }

    /**
     * As a result's message shows it: {@code Flow 42 not found (Not Found, Cognigy code 1002; traceId 9f1c…)}:
     * the detail (else the title), then what identifies the call.
     */
    public String shown() {
        String said = detail != null ? detail : title != null ? title : "no detail given";
        // a long detail is cut, never the traceId after it
        StringBuilder out = new StringBuilder(said.length() > MAX_DETAIL ? said.substring(0, MAX_DETAIL) + "…" : said);
        StringBuilder ids = new StringBuilder();
        if (detail != null && title != null) {
            ids.append(title);
        }
        if (code != null) {
            ids.append(ids.isEmpty() ? "" : ", ").append("Cognigy code ").append(code);
        }
        ids.append(ids.isEmpty() ? "" : "; ").append("traceId ").append(traceId == null ? "none given" : traceId);
        return out.append(" (").append(ids).append(')').toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }
}
