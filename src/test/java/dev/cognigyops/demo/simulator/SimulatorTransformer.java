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
import java.util.function.Predicate;

/**
 * The WireMock glue: every stub the simulator installs names this transformer, which looks up the
 * stub's {@link Route}, checks the bearer token and renders the handler's {@link SimResponse}.
 */
final class SimulatorTransformer implements ResponseTransformerV2 {

    static final String NAME = "cognigy-simulator";

    /** Answers any request no route matched (after the token check, as a real tenant does). */
    private static final Route NOT_FOUND = new Route("ANY", "/**", true, request -> {
        throw new ApiError(404, "Cannot " + request.method() + " " + request.url());
    });

    private final Map<UUID, Route> routesByStubId = new ConcurrentHashMap<>();
    private final Predicate<String> validToken;

    SimulatorTransformer(Predicate<String> validToken) {
        this.validToken = validToken;
    }

    void bind(UUID stubId, Route route) {
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
        Route route = routesByStubId.getOrDefault(serveEvent.getStubMapping().getId(), NOT_FOUND);
        SimResponse result = handle(route, new SimRequest(serveEvent.getRequest()));
        return Response.Builder.like(response)
                .but()
                .status(result.status())
                .headers(headersOf(result))
                .body(result.body()::get)
                .build();
    }

    private SimResponse handle(Route route, SimRequest request) {
        if (route.authenticated() && !validToken.test(bearerToken(request))) {
            return SimResponse.oauthError(401, "invalid_token")
                    .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        try {
            return route.handler().handle(request);
        } catch (ApiError e) {
            return e.response();
        } catch (RuntimeException e) {
            return SimResponse.message(500, "Simulator failure: " + e);
        }
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
