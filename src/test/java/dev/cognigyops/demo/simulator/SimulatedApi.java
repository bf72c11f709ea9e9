package dev.cognigyops.demo.simulator;

/**
 * One area of the Cognigy.AI REST API (OAuth, NLU export, bot deployments, ...), plugged into a
 * {@link CognigySimulator} with {@link CognigySimulator#register(SimulatedApi)}.
 *
 * <p>An area keeps its own state in Java objects and declares its endpoints once; the simulator
 * turns each endpoint into a WireMock stub, checks the bearer token and renders the response.
 */
public interface SimulatedApi {

    /** Declares this area's endpoints, e.g. {@code routes.get("/api/v1/flows/{flowId}", this::getFlow)}. */
    void registerRoutes(Routes routes);
}
