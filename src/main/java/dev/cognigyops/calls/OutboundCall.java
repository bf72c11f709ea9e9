package dev.cognigyops.calls;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One HTTP call an operation wants made by the shared call route ({@code direct:cognigy-call}).
 *
 * @param method     GET, POST, PUT, DELETE, HEAD
 * @param target     a path relative to {@code cognigy.base-url}, or an absolute URL
 * @param query      query parameters, or empty
 * @param body       JSON body, or null
 * @param action     the audit action this call is recorded as
 * @param resource   the audit resource, e.g. {@code nlu:<modelId>:<version>}
 * @param bearer     the call carries the run's bearer token (Cognigy API calls, downloads from the tenant)
 * @param retrySettings the settings prefix its retries follow: {@code cognigy.retry} or {@code cognigy.webhook.retry}
 * @param headers  extra request headers (e.g. {@code X-Request-Id}), or empty; never credentials
 */
public record OutboundCall(String method, String target, Map<String, String> query, JsonNode body,
                           String action, String resource, boolean bearer, String retrySettings,
                           Map<String, String> headers) {

    public static final String COGNIGY_RETRY = "cognigy.retry";
    public static final String WEBHOOK_RETRY = "cognigy.webhook.retry";

    /** A Cognigy API call: path relative to the tenant, with the run's token. */
    public static OutboundCall cognigy(String method, String path, JsonNode body, String action, String resource) {
        return new OutboundCall(method, path, Map.of(), body, action, resource, true, COGNIGY_RETRY, Map.of());
    }

    /** A webhook: never a token, its own retry settings. */
    public static OutboundCall webhook(String url, JsonNode body, String action, String resource) {
        return new OutboundCall("POST", url, Map.of(), body, action, resource, false, WEBHOOK_RETRY, Map.of());
    }

    /**
     * A call to a service that is not the tenant (MLflow, a dependency webhook's {@code HEAD}): never a
     * token, retries per {@code retrySettings} (e.g. {@code cognigy.webhook.retry}).
     */
    public static OutboundCall external(String method, String url, JsonNode body, String action, String resource,
                                        String retrySettings) {
        return new OutboundCall(method, url, Map.of(), body, action, resource, false, retrySettings, Map.of());
    }

    /**
     * A download of something Cognigy produced: the token only goes to the tenant's own origin.
     * The step that reads it audits its success; a failure is audited under {@code action}.
     */
    public static OutboundCall download(String url, boolean tenantOrigin, String action, String resource) {
        return new OutboundCall("GET", url, Map.of(), null, action, resource, tenantOrigin, COGNIGY_RETRY, Map.of());
    }

    /** The same call with these query parameters (encoded when sent). */
    public OutboundCall withQuery(Map<String, String> params) {
        return new OutboundCall(method, target, Map.copyOf(params), body, action, resource, bearer, retrySettings, headers);
    }

    /** The same call with one more request header. */
    public OutboundCall withHeader(String name, String value) {
        if (name.equalsIgnoreCase("Authorization")) {
            throw new IllegalArgumentException("the bearer token is set by the call route, not by a header");
        }
        var more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new OutboundCall(method, target, query, body, action, resource, bearer, retrySettings, Map.copyOf(more));
    }

    public boolean isAbsolute() {
        return target.startsWith("http://") || target.startsWith("https://");
    }

    /** How the call is named in messages: method and path, never a query string or credentials. */
    public String describe() {
        String shown = target;
        int q = shown.indexOf('?');
        if (q >= 0) {
            shown = shown.substring(0, q);
        }
        int at = shown.indexOf('@');
        if (isAbsolute() && at > 0) {
            shown = shown.substring(0, shown.indexOf("//") + 2) + shown.substring(at + 1);
        }
        return method + " " + shown;
    }
}
