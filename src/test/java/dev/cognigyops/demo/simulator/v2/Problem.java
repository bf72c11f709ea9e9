package dev.cognigyops.demo.simulator.v2;

import dev.cognigyops.demo.simulator.SimRequest;
import dev.cognigyops.demo.simulator.SimResponse;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An RFC 7807 error as Cognigy's REST API v2.0 answers it, thrown by a handler:
 * {@code {type, title, status, detail, instance, code, traceId, details}} with
 * {@code Content-Type: application/problem+json} and a fresh {@code traceId} each time.
 *
 * <p>Codes: 1000 missing argument, 1002 not found, 1004 conflict, 1005 invalid argument, 1008 internal.
 * The API's list gives no code for a refused key or the rate limit; this simulator uses
 * {@link #UNAUTHORIZED} and {@link #TOO_MANY_REQUESTS} (its own choice, marked I(nferred)).
 */
public final class Problem extends RuntimeException {

    public static final int MISSING_ARGUMENT = 1000;
    public static final int NOT_FOUND = 1002;
    public static final int CONFLICT = 1004;
    public static final int INVALID_ARGUMENT = 1005;
    public static final int INTERNAL = 1008;
    /** I: not in the known list. */
    public static final int UNAUTHORIZED = 1001;
    /** I: not in the known list. */
    public static final int TOO_MANY_REQUESTS = 1009;

    private static final Map<Integer, String> TITLES = Map.of(
            MISSING_ARGUMENT, "Missing Argument",
            NOT_FOUND, "Resource Not Found",
            CONFLICT, "Conflict",
            INVALID_ARGUMENT, "Invalid Argument",
            INTERNAL, "Internal Server Error",
            UNAUTHORIZED, "Unauthorized",
            TOO_MANY_REQUESTS, "Too Many Requests");

    private final int status;
    private final int code;
    private final String detail;
    private final List<Object> details;

    public Problem(int status, int code, String detail) {
        this(status, code, detail, List.of());
    }

    public Problem(int status, int code, String detail, List<Object> details) {
        super(status + " " + code + ": " + detail, null, false, false);
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.details = List.copyOf(details);
    }

    static Problem missing(String argument) {
        return new Problem(400, MISSING_ARGUMENT, "Missing argument: " + argument);
    }

    static Problem invalid(String detail) {
        return new Problem(400, INVALID_ARGUMENT, detail);
    }

    static Problem notFound(String what, String id) {
        return new Problem(404, NOT_FOUND, what + " " + id + " not found");
    }

    static Problem conflict(String detail) {
        return new Problem(409, CONFLICT, detail);
    }

    public int status() {
        return status;
    }

    public int code() {
        return code;
    }

    /** The response for this problem, its {@code instance} being the request's path. */
    public SimResponse render(SimRequest request) {
        return render(request.url());
    }

    SimResponse render(String url) {
        Map<String, Object> body = new LinkedHashMap<>();
        String title = TITLES.getOrDefault(code, "Error");
        body.put("type", "https://docs.cognigy.com/errors/" + code);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", url == null ? null : url.replaceFirst("\\?.*", ""));
        body.put("code", code);
        body.put("traceId", newTraceId());
        body.put("details", details);
        SimResponse json = SimResponse.json(status, body);
        return new SimResponse(status, "application/problem+json", json.contentLength(), json.body(), json.headers());
    }

    private static String newTraceId() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
