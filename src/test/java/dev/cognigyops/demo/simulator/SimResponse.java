package dev.cognigyops.demo.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A simulated HTTP response. The body is a supplier of fresh streams with a known length, so large
 * bodies are generated while they are sent instead of being held in memory.
 */
public record SimResponse(
        int status, String contentType, long contentLength, Supplier<InputStream> body, Map<String, String> headers) {

    static final ObjectMapper JSON = new ObjectMapper();

    public SimResponse {
        headers = Map.copyOf(headers);
    }

    /** {@code body} serialised as JSON (maps keep their insertion order). */
    public static SimResponse json(int status, Object body) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            return new SimResponse(status, "application/json", bytes.length, () -> new ByteArrayInputStream(bytes), Map.of());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The error body Cognigy's API uses: {@code {"message": "..."}}. */
    public static SimResponse message(int status, String message) {
        return json(status, Map.of("message", message));
    }

    /** The error body an OAuth 2 server uses: {@code {"error": "invalid_client"}}. */
    public static SimResponse oauthError(int status, String error) {
        return json(status, Map.of("error", error));
    }

    public static SimResponse stream(String contentType, long contentLength, Supplier<InputStream> body) {
        return new SimResponse(200, contentType, contentLength, body, Map.of());
    }

    public SimResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new SimResponse(status, contentType, contentLength, body, more);
    }
}
