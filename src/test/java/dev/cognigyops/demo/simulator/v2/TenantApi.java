package dev.cognigyops.demo.simulator.v2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cognigyops.demo.simulator.Routes.Handler;
import dev.cognigyops.demo.simulator.SimRequest;
import dev.cognigyops.demo.simulator.SimResponse;
import dev.cognigyops.demo.simulator.SimulatedApi;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

/** An area of the v2.0 API over the shared {@link Tenant}: handlers run under the tenant's lock. */
abstract class TenantApi implements SimulatedApi {

    static final String V2 = "/new/v2.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    final Tenant tenant;

    TenantApi(Tenant tenant) {
        this.tenant = tenant;
    }

    /** The handler, run while holding the tenant's lock. */
    Handler locked(Handler handler) {
        return request -> {
            synchronized (tenant) {
                return handler.handle(request);
            }
        };
    }

    static SimResponse ok(Object body) {
        return SimResponse.json(200, body);
    }

    /** A long operation's answer: 202 with the task as created (I: the status code; clients accept any 2xx). */
    static SimResponse accepted(Task task) {
        return SimResponse.json(202, task.createdView());
    }

    static SimResponse noContent() {
        return new SimResponse(204, "application/json", 0, () -> new ByteArrayInputStream(new byte[0]), Map.of());
    }

    static Map<String, Object> json(SimRequest request) {
        String body = request.body();
        if (body == null || body.isBlank()) {
            throw Problem.missing("request body");
        }
        try {
            Map<String, Object> object = JSON.readValue(body, new TypeReference<>() {});
            if (object != null) {
                return object;
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // answered below
        }
        throw Problem.invalid("The request body must be a JSON object");
    }

    static String requiredString(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null || value instanceof String s && s.isBlank()) {
            throw Problem.missing(field);
        }
        if (!(value instanceof String s)) {
            throw Problem.invalid(field + " must be a string");
        }
        return s;
    }

    static String optionalString(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value != null && !(value instanceof String)) {
            throw Problem.invalid(field + " must be a string");
        }
        return (String) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> optionalArray(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value != null && !(value instanceof List)) {
            throw Problem.invalid(field + " must be an array");
        }
        return (List<Object>) value;
    }

    static List<String> requiredStrings(Map<String, Object> body, String field) {
        List<Object> values = optionalArray(body, field);
        if (values == null || values.isEmpty()) {
            throw Problem.missing(field);
        }
        for (Object value : values) {
            if (!(value instanceof String)) {
                throw Problem.invalid(field + " must be an array of strings");
            }
        }
        return values.stream().map(String.class::cast).toList();
    }

    static String requiredQuery(SimRequest request, String name) {
        String value = request.queryParam(name);
        if (value == null || value.isBlank()) {
            throw Problem.missing(name);
        }
        return value;
    }
}
