package dev.cognigyops.demo.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Flows of the source environment, and what each target environment holds:
 *
 * <pre>
 * GET  /api/v2/flows?limit&offset                  the source's flows, a page at a time
 * GET  /api/v2/flows/{flowId}/status?environmentId  404 when the flow is not in that environment
 * GET  /api/v2/intents?environmentId, /api/v2/entities?environmentId
 * POST /api/v2/flows/import    {flow, environmentId}   the flow reads "deploying" once, then "deployed"
 * POST /api/v2/flows/{flowId}/rollback {targetVersion, environmentId}   to a version the environment had
 * </pre>
 *
 * The demo tenant has seven flows (welcome → menu → billing ⇄ support, menu → faq, …) and a
 * production environment {@value #DEMO_ENVIRONMENT} holding older versions of five of them.
 */
public final class FlowDeployApi implements SimulatedApi {

    public static final String DEMO_ENVIRONMENT = "env-prod-eu";

    /** One flow in one environment: its version, status, and every version it has had. */
    private static final class Deployed {
        volatile String version;
        volatile String status;
        volatile int deployingReads;
        final List<String> history = new CopyOnWriteArrayList<>();

        Deployed(String version) {
            this.version = version;
            this.status = "deployed";
            history.add(version);
        }
    }

    private final List<Map<String, Object>> flows = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, Deployed>> environments = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> intents = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> entities = new ConcurrentHashMap<>();
    private final Set<String> failingImports = ConcurrentHashMap.newKeySet();
    private final List<String> imports = new CopyOnWriteArrayList<>();
    private final List<String> rollbacks = new CopyOnWriteArrayList<>();

    public FlowDeployApi() {
        addFlow("flow_welcome", "Welcome", "2.1.0", "flow:flow_menu", "intent:greet");
        addFlow("flow_menu", "Main menu", "1.8.0", "flow:flow_billing", "flow:flow_support", "flow:flow_faq");
        addFlow("flow_billing", "Billing", "3.0.0", "flow:flow_support", "intent:pay_invoice", "entity:invoice_number");
        addFlow("flow_support", "Support", "1.4.2", "flow:flow_billing", "intent:talk_to_agent");
        addFlow("flow_faq", "FAQ", "1.0.0", "intent:opening_hours");
        addFlow("flow_handover", "Agent handover", "1.1.0", "entity:city", "variable:queue");
        addFlow("flow_goodbye", "Goodbye", "1.0.1", "intent:bye");
        Map<String, Deployed> prod = environments.computeIfAbsent(DEMO_ENVIRONMENT, k -> new ConcurrentHashMap<>());
        prod.put("flow_welcome", new Deployed("2.0.3"));
        prod.put("flow_menu", new Deployed("1.7.0"));
        prod.put("flow_billing", new Deployed("2.9.1"));
        prod.put("flow_support", new Deployed("1.4.0"));
        prod.put("flow_goodbye", new Deployed("1.0.0"));
        intents.put(DEMO_ENVIRONMENT, ConcurrentHashMap.newKeySet());
        intents.get(DEMO_ENVIRONMENT).addAll(List.of("greet", "pay_invoice", "talk_to_agent", "opening_hours", "bye"));
        entities.put(DEMO_ENVIRONMENT, ConcurrentHashMap.newKeySet());
        entities.get(DEMO_ENVIRONMENT).addAll(List.of("invoice_number", "city"));
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.get("/api/v2/flows", this::listFlows)
                .get("/api/v2/flows/{flowId}/status", this::status)
                .get("/api/v2/intents", r -> list(r, intents))
                .get("/api/v2/entities", r -> list(r, entities))
                .post("/api/v2/flows/import", this::importFlow)
                .post("/api/v2/flows/{flowId}/rollback", this::rollback);
    }

    // ---- configuration and state, for demos and tests

    /** Adds a source flow with references {@code type:id}. */
    public void addFlow(String id, String name, String version, String... refs) {
        Map<String, Object> flow = new LinkedHashMap<>();
        flow.put("id", id);
        flow.put("name", name);
        flow.put("version", version);
        flow.put("environmentId", "env-dev");
        flow.put("nodes", List.of(Map.of("id", "start", "type", "start", "configuration", Map.of()),
                Map.of("id", "say", "type", "action", "configuration", Map.of("text", name)),
                Map.of("id", "end", "type", "end", "configuration", Map.of())));
        flow.put("edges", List.of(edge("start", "say"), edge("say", "end")));
        List<Map<String, Object>> ext = new ArrayList<>();
        for (String ref : refs) {
            String[] parts = ref.split(":", 2);
            ext.add(Map.of("type", parts[0], "id", parts[1], "environmentId", "env-dev"));
        }
        flow.put("externalReferences", ext);
        flows.add(flow);
    }

    /** Imports of this flow are refused (422) from now on. */
    public void failImportsOf(String flowId) {
        failingImports.add(flowId);
    }

    /** The version a flow has in an environment, or null. */
    public String versionIn(String environmentId, String flowId) {
        Deployed d = environments.getOrDefault(environmentId, Map.of()).get(flowId);
        return d == null ? null : d.version;
    }

    /** Flow ids in the order they were imported. */
    public List<String> imports() {
        return List.copyOf(imports);
    }

    /** {@code flowId@version} in the order rollbacks were asked for. */
    public List<String> rollbacks() {
        return List.copyOf(rollbacks);
    }

    // ---- endpoints

    private SimResponse listFlows(SimRequest request) {
        Map<String, String> q = query(request);
        int limit = Math.max(1, Math.min(100, intParam(q, "limit", 100)));
        int offset = Math.max(0, intParam(q, "offset", 0));
        List<Map<String, Object>> page = flows.subList(Math.min(offset, flows.size()), Math.min(flows.size(), offset + limit));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page);
        body.put("total", flows.size());
        body.put("limit", limit);
        body.put("offset", offset);
        return SimResponse.json(200, body);
    }

    private SimResponse status(SimRequest request) {
        String env = requireEnvironment(query(request).get("environmentId"));
        String flowId = request.pathParam("flowId");
        Deployed d = environments.getOrDefault(env, Map.of()).get(flowId);
        if (d == null) {
            throw new ApiError(404, "Flow " + flowId + " is not deployed in environment " + env);
        }
        if (d.deployingReads > 0) {
            d.deployingReads--;
            return SimResponse.json(200, statusView(flowId, env, d.version, "deploying"));
        }
        return SimResponse.json(200, statusView(flowId, env, d.version, d.status));
    }

    private SimResponse list(SimRequest request, Map<String, Set<String>> byEnvironment) {
        String env = requireEnvironment(query(request).get("environmentId"));
        List<Map<String, Object>> items = new ArrayList<>();
        byEnvironment.getOrDefault(env, Set.of()).stream().sorted().forEach(id -> items.add(Map.of("id", id)));
        return SimResponse.json(200, Map.of("items", items, "total", items.size()));
    }

    @SuppressWarnings("unchecked")
    private SimResponse importFlow(SimRequest request) {
        Map<String, Object> body = request.json();
        String env = requireEnvironment(body.get("environmentId") instanceof String s ? s : null);
        if (!(body.get("flow") instanceof Map<?, ?> flow) || !(flow.get("id") instanceof String flowId)
                || !(flow.get("version") instanceof String version)) {
            throw new ApiError(400, "flow with id and version is required");
        }
        if (failingImports.contains(flowId)) {
            throw new ApiError(422, "Flow " + flowId + " cannot be imported: node 'say' has no handler in " + env);
        }
        Map<String, Deployed> target = environments.computeIfAbsent(env, k -> new ConcurrentHashMap<>());
        Deployed d = target.get(flowId);
        if (d == null) {
            d = new Deployed(version);
            target.put(flowId, d);
        } else {
            d.version = version;
            d.status = "deployed";
            d.history.add(version);
        }
        d.deployingReads = 1;
        imports.add(flowId);
        return SimResponse.json(201, Map.of("id", flowId, "environmentId", env, "version", version, "status", "deploying"));
    }

    private SimResponse rollback(SimRequest request) {
        Map<String, Object> body = request.json();
        String env = requireEnvironment(body.get("environmentId") instanceof String s ? s : null);
        String flowId = request.pathParam("flowId");
        Deployed d = environments.getOrDefault(env, Map.of()).get(flowId);
        if (d == null) {
            throw new ApiError(404, "Flow " + flowId + " is not deployed in environment " + env);
        }
        if (!(body.get("targetVersion") instanceof String target) || !d.history.contains(target)) {
            throw new ApiError(409, "Flow " + flowId + " never had version " + body.get("targetVersion") + " in " + env);
        }
        d.version = target;
        d.status = "deployed";
        d.deployingReads = 0;
        rollbacks.add(flowId + "@" + target);
        return SimResponse.json(200, statusView(flowId, env, target, "deployed"));
    }

    // ---- helpers

    private String requireEnvironment(String env) {
        if (env == null || env.isBlank()) {
            throw new ApiError(400, "environmentId is required");
        }
        return env;
    }

    private static Map<String, Object> statusView(String flowId, String env, String version, String status) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", flowId);
        view.put("environmentId", env);
        view.put("version", version);
        view.put("status", status);
        return view;
    }

    private static Map<String, Object> edge(String from, String to) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("from", from);
        e.put("to", to);
        e.put("condition", null);
        return e;
    }

    private static Map<String, String> query(SimRequest request) {
        Map<String, String> q = new LinkedHashMap<>();
        String url = request.url();
        int i = url.indexOf('?');
        if (i >= 0) {
            for (String pair : url.substring(i + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.putIfAbsent(SimRequest.urlDecode(pair.substring(0, eq)), SimRequest.urlDecode(pair.substring(eq + 1)));
                }
            }
        }
        return q;
    }

    private static int intParam(Map<String, String> q, String name, int fallback) {
        try {
            return q.containsKey(name) ? Integer.parseInt(q.get(name)) : fallback;
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + " must be a whole number");
        }
    }
}
