package dev.cognigyops.demo.simulator;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.cognigyops.demo.simulator.Routes.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The WireMock glue: every stub the simulator installs names this transformer, which looks up the
 * stub's {@link Route}, lets its {@link Gate} check the request (the bearer token, or an API key and a
 * rate limit) and renders the handler's {@link SimResponse}.
 */
public final class SimulatorTransformer implements ResponseTransformerV2 {

    public static final String NAME = "cognigy-simulator";

    /** Checked before every route's handler, including the fallback: a refusal to answer instead, or null to go on. */
    @FunctionalInterface
    public interface Gate {
        SimResponse check(Route route, SimRequest request);
    }

    private final Map<UUID, Route> routesByStubId = new ConcurrentHashMap<>();
    private final Gate gate;
    private final Route notFound;
    private final BiFunction<RuntimeException, SimRequest, SimResponse> onFailure;

    /** The seeds' API: a bearer token on every authenticated route, errors as {@code {"message": ...}}. */
    SimulatorTransformer(Predicate<String> validToken) {
        this(bearerGate(validToken),
                request -> {
                    throw new ApiError(404, "Cannot " + request.method() + " " + request.url());
                },
                (e, request) -> SimResponse.message(500, "Simulator failure: " + e));
    }

    /**
     * @param notFound  answers any request no route matched (after the gate, as a real tenant does)
     * @param onFailure renders any exception a handler threw other than {@link ApiError}
     */
    public SimulatorTransformer(Gate gate, Routes.Handler notFound,
            BiFunction<RuntimeException, SimRequest, SimResponse> onFailure) {
        this.gate = gate;
        this.notFound = new Route("ANY", "/**", true, notFound);
        this.onFailure = onFailure;
    }

    public void bind(UUID stubId, Route route) {
        routesByStubId.put(stubId, route);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        Route route = routesByStubId.getOrDefault(serveEvent.getStubMapping().getId(), notFound);
        SimResponse result = handle(route, new SimRequest(serveEvent.getRequest()));
        return Response.Builder.like(response)
                .but()
                .status(result.status())
                .headers(headersOf(result))
                .body(result.body()::get)
                .build();
    }

    private SimResponse handle(Route route, SimRequest request) {
        try {
            SimResponse refusal = gate.check(route, request);
            if (refusal != null) {
                return refusal;
            }
            return route.handler().handle(request);
        } catch (ApiError e) {
            return e.response();
        } catch (RuntimeException e) {
            return onFailure.apply(e, request);
        }
    }

    private static Gate bearerGate(Predicate<String> validToken) {
        return (route, request) -> route.authenticated() && !validToken.test(bearerToken(request))
                ? SimResponse.oauthError(401, "invalid_token")
                        .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                : null;
    }

    private static String bearerToken(SimRequest request) {
        String authorization = request.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    /** Content-Length is set explicitly so Jetty sends it instead of chunking, even for streamed bodies. */
    private static HttpHeaders headersOf(SimResponse result) {
        List<HttpHeader> headers = new ArrayList<>();
        headers.add(new HttpHeader("Content-Type", result.contentType()));
        headers.add(new HttpHeader("Content-Length", Long.toString(result.contentLength())));
        result.headers().forEach((name, value) -> headers.add(new HttpHeader(name, value)));
        return new HttpHeaders(headers);
    }
}
