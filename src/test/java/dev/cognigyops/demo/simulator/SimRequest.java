package dev.cognigyops.demo.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The request a route handler sees: path parameters, headers and the body, without WireMock types. */
public final class SimRequest {

    private final Request request;

    SimRequest(Request request) {
        this.request = request;
    }

    public String method() {
        return request.getMethod().getName();
    }

    /** The path with its query string, e.g. {@code /api/v1/jobs/42}. */
    public String url() {
        return request.getUrl();
    }

    /** The URL the client used, with scheme, host and port, e.g. {@code http://localhost:54321/api/v1/jobs/42}. */
    public String absoluteUrl() {
        return request.getAbsoluteUrl();
    }

    /** A variable of the route's path template, e.g. {@code jobId} in {@code /api/v1/jobs/{jobId}}. */
    public String pathParam(String name) {
        return request.getPathParameters().get(name);
    }

    /** The header's first value, or null. */
    public String header(String name) {
        return request.containsHeader(name) ? request.getHeader(name) : null;
    }

    public String body() {
        return request.getBodyAsString();
    }

    public byte[] bodyBytes() {
        byte[] body = request.getBody();
        return body == null ? new byte[0] : body;
    }

    /** The query parameter's first value (decoded), or null. */
    public String queryParam(String name) {
        QueryParameter parameter = request.queryParameter(name);
        return parameter != null && parameter.isPresent() ? parameter.firstValue() : null;
    }

    /** True when the body is {@code multipart/form-data} (or another multipart type). */
    public boolean isMultipart() {
        return request.isMultipart();
    }

    /** A part of a multipart body by its name, or null: its bytes. */
    public byte[] part(String name) {
        if (!request.isMultipart()) {
            return null;
        }
        Request.Part part = request.getPart(name);
        return part == null ? null : part.getBody().asBytes();
    }

    /** The body as {@code application/x-www-form-urlencoded} fields. */
    public Map<String, String> form() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body().split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                fields.putIfAbsent(urlDecode(name), urlDecode(value));
            }
        }
        return fields;
    }

    /** The body as a JSON object; answers 400 when it is not one. */
    public Map<String, Object> json() {
        try {
            Map<String, Object> object = SimResponse.JSON.readValue(body(), new TypeReference<>() {});
            if (object != null) {
                return object;
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // answered below
        }
        throw new ApiError(400, "Request body must be a JSON object");
    }

    static String urlDecode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
