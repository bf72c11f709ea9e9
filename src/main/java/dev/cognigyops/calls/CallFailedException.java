package dev.cognigyops.calls;

import java.util.Map;

/** An HTTP call answered with a failure status (calls made outside camel-http: token, download). */
public class CallFailedException extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;
    private final String responseBody;

    public CallFailedException(String message, int status, Map<String, String> headers, String responseBody) {
        super(message);
        this.status = status;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
        this.responseBody = responseBody;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String responseBody() {
        return responseBody;
    }
}
