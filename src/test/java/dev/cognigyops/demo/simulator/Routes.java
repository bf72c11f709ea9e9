package dev.cognigyops.demo.simulator;

import java.util.ArrayList;
import java.util.List;

/** The endpoints a {@link SimulatedApi} declares. Paths are WireMock path templates ({@code /jobs/{jobId}}). */
public final class Routes {

    /** Handles one matched request; may throw {@link ApiError} for an error response. */
    @FunctionalInterface
    public interface Handler {
        SimResponse handle(SimRequest request);
    }

    /** One endpoint. {@code authenticated} routes need a valid bearer token issued by the simulator. */
    public record Route(String method, String pathTemplate, boolean authenticated, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();

    public Routes get(String pathTemplate, Handler handler) {
        return add("GET", pathTemplate, true, handler);
    }

    public Routes post(String pathTemplate, Handler handler) {
        return add("POST", pathTemplate, true, handler);
    }

    public Routes put(String pathTemplate, Handler handler) {
        return add("PUT", pathTemplate, true, handler);
    }

    public Routes delete(String pathTemplate, Handler handler) {
        return add("DELETE", pathTemplate, true, handler);
    }

    public Routes patch(String pathTemplate, Handler handler) {
        return add("PATCH", pathTemplate, true, handler);
    }

    /** An endpoint that needs no credentials (the token endpoint itself, a pre-signed download link). */
    public Routes unauthenticated(String method, String pathTemplate, Handler handler) {
        return add(method, pathTemplate, false, handler);
    }

    public List<Route> all() {
        return List.copyOf(routes);
    }

    private Routes add(String method, String pathTemplate, boolean authenticated, Handler handler) {
        routes.add(new Route(method, pathTemplate, authenticated, handler));
        return this;
    }
}
