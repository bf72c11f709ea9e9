package dev.cognigyops.demo.simulator;

/** Thrown by a route handler to answer with an error response instead of its normal result. */
public final class ApiError extends RuntimeException {

    private final transient SimResponse response;

    /** An error with the usual Cognigy body {@code {"message": "..."}}. */
    public ApiError(int status, String message) {
        this(SimResponse.message(status, message));
    }

    public ApiError(SimResponse response) {
        super("HTTP " + response.status(), null, false, false);
        this.response = response;
    }

    public SimResponse response() {
        return response;
    }
}
